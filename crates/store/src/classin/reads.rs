//! Reading scheduling back: courses with their counts and students, lessons by time, course and teacher, one
//! lesson's people, bookings and attendance, and the lessons a person's pages list. Every query names its tenant.

use classbridge_domain::{
    CourseId, LessonId, LessonRole, Scope, StudentIdentity, TenantId, UnixMillis, UserId,
};

use crate::branch_scope::courses_condition;

use super::lessons::LessonRow;
use crate::{Page, PageRequest, Store, StoreResult};

/// A course with its counts and its main teacher's name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseSummary {
    pub id: CourseId,
    pub name: String,
    pub introduction: Option<String>,
    pub expires_at: Option<UnixMillis>,
    pub main_teacher_id: Option<UserId>,
    pub main_teacher_name: Option<String>,
    pub unique_identity: Option<String>,
    pub ended_at: Option<UnixMillis>,
    pub created_at: UnixMillis,
    pub student_count: i64,
    pub auditor_count: i64,
    pub lesson_count: i64,
}

/// A student or auditor of a course.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CourseStudent {
    pub user_id: UserId,
    pub name: String,
    pub identity: StudentIdentity,
    pub added_at: UnixMillis,
}

/// A lesson with its course's and teacher's names and the seats booked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonSummary {
    #[sqlx(flatten)]
    pub lesson: LessonRow,
    pub course_name: String,
    pub teacher_name: Option<String>,
    pub booked: i64,
}

/// A lesson on a person's page, with what they are in it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonLesson {
    #[sqlx(flatten)]
    pub summary: LessonSummary,
    pub role: LessonRole,
}

/// Which lessons to list. Times are Unix milliseconds: a lesson is listed when it overlaps `[from, to)`.
#[derive(Debug, Clone, Copy, Default)]
pub struct LessonFilter {
    pub from: Option<UnixMillis>,
    pub to: Option<UnixMillis>,
    pub course_id: Option<CourseId>,
    pub teacher_id: Option<UserId>,
}

/// Someone in a lesson, with when (booked, added) where that applies.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LessonPerson {
    pub user_id: UserId,
    pub name: String,
    /// Student or auditor (none for an assistant).
    pub identity: Option<StudentIdentity>,
    pub at: UnixMillis,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attendance {
    pub user_id: UserId,
    pub name: String,
    pub role: LessonRole,
    pub first_entered_at: UnixMillis,
    pub last_entered_at: UnixMillis,
    pub entries: i64,
}

/// Everyone in one lesson. `students` are those who may join as students: the lesson's own list when it has one,
/// else (for a lesson that is not bookable) the course's students and auditors; bookings are listed apart.
#[derive(Debug, Clone, Default)]
pub struct LessonPeople {
    pub assistants: Vec<LessonPerson>,
    pub students: Vec<LessonPerson>,
    pub bookings: Vec<LessonPerson>,
    pub attendance: Vec<Attendance>,
}

/// The counts use ClassIn's identity numbers (`StudentIdentity::code`): 1 student, 2 auditor.
const COURSE_SUMMARY: &str = "SELECT c.id, c.name, c.introduction, c.expires_at, c.main_teacher_id, \
    t.name AS main_teacher_name, c.unique_identity, c.ended_at, c.created_at, \
    (SELECT COUNT(*) FROM classin_course_students s WHERE s.course_id = c.id AND s.identity = 1) AS student_count, \
    (SELECT COUNT(*) FROM classin_course_students s WHERE s.course_id = c.id AND s.identity = 2) AS auditor_count, \
    (SELECT COUNT(*) FROM classin_lessons l WHERE l.course_id = c.id AND l.deleted_at IS NULL) AS lesson_count \
    FROM classin_courses c LEFT JOIN users t ON t.id = c.main_teacher_id";

