-- Tenants, the credentials partners call with, and the tenant's own user groups.
-- Times are Unix milliseconds (BIGINT) on both databases, so one SQL text serves both.

CREATE TABLE tenants (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    time_zone    TEXT    NOT NULL DEFAULT 'UTC',
    disabled_at  BIGINT,
    created_at   BIGINT NOT NULL
);

CREATE TABLE partner_credentials (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id             BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                  TEXT    NOT NULL,
    referer_origin        TEXT    NOT NULL,
    token_sha256          TEXT    NOT NULL UNIQUE,
    token_hint            TEXT    NOT NULL,
    branch_id             BIGINT,
    rate_limit_per_minute BIGINT,
    created_at            BIGINT NOT NULL,
    rotated_at            BIGINT,
    revoked_at            BIGINT,
    last_used_at          BIGINT,
    accepted_count        BIGINT NOT NULL DEFAULT 0,
    refused_count         BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX partner_credentials_by_tenant ON partner_credentials (tenant_id, id);

CREATE TABLE classin_credentials (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    sid              BIGINT NOT NULL UNIQUE,
    name             TEXT    NOT NULL,
    secret_encrypted TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    revoked_at       BIGINT,
    last_used_at     BIGINT
);
CREATE INDEX classin_credentials_by_tenant ON classin_credentials (tenant_id, id);

CREATE TABLE user_groups (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    description TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, name)
);
