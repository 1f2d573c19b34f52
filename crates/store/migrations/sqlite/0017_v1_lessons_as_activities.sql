-- Every lesson is a classroom activity of its course, as in ClassIn since 6.0 (v1 lessons migrated to classroom
-- activities in the course's no-topic unit, v1 actions still working with the lesson ids): lessons made through
-- v1 before this get theirs here, in the order they were made; new ones get theirs when they are made.
INSERT INTO classin_units (tenant_id, course_id, name, content, published, is_default, position, created_at,
                           updated_at)
SELECT c.tenant_id, c.id, '', '', TRUE, TRUE, 0, c.created_at, c.created_at
FROM classin_courses c
WHERE EXISTS (SELECT 1 FROM classin_lessons l
              WHERE l.course_id = c.id
                AND NOT EXISTS (SELECT 1 FROM classin_activities a WHERE a.lesson_id = l.id))
  AND NOT EXISTS (SELECT 1 FROM classin_units u WHERE u.course_id = c.id AND u.is_default AND u.deleted_at IS NULL);

INSERT INTO classin_activities (tenant_id, course_id, unit_id, lesson_id, activity_type, name, teacher_id, starts_at,
                                ends_at, published, has_member_list, position, deleted_at, created_at, updated_at)
SELECT l.tenant_id, l.course_id,
       (SELECT MIN(u.id) FROM classin_units u WHERE u.course_id = l.course_id AND u.is_default AND u.deleted_at IS NULL),
       l.id, 1, l.name, l.teacher_id, l.begins_at, l.ends_at, TRUE, FALSE, l.id, l.deleted_at, l.created_at,
       l.updated_at
FROM classin_lessons l
WHERE NOT EXISTS (SELECT 1 FROM classin_activities a WHERE a.lesson_id = l.id);
