-- Single sign-on: single-use links (stored by hash) and the server-side sessions they open.

CREATE TABLE sso_links (
    token_sha256  TEXT    PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    link_type     TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    target        TEXT    NOT NULL DEFAULT 'home',
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);
CREATE INDEX sso_links_by_user ON sso_links (user_id);
CREATE INDEX sso_links_by_expiry ON sso_links (expires_at);

CREATE TABLE web_sessions (
    id_sha256     TEXT    PRIMARY KEY,
    tenant_id     INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    lang          TEXT    NOT NULL,
    csrf_token    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    ended_at      INTEGER
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_id);
