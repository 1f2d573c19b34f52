-- A counter that every change able to refuse a cached partner credential (revoke, rotate, tenant disabled or
-- enabled) raises in its own transaction. Each server process re-reads it every few milliseconds and forgets its
-- cached credentials when it moved, and trusts its cache only while those reads keep succeeding.
CREATE TABLE credential_generation (
    id     INTEGER PRIMARY KEY,
    value  BIGINT  NOT NULL
);
INSERT INTO credential_generation (id, value) VALUES (1, 0);
