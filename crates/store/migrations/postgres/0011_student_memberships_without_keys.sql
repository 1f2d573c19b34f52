-- Student memberships are the largest table a mirror writes: a million rows for a million students. PostgreSQL
-- checked each inserted row against `sections` and `users` with a trigger, measured at 4–5 s per key per million
-- rows on a 2-core machine, about 80 % of the cost of inserting the rows. Every path that deletes a user, a section,
-- a class or a branch now deletes its student memberships itself, in the same transaction (SQLite keeps the keys:
-- it checks them far more cheaply, and the explicit deletes leave nothing for its cascades to do).

ALTER TABLE section_students DROP CONSTRAINT section_students_section_id_fkey;
ALTER TABLE section_students DROP CONSTRAINT section_students_user_id_fkey;
