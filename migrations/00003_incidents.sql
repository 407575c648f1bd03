-- Incidents and their audit trail. An incident keeps the coordinates it was reported with and
-- their CRS beside the WGS-84 point it is stored at. client_key makes retries safe: it holds the
-- Idempotency-Key of a single report or the client id of a batch item, and request_hash the
-- digest of the request it was first stored with, so a reused key with another request is caught.

-- +goose Up
CREATE TABLE incidents (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_key        text UNIQUE CHECK (length(client_key) BETWEEN 1 AND 200),
    request_hash      bytea,
    geom              geometry(Point, 4326) NOT NULL,
    reported_lon      double precision NOT NULL,
    reported_lat      double precision NOT NULL,
    reported_crs      text NOT NULL CHECK (reported_crs IN ('wgs84', 'gcj02', 'bd09')),
    category          text NOT NULL CHECK (category ~ '^[a-z_]{1,40}$'),
    channel           text NOT NULL CHECK (channel ~ '^[a-z0-9_]{1,40}$'),
    description       text NOT NULL DEFAULT '',
    reporter          text NOT NULL DEFAULT '',
    status            text NOT NULL CHECK (status IN ('reported', 'assigned', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate')),
    grid_code         text REFERENCES grids (code),
    assign_method     text NOT NULL CHECK (assign_method IN ('contains', 'nearest', 'unassigned')),
    assign_distance_m double precision NOT NULL DEFAULT 0 CHECK (assign_distance_m >= 0),
    assign_reason     text NOT NULL DEFAULT '',
    reported_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    due_at            timestamptz NOT NULL,
    resolved_at       timestamptz,
    CHECK ((assign_method = 'unassigned') = (grid_code IS NULL))
);
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
CREATE INDEX incidents_grid_status_idx ON incidents (grid_code, status);
CREATE INDEX incidents_reported_at_idx ON incidents (reported_at);
CREATE INDEX incidents_status_idx ON incidents (status);
COMMENT ON COLUMN incidents.reporter IS 'personal data: never returned by public APIs, tiles or feature services';

CREATE TABLE incident_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    from_status text,
    to_status   text NOT NULL,
    grid_code   text,
    note        text NOT NULL DEFAULT ''
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, id);

-- +goose Down
DROP TABLE incident_events;
DROP TABLE incidents;
