-- Photos staff attach to an incident (the matter, the work, the result), each kept as sent,
-- for staff, and as a copy without its metadata (EXIF, XMP, text chunks: where and when it was
-- taken), for everyone else. Each is attached by a step of the incident's history.

-- +goose Up
ALTER TABLE incident_events DROP CONSTRAINT incident_events_kind_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_kind_check
    CHECK (kind IN ('report', 'status', 'dispatch', 'return', 'respond', 'progress', 'urge', 'callback', 'duplicate', 'reassign', 'warning', 'photo'));

CREATE TABLE incident_photos (
    id           bigserial PRIMARY KEY,
    incident_id  bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    event_id     bigint NOT NULL REFERENCES incident_events (id) ON DELETE CASCADE,
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png')),
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    had_location boolean NOT NULL,
    original     bytea NOT NULL CHECK (octet_length(original) BETWEEN 1 AND 8388608),
    clean        bytea NOT NULL CHECK (octet_length(clean) BETWEEN 1 AND 8388608)
);
CREATE INDEX incident_photos_incident ON incident_photos (incident_id, id);
-- JPEG and PNG are compressed already: stored out of line without another try at compression.
ALTER TABLE incident_photos ALTER COLUMN original SET STORAGE EXTERNAL;
ALTER TABLE incident_photos ALTER COLUMN clean SET STORAGE EXTERNAL;

-- +goose Down
DROP TABLE incident_photos;
DELETE FROM incident_events WHERE kind = 'photo';
ALTER TABLE incident_events DROP CONSTRAINT incident_events_kind_check;
ALTER TABLE incident_events ADD CONSTRAINT incident_events_kind_check
    CHECK (kind IN ('report', 'status', 'dispatch', 'return', 'respond', 'progress', 'urge', 'callback', 'duplicate', 'reassign', 'warning'));