const LESSON_SUMMARY_COLUMNS: &str = "SELECT l.id, l.course_id, l.name, l.introduction, l.begins_at, \
    l.ends_at, l.teacher_id, l.seat_count, l.record, l.live, l.replay, l.bookable, l.has_student_list, \
    l.unique_identity, l.deleted_at, c.name AS course_name, t.name AS teacher_name, \
    (SELECT COUNT(*) FROM classin_lesson_bookings b WHERE b.lesson_id = l.id) AS booked";
const LESSON_SUMMARY_FROM: &str =
    "FROM classin_lessons l JOIN classin_courses c ON c.id = l.course_id LEFT JOIN users t ON t.id = l.teacher_id";

/// A lesson lasts at most a day and is entered until 20 minutes after its end: a lower bound on the start of any
/// lesson still open at a moment, so that the by-time index does the work.
const LONGEST_OPEN_MS: i64 = (24 * 3600 + 20 * 60) * 1000;

/// Whether `$2` may join the lesson `l` as its teacher, an assistant or a student.
const IS_MEMBER: &str = "(l.teacher_id = $2 \
    OR EXISTS (SELECT 1 FROM classin_lesson_assistants a WHERE a.lesson_id = l.id AND a.user_id = $2) \
    OR EXISTS (SELECT 1 FROM classin_lesson_bookings b WHERE b.lesson_id = l.id AND b.user_id = $2) \
    OR (l.has_student_list AND EXISTS (SELECT 1 FROM classin_lesson_students s WHERE s.lesson_id = l.id AND s.user_id = $2)) \
    OR (NOT l.has_student_list AND NOT l.bookable AND EXISTS \
        (SELECT 1 FROM classin_course_students s WHERE s.course_id = l.course_id AND s.user_id = $2)))";

