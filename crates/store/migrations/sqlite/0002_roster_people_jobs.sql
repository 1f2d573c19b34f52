-- The mirrored school hierarchy (branches → classes → sections, subjects), the people in it, their memberships, and
-- the job queue that applies mirrors. Partner ids (`partner_id`, `uuid`, `lms_id`) are the partner's; `id` is ours.

CREATE TABLE branches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    partner_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (tenant_id, partner_id)
);

CREATE TABLE classes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    branch_id   INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    partner_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    UNIQUE (branch_id, partner_id)
);

-- A section is what the users API calls a classroom.
CREATE TABLE sections (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    branch_id   INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    class_id    INTEGER NOT NULL REFERENCES classes (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    name_key    TEXT    NOT NULL,
    UNIQUE (class_id, name_key)
);
CREATE INDEX sections_by_tenant ON sections (tenant_id, id);
CREATE INDEX sections_by_branch ON sections (branch_id);

CREATE TABLE subjects (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    branch_id   INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    partner_id  INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    UNIQUE (branch_id, partner_id)
);

CREATE TABLE section_subjects (
    section_id  INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    subject_id  INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, subject_id)
);
CREATE INDEX section_subjects_by_subject ON section_subjects (subject_id);

-- People: mirrored (uuid set), transferred (lms_id set) or created through the users API. Roles of mirrored people
-- follow from their memberships; user_roles holds the roles given explicitly.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id      INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    uuid           TEXT,
    lms_id         TEXT,
    name           TEXT    NOT NULL,
    username       TEXT,
    email          TEXT,
    password_hash  TEXT,
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_by_uuid ON users (tenant_id, uuid) WHERE uuid IS NOT NULL;
CREATE UNIQUE INDEX users_by_lms_id ON users (tenant_id, lms_id) WHERE lms_id IS NOT NULL;
CREATE UNIQUE INDEX users_by_username ON users (tenant_id, username) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX users_by_email ON users (tenant_id, email) WHERE email IS NOT NULL;
CREATE INDEX users_by_tenant ON users (tenant_id, id);

CREATE TABLE user_roles (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role_id  INTEGER NOT NULL,
    PRIMARY KEY (user_id, role_id)
);

-- `source`: 'mirror' (managed by mirrors of the branch) or 'manual' (made through the users API; mirrors keep it).
CREATE TABLE section_students (
    section_id  INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    branch_id   INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    PRIMARY KEY (section_id, user_id)
);
CREATE INDEX section_students_by_user ON section_students (user_id);
CREATE INDEX section_students_by_branch ON section_students (branch_id);

CREATE TABLE teaching_assignments (
    section_id  INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    subject_id  INTEGER NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    branch_id   INTEGER NOT NULL REFERENCES branches (id) ON DELETE CASCADE,
    source      TEXT    NOT NULL,
    PRIMARY KEY (section_id, subject_id, user_id)
);
CREATE INDEX teaching_assignments_by_user ON teaching_assignments (user_id);
CREATE INDEX teaching_assignments_by_branch ON teaching_assignments (branch_id);

-- The job queue, which is also what partners read as job status. `position` is the order of acceptance.
CREATE TABLE jobs (
    position          INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT    NOT NULL UNIQUE,
    tenant_id         INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind              TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    options           TEXT    NOT NULL DEFAULT '{}',
    payload_bytes     INTEGER NOT NULL DEFAULT 0,
    payload_sha256    TEXT    NOT NULL DEFAULT '',
    items_total       INTEGER NOT NULL DEFAULT 0,
    items_done        INTEGER NOT NULL DEFAULT 0,
    counts            TEXT    NOT NULL DEFAULT '{}',
    errors            TEXT    NOT NULL DEFAULT '[]',
    attempts          INTEGER NOT NULL DEFAULT 0,
    lease_owner       TEXT,
    lease_expires_at  INTEGER,
    accepted_at       INTEGER NOT NULL,
    started_at        INTEGER,
    finished_at       INTEGER
);
CREATE INDEX jobs_by_status ON jobs (status, position);
CREATE INDEX jobs_by_tenant ON jobs (tenant_id, position);

-- A job's payload as received, in chunks, so that any worker on any node can stream it.
CREATE TABLE job_payload_chunks (
    job_id    TEXT    NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    sequence  INTEGER NOT NULL,
    data      BLOB    NOT NULL,
    PRIMARY KEY (job_id, sequence)
);

CREATE TABLE idempotency_keys (
    tenant_id        INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key              TEXT    NOT NULL,
    request_sha256   TEXT    NOT NULL,
    response_status  INTEGER NOT NULL,
    response_body    TEXT    NOT NULL,
    created_at       INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, key)
);
