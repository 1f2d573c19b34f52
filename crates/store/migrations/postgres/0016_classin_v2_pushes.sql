-- ClassIn v2 (LMS): units that order a course's activities, the activities themselves (a classroom activity IS a
-- lesson of its course: `lesson_id` names the very row v1, the read-back API and the lesson pages see), and the
-- members of non-classroom activities. Deleted units and activities are kept so that they can say so.
-- Then the pushes to the school's server: the receiving URL per SID, a durable outbox written in the same
-- transaction as the change it reports, and per-SID delivery state (lease, last error).

CREATE TABLE classin_units (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    course_id   BIGINT NOT NULL REFERENCES classin_courses (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    content     TEXT    NOT NULL DEFAULT '',
    published   BOOLEAN NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    position    BIGINT NOT NULL,
    deleted_at  BIGINT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX classin_units_by_course ON classin_units (course_id, position);
CREATE UNIQUE INDEX classin_units_by_name ON classin_units (course_id, name) WHERE deleted_at IS NULL;

-- `activity_type`: 1 classroom (with `lesson_id`), 2 homework, 3 quiz, 4 recorded lesson, 5 study material,
-- 6 discussion, 7 answer sheet, 8 check-in. `has_member_list`: once members are changed one by one, only those
-- listed in classin_activity_members are members (before that, every student and auditor of the course).
CREATE TABLE classin_activities (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id        BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    course_id        BIGINT NOT NULL REFERENCES classin_courses (id) ON DELETE CASCADE,
    unit_id          BIGINT NOT NULL REFERENCES classin_units (id) ON DELETE CASCADE,
    lesson_id        BIGINT UNIQUE REFERENCES classin_lessons (id) ON DELETE CASCADE,
    activity_type    BIGINT NOT NULL,
    name             TEXT    NOT NULL,
    teacher_id       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    starts_at        BIGINT,
    ends_at          BIGINT,
    published        BOOLEAN NOT NULL,
    has_member_list  BOOLEAN NOT NULL DEFAULT FALSE,
    unique_identity  TEXT,
    position         BIGINT NOT NULL,
    deleted_at       BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE INDEX classin_activities_by_unit ON classin_activities (unit_id, position);
CREATE INDEX classin_activities_by_course ON classin_activities (course_id, position);
CREATE UNIQUE INDEX classin_activities_by_unique_identity ON classin_activities (tenant_id, unique_identity)
    WHERE unique_identity IS NOT NULL;

CREATE TABLE classin_activity_members (
    activity_id  BIGINT NOT NULL REFERENCES classin_activities (id) ON DELETE CASCADE,
    user_id      BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, user_id)
);
CREATE INDEX classin_activity_members_by_user ON classin_activity_members (user_id);

-- Where a school's pushes go, and since when (lessons that closed before are never summarised to it).
ALTER TABLE classin_credentials ADD COLUMN push_url TEXT;
ALTER TABLE classin_credentials ADD COLUMN push_url_set_at BIGINT;
-- When the lesson's end-of-lesson messages were written to the outbox (or found to need none).
ALTER TABLE classin_lessons ADD COLUMN summarised_at BIGINT;
CREATE INDEX classin_lessons_to_summarise ON classin_lessons (ends_at) WHERE summarised_at IS NULL;

-- One message to one SID's receiving URL. `body` is the message without `TimeStamp` and `SafeKey` (added, signed,
-- at each attempt). Delivered in `id` order per SID; a message not acknowledged blocks the ones after it.
CREATE TABLE classin_push_outbox (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sid              BIGINT  NOT NULL,
    message_key      TEXT    NOT NULL UNIQUE,
    cmd              TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    created_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL,
    last_error       TEXT,
    delivered_at     BIGINT
);
CREATE INDEX classin_push_outbox_pending ON classin_push_outbox (sid, id) WHERE delivered_at IS NULL;

-- Per SID: which process delivers it now (a lease, so that two nodes never send one school's queue at once) and
-- the last failure.
CREATE TABLE classin_push_state (
    sid            BIGINT  PRIMARY KEY,
    lease_owner    TEXT,
    lease_until    BIGINT,
    last_error     TEXT,
    last_error_at  BIGINT,
    delivered      BIGINT  NOT NULL DEFAULT 0
);

-- Teachers of a course besides its main teacher (`/course/addCourseTeacher`, and the teacher of an activity).
CREATE TABLE classin_course_teachers (
    course_id   BIGINT NOT NULL REFERENCES classin_courses (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX classin_course_teachers_by_user ON classin_course_teachers (user_id);
