-- The users API: group membership, teachers of hand-made classrooms, classrooms made through the API, and
-- usernames and e-mails unique per tenant regardless of case.

CREATE TABLE group_members (
    group_id  INTEGER NOT NULL REFERENCES user_groups (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_by_user ON group_members (user_id);

-- `teacher_of` through the users API: a teacher of a classroom without a subject (mirrored teachers teach a
-- subject in a section: teaching_assignments).
CREATE TABLE section_teachers (
    section_id  INTEGER NOT NULL REFERENCES sections (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (section_id, user_id)
);
CREATE INDEX section_teachers_by_user ON section_teachers (user_id);

-- 'mirror': the partner's mirror owns it; 'manual': made with POST /classrooms, changed only through the API.
ALTER TABLE sections ADD COLUMN origin TEXT NOT NULL DEFAULT 'mirror';

DROP INDEX users_by_username;
DROP INDEX users_by_email;
CREATE UNIQUE INDEX users_by_username ON users (tenant_id, lower(username)) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX users_by_email ON users (tenant_id, lower(email)) WHERE email IS NOT NULL;