impl Store {
    /// The scope's courses, newest first.
    pub async fn list_courses(
        &self,
        scope: Scope,
        page: PageRequest,
    ) -> StoreResult<Page<CourseSummary>> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "{COURSE_SUMMARY} WHERE c.tenant_id = $1{} ORDER BY c.id DESC LIMIT $2 OFFSET $3",
            courses_condition(scope, "c.id")
        );
        let count = format!(
            "SELECT COUNT(*) FROM classin_courses WHERE tenant_id = $1{}",
            courses_condition(scope, "id")
        );
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<CourseSummary> = sqlx::query_as(&sql)
                .bind(tenant_id.get()).bind(page.limit()).bind(page.offset()).fetch_all(pool).await?;
            let total: i64 = sqlx::query_scalar(&count).bind(tenant_id.get()).fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// One of the scope's courses with its students and auditors (by name).
    pub async fn find_course_with_students(
        &self,
        scope: Scope,
        course_id: CourseId,
    ) -> StoreResult<Option<(CourseSummary, Vec<CourseStudent>)>> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "{COURSE_SUMMARY} WHERE c.tenant_id = $1 AND c.id = $2{}",
            courses_condition(scope, "c.id")
        );
        let students = "SELECT s.user_id, COALESCE(s.name, u.name) AS name, s.identity, s.created_at AS added_at \
                        FROM classin_course_students s JOIN users u ON u.id = s.user_id \
                        WHERE s.course_id = $1 ORDER BY s.identity, s.created_at, s.user_id";
        Ok(on_reader!(self, pool => {
            let course: Option<CourseSummary> = sqlx::query_as(&sql)
                .bind(tenant_id.get()).bind(course_id).fetch_optional(pool).await?;
            match course {
                Some(course) => {
                    let people = sqlx::query_as(students).bind(course.id).fetch_all(pool).await?;
                    Some((course, people))
                }
                None => None,
            }
        }))
    }

    /// The scope's lessons (not deleted) that the filter lets through, by start time. A lesson is in a branch's
    /// scope when its course is.
    pub async fn list_lessons(
        &self,
        scope: Scope,
        filter: LessonFilter,
        page: PageRequest,
    ) -> StoreResult<Page<LessonSummary>> {
        let tenant_id = scope.tenant_id();
        let condition = format!(
            "l.tenant_id = $1 AND l.deleted_at IS NULL \
             AND ($2 IS NULL OR l.ends_at > $2) AND ($3 IS NULL OR l.begins_at < $3) \
             AND ($4 IS NULL OR l.course_id = $4) AND ($5 IS NULL OR l.teacher_id = $5){}",
            courses_condition(scope, "l.course_id")
        );
        let sql = format!(
            "{LESSON_SUMMARY_COLUMNS} {LESSON_SUMMARY_FROM} WHERE {condition} ORDER BY l.begins_at, l.id LIMIT $6 OFFSET $7"
        );
        let count = format!("SELECT COUNT(*) FROM classin_lessons l WHERE {condition}");
        let (items, total) = on_reader!(self, pool => {
            let items: Vec<LessonSummary> = sqlx::query_as(&sql)
                .bind(tenant_id.get()).bind(filter.from).bind(filter.to).bind(filter.course_id)
                .bind(filter.teacher_id).bind(page.limit()).bind(page.offset())
                .fetch_all(pool).await?;
            let total: i64 = sqlx::query_scalar(&count)
                .bind(tenant_id.get()).bind(filter.from).bind(filter.to).bind(filter.course_id)
                .bind(filter.teacher_id)
                .fetch_one(pool).await?;
            (items, total)
        });
        Ok(Page {
            items,
            total,
            request: page,
        })
    }

    /// One of the scope's lessons (deleted ones too).
    pub async fn find_lesson_summary(
        &self,
        scope: Scope,
        lesson_id: LessonId,
    ) -> StoreResult<Option<LessonSummary>> {
        let tenant_id = scope.tenant_id();
        let sql = format!(
            "{LESSON_SUMMARY_COLUMNS} {LESSON_SUMMARY_FROM} WHERE l.tenant_id = $1 AND l.id = $2{}",
            courses_condition(scope, "l.course_id")
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql).bind(tenant_id.get()).bind(lesson_id).fetch_optional(pool).await?
        }))
    }

    /// The assistants, students, bookings and attendance of a lesson of the tenant.
    pub async fn lesson_people(
        &self,
        tenant_id: TenantId,
        lesson: &LessonRow,
    ) -> StoreResult<LessonPeople> {
        let assistants = "SELECT a.user_id, u.name, CAST(NULL AS BIGINT) AS identity, CAST(0 AS BIGINT) AS at FROM classin_lesson_assistants a \
                          JOIN classin_lessons l ON l.id = a.lesson_id AND l.tenant_id = $2 \
                          JOIN users u ON u.id = a.user_id WHERE a.lesson_id = $1 ORDER BY u.name, a.user_id";
        let listed = "SELECT s.user_id, COALESCE(s.name, u.name) AS name, s.identity, s.created_at AS at \
                      FROM classin_lesson_students s JOIN classin_lessons l ON l.id = s.lesson_id AND l.tenant_id = $2 \
                      JOIN users u ON u.id = s.user_id WHERE s.lesson_id = $1 \
                      ORDER BY s.identity, name, s.user_id";
        let of_course = "SELECT s.user_id, COALESCE(s.name, u.name) AS name, s.identity, s.created_at AS at \
                         FROM classin_course_students s JOIN classin_courses c ON c.id = s.course_id AND c.tenant_id = $2 \
                         JOIN users u ON u.id = s.user_id WHERE s.course_id = $1 \
                         ORDER BY s.identity, name, s.user_id";
        let bookings = "SELECT b.user_id, u.name, CAST(1 AS BIGINT) AS identity, b.created_at AS at FROM classin_lesson_bookings b \
                        JOIN classin_lessons l ON l.id = b.lesson_id AND l.tenant_id = $2 \
                        JOIN users u ON u.id = b.user_id WHERE b.lesson_id = $1 ORDER BY b.created_at, b.user_id";
        let attendance =
            "SELECT a.user_id, u.name, a.role, a.first_entered_at, a.last_entered_at, a.entries \
                          FROM classin_lesson_attendance a JOIN classin_lessons l ON l.id = a.lesson_id AND l.tenant_id = $2 \
                          JOIN users u ON u.id = a.user_id \
                          WHERE a.lesson_id = $1 ORDER BY a.first_entered_at, a.user_id";
        let tenant = tenant_id.get();
        let (students_sql, students_key) = if lesson.has_student_list {
            (listed, lesson.id.get())
        } else {
            (of_course, lesson.course_id.get())
        };
        let wants_course = lesson.has_student_list || !lesson.bookable;
        Ok(on_reader!(self, pool => {
            let mut people = LessonPeople {
                assistants: sqlx::query_as(assistants).bind(lesson.id).bind(tenant).fetch_all(pool).await?,
                bookings: sqlx::query_as(bookings).bind(lesson.id).bind(tenant).fetch_all(pool).await?,
                attendance: sqlx::query_as(attendance).bind(lesson.id).bind(tenant).fetch_all(pool).await?,
                ..LessonPeople::default()
            };
            if wants_course {
                people.students = sqlx::query_as(students_sql).bind(students_key).bind(tenant).fetch_all(pool).await?;
            }
            people
        }))
    }

    /// The lessons the person teaches, assists or may join as a student that are still open at `now_ms` (entry
    /// closes 20 minutes after the end), soonest first.
    pub async fn lessons_of_person(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        now_ms: UnixMillis,
        limit: i64,
    ) -> StoreResult<Vec<PersonLesson>> {
        let sql = format!(
            "{LESSON_SUMMARY_COLUMNS}, CASE WHEN l.teacher_id = $2 THEN 'teacher' WHEN EXISTS (SELECT 1 FROM \
             classin_lesson_assistants a WHERE a.lesson_id = l.id AND a.user_id = $2) THEN 'assistant' \
             ELSE 'student' END AS role {LESSON_SUMMARY_FROM} \
             WHERE l.tenant_id = $1 AND l.deleted_at IS NULL AND l.begins_at > $3 \
             AND l.ends_at > $4 AND {IS_MEMBER} ORDER BY l.begins_at, l.id LIMIT $5"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql)
                .bind(tenant_id.get()).bind(user_id).bind(now_ms.plus_millis(-LONGEST_OPEN_MS)).bind(now_ms.plus_millis(-20 * 60 * 1000))
                .bind(limit)
                .fetch_all(pool).await?
        }))
    }

    /// Bookable lessons the student could still book at `now_ms`: not locked (`booking_closes_ms` before the
    /// start), seats left, not booked yet, of a course still running.
    pub async fn lessons_open_for_booking(
        &self,
        tenant_id: TenantId,
        user_id: UserId,
        now_ms: UnixMillis,
        booking_closes_ms: i64,
        limit: i64,
    ) -> StoreResult<Vec<LessonSummary>> {
        let sql = format!(
            "{LESSON_SUMMARY_COLUMNS} {LESSON_SUMMARY_FROM} WHERE l.tenant_id = $1 AND l.bookable AND l.deleted_at IS NULL AND l.begins_at > $3 \
             AND c.ended_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > $4) \
             AND NOT EXISTS (SELECT 1 FROM classin_lesson_bookings b WHERE b.lesson_id = l.id AND b.user_id = $2) \
             AND (SELECT COUNT(*) FROM classin_lesson_bookings b WHERE b.lesson_id = l.id) < l.seat_count \
             ORDER BY l.begins_at, l.id LIMIT $5"
        );
        Ok(on_reader!(self, pool => {
            sqlx::query_as(&sql)
                .bind(tenant_id.get()).bind(user_id).bind(now_ms.plus_millis(booking_closes_ms)).bind(now_ms).bind(limit)
                .fetch_all(pool).await?
        }))
    }
}
