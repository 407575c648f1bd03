-- The loop of a request (接、派、办、督、评): dispatch to a person or a department, response,
-- progress, urging, escalation and callback, with the instants the supervision rules fire at;
-- departments; the city's additions to the national holiday schedule; and a record of each
-- warning the first time it fires, so that every instance announces it once.

-- +goose Up
CREATE TABLE departments (
    code   text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'),
    name   text NOT NULL CHECK (name <> ''),
    active boolean NOT NULL DEFAULT true
);
INSERT INTO departments (code, name) VALUES
    ('housing', '住房和城乡建设局'), ('city_management', '城市管理局'), ('police', '公安局'),
    ('market', '市场监督管理局'), ('power', '供电公司'), ('water', '自来水公司'),
    ('environment', '生态环境局'), ('transport', '交通运输局'), ('civil_affairs', '民政局'),
    ('health', '卫生健康局'), ('natural_resources', '自然资源和规划局'), ('fire', '消防救援大队');

ALTER TABLE users ADD COLUMN department_code text REFERENCES departments (code);

ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_status_check
    CHECK (status IN ('reported', 'assigned', 'dispatched', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'));
ALTER TABLE incidents
    ADD COLUMN assignee_staff_id   text REFERENCES staff (id) ON DELETE SET NULL,
    ADD COLUMN department_code     text REFERENCES departments (code),
    ADD COLUMN dispatched_at       timestamptz,
    ADD COLUMN response_due_at     timestamptz,
    ADD COLUMN responded_at        timestamptz,
    ADD COLUMN last_progress_at    timestamptz,
    ADD COLUMN progress_due_at     timestamptz,
    ADD COLUMN due_soon_at         timestamptz,
    ADD COLUMN escalate_at         timestamptz,
    ADD COLUMN urged               integer NOT NULL DEFAULT 0,
    ADD COLUMN last_urged_at       timestamptz,
    ADD COLUMN satisfaction        text CHECK (satisfaction IN ('satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable')),
    ADD COLUMN callback_at         timestamptz,
    ADD COLUMN dissatisfied        integer NOT NULL DEFAULT 0,
    ADD COLUMN reopened            integer NOT NULL DEFAULT 0,
    ADD COLUMN duplicate_of        bigint REFERENCES incidents (id),
    ADD COLUMN possible_dup_of     bigint REFERENCES incidents (id),
    ADD COLUMN repeat_complaint    boolean NOT NULL DEFAULT false,
    ADD COLUMN first_dispatched_at timestamptz, -- the first dispatch, and its response, for the figures
    ADD COLUMN first_response_due  timestamptz,
    ADD COLUMN first_responded_at  timestamptz;
CREATE INDEX incidents_assignee_idx ON incidents (assignee_staff_id) WHERE assignee_staff_id IS NOT NULL;
CREATE INDEX incidents_department_idx ON incidents (department_code) WHERE department_code IS NOT NULL;

-- Incidents stored before: their supervision instants from their due time.
UPDATE incidents SET due_soon_at = reported_at + (due_at - reported_at) * 0.8, escalate_at = due_at + interval '1 day';

ALTER TABLE incident_events ADD COLUMN kind text NOT NULL DEFAULT 'status'
    CHECK (kind IN ('report', 'status', 'dispatch', 'return', 'respond', 'progress', 'urge', 'callback', 'duplicate', 'reassign', 'warning'));
ALTER TABLE incident_events ADD COLUMN verdict text CHECK (verdict IN ('satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'));
UPDATE incident_events SET kind = 'report' WHERE from_status IS NULL;
UPDATE incident_events SET kind = 'reassign' WHERE note LIKE 'reassigned:%';
CREATE INDEX incident_events_id_idx ON incident_events (id);

CREATE TABLE incident_warnings (
    incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    cycle       integer NOT NULL, -- the incident's reopen count: a warning may fire again after 返工
    at          timestamptz NOT NULL,
    PRIMARY KEY (incident_id, kind, cycle)
);

CREATE TABLE calendar_days (
    date       date PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('off', 'work')),
    name       text NOT NULL CHECK (name <> ''),
    source     text NOT NULL CHECK (source <> ''),
    updated_at timestamptz NOT NULL
);
COMMENT ON TABLE calendar_days IS 'the city''s additions to the national holiday schedule built into the binary: a year not yet in it, a local rest day';
CREATE TRIGGER calendar_days_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_days
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();
CREATE TRIGGER departments_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON departments
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_notify_change();

-- +goose Down
DROP TABLE calendar_days;
DROP TABLE incident_warnings;
DROP INDEX incident_events_id_idx;
ALTER TABLE incident_events DROP COLUMN verdict;
ALTER TABLE incident_events DROP COLUMN kind;
DROP INDEX incidents_department_idx;
DROP INDEX incidents_assignee_idx;
ALTER TABLE incidents
    DROP COLUMN assignee_staff_id, DROP COLUMN department_code, DROP COLUMN dispatched_at, DROP COLUMN response_due_at,
    DROP COLUMN responded_at, DROP COLUMN last_progress_at, DROP COLUMN progress_due_at, DROP COLUMN due_soon_at,
    DROP COLUMN escalate_at, DROP COLUMN urged, DROP COLUMN last_urged_at, DROP COLUMN satisfaction, DROP COLUMN callback_at,
    DROP COLUMN dissatisfied, DROP COLUMN reopened, DROP COLUMN duplicate_of, DROP COLUMN possible_dup_of,
    DROP COLUMN repeat_complaint, DROP COLUMN first_dispatched_at, DROP COLUMN first_response_due, DROP COLUMN first_responded_at;
ALTER TABLE incidents DROP CONSTRAINT incidents_status_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_status_check
    CHECK (status IN ('reported', 'assigned', 'accepted', 'in_progress', 'resolved', 'closed', 'rejected', 'duplicate'));
ALTER TABLE users DROP COLUMN department_code;
DROP TABLE departments;
