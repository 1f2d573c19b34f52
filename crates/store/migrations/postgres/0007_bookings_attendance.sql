-- Mode B booking and lesson attendance, and where a tenant's lessons take place.
-- A booking is one student's seat in a bookable lesson: the seats taken are the rows here, and a booking is only
-- written while the lesson's row is locked (PostgreSQL) or the single writer is held (SQLite), so seats are exact.
-- The lesson's times are copied so that one student's overlapping bookings are found by an index.

ALTER TABLE tenants ADD COLUMN video_room_url TEXT;

CREATE TABLE classin_lesson_bookings (
    lesson_id   BIGINT NOT NULL REFERENCES classin_lessons (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    begins_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, user_id)
);
CREATE INDEX classin_lesson_bookings_by_user ON classin_lesson_bookings (user_id, begins_at);

-- Who entered a lesson's video room, when first and last, and how often. `role`: teacher, assistant or student.
CREATE TABLE classin_lesson_attendance (
    lesson_id         BIGINT NOT NULL REFERENCES classin_lessons (id) ON DELETE CASCADE,
    user_id           BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role              TEXT    NOT NULL,
    first_entered_at  BIGINT NOT NULL,
    last_entered_at   BIGINT NOT NULL,
    entries           BIGINT NOT NULL,
    PRIMARY KEY (lesson_id, user_id)
);
