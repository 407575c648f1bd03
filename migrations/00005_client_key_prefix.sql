-- A client id may be 200 bytes, as the API says; it is stored with the prefix of the door it
-- came through ("idem:", "batch:"), so the stored key needs room for both.

-- +goose Up
ALTER TABLE incidents DROP CONSTRAINT incidents_client_key_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_client_key_check CHECK (octet_length(client_key) BETWEEN 1 AND 210);

-- +goose Down
ALTER TABLE incidents DROP CONSTRAINT incidents_client_key_check;
ALTER TABLE incidents ADD CONSTRAINT incidents_client_key_check CHECK (length(client_key) BETWEEN 1 AND 200);
