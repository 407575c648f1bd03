-- Change notices and manual assignment.
-- Every committed change to a table the servers cache sends NOTIFY gridmap_changes with the
-- table's name (PostgreSQL folds identical notices of one transaction into one, and delivers
-- them only on commit), so every instance refreshes its index, tiles and feeds.
-- Incidents may also be handed to a grid by a person: assign_method 'manual'.

-- +goose Up
ALTER TABLE incidents DROP CONSTRAINT incidents_assign_method_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_assign_method_check
    CHECK (assign_method IN ('contains', 'nearest', 'unassigned', 'manual'));

-- +goose StatementBegin
CREATE FUNCTION gridmap_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gridmap_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER streets_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON streets
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER communities_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON communities
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER grids_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grids
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER red_positions_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON red_positions
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER stations_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON stations
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER staff_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON staff
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER incidents_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incidents
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();

-- +goose Down
DROP TRIGGER incidents_notify ON incidents;
DROP TRIGGER staff_notify ON staff;
DROP TRIGGER stations_notify ON stations;
DROP TRIGGER red_positions_notify ON red_positions;
DROP TRIGGER grids_notify ON grids;
DROP TRIGGER communities_notify ON communities;
DROP TRIGGER streets_notify ON streets;
DROP FUNCTION gridmap_notify_change();
ALTER TABLE incidents DROP CONSTRAINT incidents_assign_method_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_assign_method_check
    CHECK (assign_method IN ('contains', 'nearest', 'unassigned'));
