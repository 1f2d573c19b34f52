-- Issue 18: subjects' supervisors, learning paths that assign a virtual lab to teachers (and so to the students of
-- their sections), and the attempts students make at those labs, graded by the server. Times are milliseconds.

-- A supervisor person and the subjects they supervise (set exactly by POST /api/v2/subjects/supervisors).
CREATE TABLE supervisor_subjects (
    user_id     BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    subject_id  BIGINT  NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, subject_id)
);
CREATE INDEX supervisor_subjects_by_subject ON supervisor_subjects (subject_id);

-- One learning path: the partner's `subject_uuid` (unique in the tenant, immutable), the lab it assigns and its rules.
-- The experiment token is kept only as its SHA-256. `branch_id` is the branch scope of the credential that created
-- it (NULL: tenant-wide); a branch-scoped credential sees only its branch's paths.
CREATE TABLE learning_paths (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    branch_id        BIGINT,
    subject_uuid     TEXT    NOT NULL,
    subject_name     TEXT    NOT NULL,
    experiment_id    TEXT    NOT NULL,
    experiment_name  TEXT    NOT NULL,
    description      TEXT,
    max_attempts     BIGINT  NOT NULL,
    start_at         BIGINT,
    end_at           BIGINT,
    token_sha256     TEXT    NOT NULL,
    created_at       BIGINT  NOT NULL,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (tenant_id, subject_uuid)
);

-- The teachers a path is assigned to, in the order the partner gave them.
CREATE TABLE learning_path_teachers (
    learning_path_id  BIGINT  NOT NULL REFERENCES learning_paths (id) ON DELETE CASCADE,
    user_id           BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    position          BIGINT  NOT NULL,
    PRIMARY KEY (learning_path_id, user_id)
);
CREATE INDEX learning_path_teachers_by_user ON learning_path_teachers (user_id);

-- A student's attempt: `number` counts from 1 per path and student; `seed` fixes `hidden` (the lab's hidden values,
-- never sent to the browser). Submitted attempts carry the submission, the score and the rubric's lines (JSON).
CREATE TABLE lab_attempts (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         BIGINT  NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    learning_path_id  BIGINT  NOT NULL REFERENCES learning_paths (id) ON DELETE CASCADE,
    user_id           BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    number            BIGINT  NOT NULL,
    seed              BIGINT  NOT NULL,
    hidden            TEXT    NOT NULL,
    started_at        BIGINT  NOT NULL,
    expires_at        BIGINT  NOT NULL,
    submitted_at      BIGINT,
    score             BIGINT,
    submission        TEXT,
    rubric            TEXT,
    UNIQUE (learning_path_id, user_id, number)
);
CREATE INDEX lab_attempts_by_user ON lab_attempts (user_id, learning_path_id);

-- The readings of an attempt in the order they were taken: the set-up the student chose and the instrument's answer.
CREATE TABLE lab_readings (
    attempt_id  BIGINT  NOT NULL REFERENCES lab_attempts (id) ON DELETE CASCADE,
    position    BIGINT  NOT NULL,
    setup       TEXT    NOT NULL,
    reading     TEXT    NOT NULL,
    taken_at    BIGINT  NOT NULL,
    PRIMARY KEY (attempt_id, position)
);
