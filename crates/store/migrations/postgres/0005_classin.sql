-- The ClassIn-compatible scheduling API: telephones of people registered through it, their identities in the
-- school (teachers, students), courses with their students, and lessons with who teaches and who may join them.
-- Times are Unix milliseconds, as everywhere; the API's seconds are converted at its edge.

ALTER TABLE users ADD COLUMN telephone TEXT;
CREATE UNIQUE INDEX users_by_telephone ON users (tenant_id, telephone) WHERE telephone IS NOT NULL;

-- A teacher identity in the school. Its id (offset, see the store) is the relationship id `addTeacher` answers,
-- which is never a UID. A stopped teacher (`stopped_at`) cannot be given new lessons.
CREATE TABLE classin_school_teachers (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    stopped_at  BIGINT,
    created_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, user_id)
);
CREATE INDEX classin_school_teachers_by_user ON classin_school_teachers (user_id);

CREATE TABLE classin_school_students (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (tenant_id, user_id)
);
CREATE INDEX classin_school_students_by_user ON classin_school_students (user_id);

-- `expires_at` NULL: never. `unique_identity`: the partner's key that makes creation idempotent.
CREATE TABLE classin_courses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    introduction     TEXT,
    expires_at       BIGINT,
    main_teacher_id  BIGINT REFERENCES users (id) ON DELETE SET NULL,
    unique_identity  TEXT,
    ended_at         BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX classin_courses_by_tenant ON classin_courses (tenant_id, id);
CREATE UNIQUE INDEX classin_courses_by_unique_identity ON classin_courses (tenant_id, unique_identity)
    WHERE unique_identity IS NOT NULL;

-- `identity`: 1 student, 2 auditor.
CREATE TABLE classin_course_students (
    course_id   BIGINT NOT NULL REFERENCES classin_courses (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    identity    BIGINT NOT NULL,
    name        TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX classin_course_students_by_user ON classin_course_students (user_id);

-- A lesson (ClassIn's "class"). `has_student_list`: once students are named for the lesson itself, only they (not
-- every student of the course) may join it. `deleted_at`: deleted lessons are kept so that they can say so.
CREATE TABLE classin_lessons (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id         BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    course_id         BIGINT NOT NULL REFERENCES classin_courses (id) ON DELETE CASCADE,
    name              TEXT    NOT NULL,
    introduction      TEXT,
    begins_at         BIGINT NOT NULL,
    ends_at           BIGINT NOT NULL,
    teacher_id        BIGINT REFERENCES users (id) ON DELETE SET NULL,
    seat_count        BIGINT NOT NULL,
    record            BOOLEAN NOT NULL DEFAULT FALSE,
    live              BOOLEAN NOT NULL DEFAULT FALSE,
    replay            BOOLEAN NOT NULL DEFAULT FALSE,
    bookable          BOOLEAN NOT NULL DEFAULT FALSE,
    has_student_list  BOOLEAN NOT NULL DEFAULT FALSE,
    unique_identity   TEXT,
    deleted_at        BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX classin_lessons_by_course ON classin_lessons (course_id, begins_at);
CREATE INDEX classin_lessons_by_teacher ON classin_lessons (teacher_id, begins_at);
CREATE INDEX classin_lessons_by_tenant ON classin_lessons (tenant_id, begins_at);
CREATE UNIQUE INDEX classin_lessons_by_unique_identity ON classin_lessons (course_id, unique_identity)
    WHERE unique_identity IS NOT NULL;

CREATE TABLE classin_lesson_assistants (
    lesson_id  BIGINT NOT NULL REFERENCES classin_lessons (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX classin_lesson_assistants_by_user ON classin_lesson_assistants (user_id);

CREATE TABLE classin_lesson_students (
    lesson_id   BIGINT NOT NULL REFERENCES classin_lessons (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    identity    BIGINT NOT NULL,
    name        TEXT,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX classin_lesson_students_by_user ON classin_lesson_students (user_id);
