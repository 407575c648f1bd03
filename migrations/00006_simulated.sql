-- Incidents made up by the simulated city of a demo (gridmap serve with GRIDMAP_SIMULATE) are
-- marked, so that they are never taken for residents' reports and the pages can say that they
-- show demo data.

-- +goose Up
ALTER TABLE incidents ADD COLUMN simulated boolean NOT NULL DEFAULT false;
CREATE INDEX incidents_simulated_idx ON incidents (id) WHERE simulated;

-- +goose Down
DROP INDEX incidents_simulated_idx;
ALTER TABLE incidents DROP COLUMN simulated;
