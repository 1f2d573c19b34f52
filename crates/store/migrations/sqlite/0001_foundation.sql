-- Tenants, the credentials partners call with, and the tenant's own user groups.
-- Times are Unix milliseconds (INTEGER) on both databases, so one SQL text serves both.

CREATE TABLE tenants (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    time_zone    TEXT    NOT NULL DEFAULT 'UTC',
    disabled_at  INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE TABLE partner_credentials (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id             INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                  TEXT    NOT NULL,
    referer_origin        TEXT    NOT NULL,
    token_sha256          TEXT    NOT NULL UNIQUE,
    token_hint            TEXT    NOT NULL,
    branch_id             INTEGER,
    rate_limit_per_minute INTEGER,
    created_at            INTEGER NOT NULL,
    rotated_at            INTEGER,
    revoked_at            INTEGER,
    last_used_at          INTEGER,
    accepted_count        INTEGER NOT NULL DEFAULT 0,
    refused_count         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX partner_credentials_by_tenant ON partner_credentials (tenant_id, id);

CREATE TABLE classin_credentials (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sid              INTEGER NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    secret_encrypted TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    revoked_at       INTEGER,
    last_used_at     INTEGER
);
CREATE INDEX classin_credentials_by_tenant ON classin_credentials (tenant_id, id);

CREATE TABLE user_groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    description TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, name)
);
