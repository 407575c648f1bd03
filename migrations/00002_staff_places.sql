-- The people who answer for grids, and the fixed service points in them.

-- +goose Up
CREATE TABLE staff (
    id                 text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
    role               text NOT NULL CHECK (role IN ('grid_worker', 'party_member', 'volunteer')),
    grid_code          text NOT NULL REFERENCES grids (code) ON DELETE CASCADE,
    households_covered integer NOT NULL DEFAULT 0 CHECK (households_covered >= 0),
    name               text NOT NULL,
    phone              text NOT NULL DEFAULT '',
    updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_grid_idx ON staff (grid_code);
COMMENT ON COLUMN staff.name IS 'personal data: never returned by public APIs, tiles or feature services';
COMMENT ON COLUMN staff.phone IS 'personal data: never returned by public APIs, tiles or feature services';

CREATE TABLE red_positions (
    code          text PRIMARY KEY CHECK (code ~ '^[0-9]{15}-R[0-9]{1,3}$'),
    name          text NOT NULL CHECK (name <> ''),
    kind          text NOT NULL CHECK (kind IN ('party_mass_centre', 'party_activity_room', 'party_post')),
    grid_code     text NOT NULL REFERENCES grids (code) ON DELETE CASCADE,
    geom          geometry(Point, 4326) NOT NULL,
    opening_hours text NOT NULL DEFAULT '',
    synthetic     boolean NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX red_positions_geom_idx ON red_positions USING gist (geom);
CREATE INDEX red_positions_grid_idx ON red_positions (grid_code);

CREATE TABLE stations (
    code          text PRIMARY KEY CHECK (code ~ '^[0-9]{15}-S[0-9]{1,3}$'),
    name          text NOT NULL CHECK (name <> ''),
    kind          text NOT NULL CHECK (kind IN ('volunteer_station', 'veterans_station', 'deliberation_hall', 'party_mass_centre')),
    grid_code     text NOT NULL REFERENCES grids (code) ON DELETE CASCADE,
    geom          geometry(Point, 4326) NOT NULL,
    opening_hours text NOT NULL DEFAULT '',
    synthetic     boolean NOT NULL DEFAULT false,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stations_geom_idx ON stations USING gist (geom);
CREATE INDEX stations_grid_idx ON stations (grid_code);

-- +goose Down
DROP TABLE stations;
DROP TABLE red_positions;
DROP TABLE staff;
