-- Single sign-on: single-use links (stored by hash) and the server-side sessions they open.

CREATE TABLE sso_links (
    token_sha256  TEXT    PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    link_type     TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    target        TEXT    NOT NULL DEFAULT 'home',
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    used_at       BIGINT
);
CREATE INDEX sso_links_by_user ON sso_links (user_id);
CREATE INDEX sso_links_by_expiry ON sso_links (expires_at);

CREATE TABLE web_sessions (
    id_sha256     TEXT    PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    csrf_token    TEXT    NOT NULL,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    ended_at      BIGINT
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
