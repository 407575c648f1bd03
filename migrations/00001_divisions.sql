-- Streets, communities and unit grids. Parent links follow from the codes: a community code
-- starts with its street code and a grid code with its community code, so the parent columns are
-- generated from the code and cannot disagree with it.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE streets (
    code       text PRIMARY KEY CHECK (code ~ '^[0-9]{9}$'),
    name       text NOT NULL CHECK (name <> ''),
    geom       geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    synthetic  boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX streets_geom_idx ON streets USING gist (geom);

CREATE TABLE communities (
    code        text PRIMARY KEY CHECK (code ~ '^[0-9]{12}$'),
    name        text NOT NULL CHECK (name <> ''),
    kind        text NOT NULL CHECK (kind IN ('社区', '村')),
    street_code text GENERATED ALWAYS AS (left(code, 9)) STORED NOT NULL REFERENCES streets (code),
    geom        geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    synthetic   boolean NOT NULL DEFAULT false,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX communities_geom_idx ON communities USING gist (geom);
CREATE INDEX communities_street_idx ON communities (street_code);

CREATE TABLE grids (
    code           text PRIMARY KEY CHECK (code ~ '^[0-9]{15}$'),
    name           text NOT NULL CHECK (name <> ''),
    community_code text GENERATED ALWAYS AS (left(code, 12)) STORED NOT NULL REFERENCES communities (code),
    street_code    text GENERATED ALWAYS AS (left(code, 9)) STORED NOT NULL REFERENCES streets (code),
    households     integer NOT NULL DEFAULT 0 CHECK (households >= 0),
    population     integer NOT NULL DEFAULT 0 CHECK (population >= 0),
    geom           geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom) AND NOT ST_IsEmpty(geom)),
    synthetic      boolean NOT NULL DEFAULT false,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grids_geom_idx ON grids USING gist (geom);
CREATE INDEX grids_community_idx ON grids (community_code);
CREATE INDEX grids_street_idx ON grids (street_code);

-- +goose Down
DROP TABLE grids;
DROP TABLE communities;
DROP TABLE streets;
