-- A student membership's and a teaching assignment's branch is its section's branch, written with it by the
-- mirror: the section's own foreign key already removes them with their section (and so with their branch). Their
-- second foreign key, to the branch, only made PostgreSQL check every inserted row against `branches` once more, a
-- fifth of the cost of writing a membership. (SQLite checks foreign keys far more cheaply and keeps its schema.)

ALTER TABLE section_students DROP CONSTRAINT section_students_branch_id_fkey;
ALTER TABLE teaching_assignments DROP CONSTRAINT teaching_assignments_branch_id_fkey;
