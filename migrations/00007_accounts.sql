-- People: accounts with roles scoped to a part of the city, their sessions and API tokens, a
-- throttle on signing in, and an append-only security audit log. Workflow moves record the
-- account that made them, and incidents the account that reported them; staff can be retired.

-- +goose Up
CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    name          text NOT NULL CHECK (name <> '' AND length(name) <= 100),
    password_hash text NOT NULL DEFAULT '', -- argon2id, PHC string format; '' signs in by token only
    staff_id      text REFERENCES staff (id) ON DELETE SET NULL,
    disabled      boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
COMMENT ON COLUMN users.password_hash IS 'argon2id hash; never returned by any API';

CREATE TABLE user_roles (
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    text NOT NULL CHECK (role IN ('admin', 'command', 'street', 'community', 'grid_worker', 'party_member', 'volunteer', 'department', 'integration')),
    -- division code prefixes: '' the city, street, community or grid codes
    scope   text[] NOT NULL CHECK (cardinality(scope) > 0),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id           bytea PRIMARY KEY,  -- SHA-256 of the cookie's secret: a database read gives no session
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf         text NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    revoked_at   timestamptz,
    address      text NOT NULL DEFAULT '',
    user_agent   text NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hash         bytea NOT NULL UNIQUE, -- SHA-256 of the token; the token itself is shown once
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins per account ('login:<login>') and per address ('addr:<ip>').
CREATE TABLE signin_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);

CREATE TABLE security_events (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('sign_in', 'sign_in_failed', 'lockout', 'sign_out', 'session_revoked',
                'token_created', 'token_revoked', 'user_created', 'user_disabled', 'user_enabled', 'password_changed',
                'roles_changed', 'contact_read', 'staff_read')),
    user_id bigint,            -- who acted (null: nobody signed in)
    login   text NOT NULL DEFAULT '',
    subject text NOT NULL DEFAULT '', -- what it was about: a user, a token, an incident
    address text NOT NULL DEFAULT '',
    detail  text NOT NULL DEFAULT ''
);
CREATE INDEX security_events_at_idx ON security_events (at);

-- +goose StatementBegin
CREATE FUNCTION gridmap_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'security_events is append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER security_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON security_events
    FOR EACH STATEMENT EXECUTE FUNCTION gridmap_append_only();

ALTER TABLE incidents ADD COLUMN reported_by bigint REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX incidents_reported_by_idx ON incidents (reported_by) WHERE reported_by IS NOT NULL;
ALTER TABLE incident_events ADD COLUMN actor_user_id bigint REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE incident_events ADD COLUMN actor_role text NOT NULL DEFAULT '';

ALTER TABLE staff ADD COLUMN retired_at timestamptz;

-- Every change to a grid or to staff, with who made it.
CREATE TABLE changes (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            timestamptz NOT NULL,
    entity        text NOT NULL CHECK (entity IN ('grid', 'staff')),
    key           text NOT NULL,
    action        text NOT NULL,
    actor_user_id bigint REFERENCES users (id) ON DELETE SET NULL,
    actor         text NOT NULL,
    actor_role    text NOT NULL DEFAULT '',
    detail        text NOT NULL DEFAULT ''
);
CREATE INDEX changes_entity_idx ON changes (entity, key, id);

-- +goose Down
DROP TABLE changes;
ALTER TABLE staff DROP COLUMN retired_at;
ALTER TABLE incident_events DROP COLUMN actor_role;
ALTER TABLE incident_events DROP COLUMN actor_user_id;
DROP INDEX incidents_reported_by_idx;
ALTER TABLE incidents DROP COLUMN reported_by;
DROP TRIGGER security_events_append_only ON security_events;
DROP FUNCTION gridmap_append_only();
DROP TABLE security_events;
DROP TABLE signin_throttle;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE user_roles;
DROP TABLE users;
