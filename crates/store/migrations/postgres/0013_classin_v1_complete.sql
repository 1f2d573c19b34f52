-- ClassIn v1 as documented (issue 16): a lesson's courseUniqueIdentity is unique across the school's lessons that
-- are not deleted (delCourseClass frees it); the school's labels and the labels of courses and lessons; and the
-- teacher's comments on the students of a lesson (updateClassStudentComment).

DROP INDEX classin_lessons_by_unique_identity;
-- Identities a school reused across its courses before: only the oldest keeps it.
UPDATE classin_lessons SET unique_identity = NULL
    WHERE unique_identity IS NOT NULL AND deleted_at IS NULL AND EXISTS (
        SELECT 1 FROM classin_lessons o WHERE o.tenant_id = classin_lessons.tenant_id
        AND o.unique_identity = classin_lessons.unique_identity AND o.deleted_at IS NULL AND o.id < classin_lessons.id);
UPDATE classin_lessons SET unique_identity = NULL WHERE deleted_at IS NOT NULL;
CREATE UNIQUE INDEX classin_lessons_by_unique_identity ON classin_lessons (tenant_id, unique_identity)
    WHERE unique_identity IS NOT NULL;

-- A school's label (addSchoolLabel); deleted labels are kept so that their ids say so.
CREATE TABLE classin_labels (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    deleted_at  BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX classin_labels_by_name ON classin_labels (tenant_id, name) WHERE deleted_at IS NULL;

CREATE TABLE classin_course_labels (
    course_id  BIGINT NOT NULL REFERENCES classin_courses (id) ON DELETE CASCADE,
    label_id   BIGINT NOT NULL REFERENCES classin_labels (id) ON DELETE CASCADE,
    PRIMARY KEY (course_id, label_id)
);

CREATE TABLE classin_lesson_labels (
    lesson_id  BIGINT NOT NULL REFERENCES classin_lessons (id) ON DELETE CASCADE,
    label_id   BIGINT NOT NULL REFERENCES classin_labels (id) ON DELETE CASCADE,
    PRIMARY KEY (lesson_id, label_id)
);

-- The teacher's evaluation of a student of a lesson: 0 to 5 stars and a comment; shown on the lesson page to its
-- teacher.
CREATE TABLE classin_lesson_comments (
    lesson_id   BIGINT NOT NULL REFERENCES classin_lessons (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stars       BIGINT NOT NULL,
    comment     TEXT    NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, user_id)
);
