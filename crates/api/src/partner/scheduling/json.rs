//! What the scheduling reads and bookings answer: courses, lessons with their people, a booking and its seats, and
//! a refused booking with the lesson it overlaps.

use classbridge_domain::{LessonPhase, LessonState, UnixMillis, UserId};
use classbridge_service::scheduling::{
    Attendance, CourseStudent, CourseSummary, Label, LessonComment, LessonPeople, LessonPerson,
    LessonRow, LessonSummary,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::time::rfc3339;

/// A label of a course or lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleLabel {
    pub id: i64,
    pub name: String,
}

pub fn labels(labels: &[Label]) -> Vec<ScheduleLabel> {
    labels
        .iter()
        .map(|label| ScheduleLabel {
            id: label.id.get(),
            name: label.name.clone(),
        })
        .collect()
}

/// The (main) teacher of a course or lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScheduleTeacher {
    pub uid: i64,
    pub name: Option<String>,
}

fn teacher(id: Option<UserId>, name: Option<&str>) -> Option<ScheduleTeacher> {
    id.map(|uid| ScheduleTeacher {
        uid: uid.get(),
        name: name.map(str::to_owned),
    })
}

/// Someone of a course or lesson: a teacher of the course, an assistant of the lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct SchedulePerson {
    pub uid: i64,
    pub name: String,
}

/// A student (`student`) or an auditor (`auditor`): the stored identity is the wire's.
pub use classbridge_domain::StudentIdentity;

/// Where a course stands: `ended` (ended by the school), `expired` (past its expiry time) or `active`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum CourseStatus {
    Active,
    Expired,
    Ended,
}

/// A course as the list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Course {
    pub id: i64,
    pub name: String,
    pub introduction: Option<String>,
    /// RFC 3339; `null`: never expires.
    #[schema(format = DateTime)]
    pub expiry_time: Option<String>,
    /// `null` when the course has none (or, under a branch-scoped credential, one of another branch).
    pub main_teacher: Option<ScheduleTeacher>,
    /// The partner's own key of the course, when it gave one.
    pub unique_identity: Option<String>,
    pub status: CourseStatus,
    /// RFC 3339; `null` unless ended.
    #[schema(format = DateTime)]
    pub ended_at: Option<String>,
    #[schema(minimum = 0)]
    pub student_count: i64,
    #[schema(minimum = 0)]
    pub auditor_count: i64,
    /// Lessons not deleted.
    #[schema(minimum = 0)]
    pub lesson_count: i64,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    pub labels: Vec<ScheduleLabel>,
}

/// A student or auditor of a course.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseMember {
    pub uid: i64,
    pub name: String,
    pub identity: StudentIdentity,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub added_at: String,
}

/// One course with its teachers, students and auditors.
#[derive(Debug, Serialize, ToSchema)]
pub struct CourseDetail {
    pub id: i64,
    pub name: String,
    pub introduction: Option<String>,
    /// RFC 3339; `null`: never expires.
    #[schema(format = DateTime)]
    pub expiry_time: Option<String>,
    /// `null` when the course has none (or, under a branch-scoped credential, one of another branch).
    pub main_teacher: Option<ScheduleTeacher>,
    pub unique_identity: Option<String>,
    pub status: CourseStatus,
    /// RFC 3339; `null` unless ended.
    #[schema(format = DateTime)]
    pub ended_at: Option<String>,
    #[schema(minimum = 0)]
    pub student_count: i64,
    #[schema(minimum = 0)]
    pub auditor_count: i64,
    #[schema(minimum = 0)]
    pub lesson_count: i64,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    pub labels: Vec<ScheduleLabel>,
    /// The course's teachers (under a branch-scoped credential, those of its branch).
    pub teachers: Vec<SchedulePerson>,
    /// Students and auditors (under a branch-scoped credential, those of its branch).
    pub students: Vec<CourseMember>,
}

fn course_status(course: &CourseSummary, now_ms: i64) -> CourseStatus {
    if course.ended_at.is_some() {
        CourseStatus::Ended
    } else if course
        .expires_at
        .is_some_and(|at| at <= UnixMillis::new(now_ms))
    {
        CourseStatus::Expired
    } else {
        CourseStatus::Active
    }
}

pub fn course(course: &CourseSummary, labels: Vec<ScheduleLabel>, now_ms: i64) -> Course {
    Course {
        id: course.id.get(),
        name: course.name.clone(),
        introduction: course.introduction.clone(),
        expiry_time: course.expires_at.map(rfc3339),
        main_teacher: teacher(course.main_teacher_id, course.main_teacher_name.as_deref()),
        unique_identity: course.unique_identity.clone(),
        status: course_status(course, now_ms),
        ended_at: course.ended_at.map(rfc3339),
        student_count: course.student_count,
        auditor_count: course.auditor_count,
        lesson_count: course.lesson_count,
        created_at: rfc3339(course.created_at),
        labels,
    }
}

pub fn course_detail(
    course: Course,
    teachers: Vec<SchedulePerson>,
    students: &[CourseStudent],
) -> CourseDetail {
    CourseDetail {
        id: course.id,
        name: course.name,
        introduction: course.introduction,
        expiry_time: course.expiry_time,
        main_teacher: course.main_teacher,
        unique_identity: course.unique_identity,
        status: course.status,
        ended_at: course.ended_at,
        student_count: course.student_count,
        auditor_count: course.auditor_count,
        lesson_count: course.lesson_count,
        created_at: course.created_at,
        labels: course.labels,
        teachers,
        students: students
            .iter()
            .map(|s| CourseMember {
                uid: s.user_id.get(),
                name: s.name.clone(),
                identity: s.identity,
                added_at: rfc3339(s.added_at),
            })
            .collect(),
    }
}

/// Where a lesson stands: `scheduled`, `locked` (no changes: it starts within 20 minutes), `in_progress`, `ended`
/// or `deleted`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LessonStatus {
    Scheduled,
    Locked,
    InProgress,
    Ended,
    Deleted,
}

impl LessonStatus {
    pub fn of(lesson: &LessonRow, now_ms: i64) -> Self {
        match lesson.state(UnixMillis::new(now_ms)) {
            LessonState::Deleted => Self::Deleted,
            LessonState::Live(LessonPhase::Ended) => Self::Ended,
            LessonState::Live(LessonPhase::InSession) => Self::InProgress,
            LessonState::Live(LessonPhase::Locked) => Self::Locked,
            LessonState::Live(LessonPhase::Open) => Self::Scheduled,
        }
    }
}

/// The course a lesson belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonCourse {
    pub id: i64,
    pub name: String,
}

/// A lesson as the list shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Lesson {
    pub id: i64,
    pub course: LessonCourse,
    pub name: String,
    pub introduction: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub begin_time: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub end_time: String,
    /// `null` when the lesson has none (or, under a branch-scoped credential, one of another branch).
    pub teacher: Option<ScheduleTeacher>,
    /// Seats on the stage.
    #[schema(minimum = 0)]
    pub seat_num: i64,
    /// Whether students book seats (Mode B).
    pub bookable: bool,
    /// Seats booked.
    #[schema(minimum = 0)]
    pub booked: i64,
    /// Seats still free for a bookable lesson; `null` for one that is not bookable.
    #[schema(minimum = 0)]
    pub seats_left: Option<i64>,
    pub record: bool,
    pub live: bool,
    pub replay: bool,
    pub unique_identity: Option<String>,
    pub status: LessonStatus,
    /// RFC 3339; `null` unless deleted.
    #[schema(format = DateTime)]
    pub deleted_at: Option<String>,
    /// The lesson's page for the people in it.
    pub page_url: String,
    pub labels: Vec<ScheduleLabel>,
}

pub fn lesson(
    summary: &LessonSummary,
    page_url: String,
    labels: Vec<ScheduleLabel>,
    now_ms: i64,
) -> Lesson {
    let lesson = &summary.lesson;
    Lesson {
        id: lesson.id.get(),
        course: LessonCourse {
            id: lesson.course_id.get(),
            name: summary.course_name.clone(),
        },
        name: lesson.name.clone(),
        introduction: lesson.introduction.clone(),
        begin_time: rfc3339(lesson.begins_at),
        end_time: rfc3339(lesson.ends_at),
        teacher: teacher(lesson.teacher_id, summary.teacher_name.as_deref()),
        seat_num: lesson.seat_count,
        bookable: lesson.bookable,
        booked: summary.booked,
        seats_left: lesson
            .bookable
            .then(|| (lesson.seat_count - summary.booked).max(0)),
        record: lesson.record,
        live: lesson.live,
        replay: lesson.replay,
        unique_identity: lesson.unique_identity.clone(),
        status: LessonStatus::of(lesson, now_ms),
        deleted_at: lesson.deleted_at.map(rfc3339),
        page_url,
        labels,
    }
}

/// A teacher's comment on a student of the lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonCommentBody {
    /// The student's uid.
    pub uid: i64,
    pub name: String,
    pub stars: i64,
    pub comment: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// Where the lesson's `students` come from: its own list (`lesson`), its bookings (`bookings`, a bookable lesson
/// without a list) or its course (`course`).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StudentsFrom {
    Lesson,
    Bookings,
    Course,
}

/// A student or auditor who may join the lesson.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonStudent {
    pub uid: i64,
    pub name: String,
    pub identity: StudentIdentity,
}

/// A seat booked.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonBooking {
    pub uid: i64,
    pub name: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub booked_at: String,
}

/// Who joined the lesson's room as what (`teacher`, `assistant` or `student`), when and how often.
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonAttendance {
    pub uid: i64,
    pub name: String,
    #[schema(example = "student")]
    pub role: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub first_entered_at: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub last_entered_at: String,
    #[schema(minimum = 1)]
    pub entries: i64,
}

/// One lesson with its labels, the teacher's comments, and its people: assistants, students, bookings and
/// attendance (under a branch-scoped credential, only its branch's people).
#[derive(Debug, Serialize, ToSchema)]
pub struct LessonDetail {
    pub id: i64,
    pub course: LessonCourse,
    pub name: String,
    pub introduction: Option<String>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub begin_time: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub end_time: String,
    pub teacher: Option<ScheduleTeacher>,
    #[schema(minimum = 0)]
    pub seat_num: i64,
    pub bookable: bool,
    #[schema(minimum = 0)]
    pub booked: i64,
    /// Seats still free for a bookable lesson; `null` for one that is not bookable.
    #[schema(minimum = 0)]
    pub seats_left: Option<i64>,
    pub record: bool,
    pub live: bool,
    pub replay: bool,
    pub unique_identity: Option<String>,
    pub status: LessonStatus,
    /// RFC 3339; `null` unless deleted.
    #[schema(format = DateTime)]
    pub deleted_at: Option<String>,
    pub page_url: String,
    pub labels: Vec<ScheduleLabel>,
    pub comments: Vec<LessonCommentBody>,
    pub assistants: Vec<SchedulePerson>,
    pub students_from: StudentsFrom,
    pub students: Vec<LessonStudent>,
    pub bookings: Vec<LessonBooking>,
    pub attendance: Vec<LessonAttendance>,
}

pub fn lesson_detail(
    lesson: Lesson,
    row: &LessonRow,
    comments: &[&LessonComment],
    people: &LessonPeople,
) -> LessonDetail {
    let students_from = if row.has_student_list {
        StudentsFrom::Lesson
    } else if row.bookable {
        StudentsFrom::Bookings
    } else {
        StudentsFrom::Course
    };
    let person = |p: &LessonPerson| SchedulePerson {
        uid: p.user_id.get(),
        name: p.name.clone(),
    };
    LessonDetail {
        id: lesson.id,
        course: lesson.course,
        name: lesson.name,
        introduction: lesson.introduction,
        begin_time: lesson.begin_time,
        end_time: lesson.end_time,
        teacher: lesson.teacher,
        seat_num: lesson.seat_num,
        bookable: lesson.bookable,
        booked: lesson.booked,
        seats_left: lesson.seats_left,
        record: lesson.record,
        live: lesson.live,
        replay: lesson.replay,
        unique_identity: lesson.unique_identity,
        status: lesson.status,
        deleted_at: lesson.deleted_at,
        page_url: lesson.page_url,
        labels: lesson.labels,
        comments: comments
            .iter()
            .map(|c| LessonCommentBody {
                uid: c.user_id.get(),
                name: c.name.clone(),
                stars: c.stars,
                comment: c.comment.clone(),
                updated_at: rfc3339(c.updated_at),
            })
            .collect(),
        assistants: people.assistants.iter().map(person).collect(),
        students_from,
        students: people
            .students
            .iter()
            .map(|p| LessonStudent {
                uid: p.user_id.get(),
                name: p.name.clone(),
                identity: p.identity.unwrap_or(StudentIdentity::Student),
            })
            .collect(),
        bookings: people
            .bookings
            .iter()
            .map(|p| LessonBooking {
                uid: p.user_id.get(),
                name: p.name.clone(),
                booked_at: rfc3339(p.at),
            })
            .collect(),
        attendance: people.attendance.iter().map(attendance).collect(),
    }
}

fn attendance(a: &Attendance) -> LessonAttendance {
    LessonAttendance {
        uid: a.user_id.get(),
        name: a.name.clone(),
        role: a.role.as_str().to_owned(),
        first_entered_at: rfc3339(a.first_entered_at),
        last_entered_at: rfc3339(a.last_entered_at),
        entries: a.entries,
    }
}

/// The lesson's seats after a booking.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingSeats {
    #[schema(minimum = 0)]
    pub total: i64,
    #[schema(minimum = 0)]
    pub booked: i64,
    #[schema(minimum = 0)]
    pub available: i64,
}

/// A seat held.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingMade {
    pub lesson_id: i64,
    /// The student's uid.
    pub uid: i64,
    pub name: String,
    /// RFC 3339: when the seat was taken (the first time, for a booking made again).
    #[schema(format = DateTime)]
    pub booked_at: String,
    pub seats: BookingSeats,
}

/// The lesson a refused booking overlaps.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConflictingLesson {
    pub id: i64,
    pub name: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub begin_time: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub end_time: String,
}

/// A booking or cancellation refused by the lesson's state: full, overlapping another lesson of the student,
/// closed (within 20 minutes of the start), ended, deleted, not bookable, or of an ended course.
#[derive(Debug, Serialize, ToSchema)]
pub struct BookingConflict {
    #[schema(example = "This lesson is full.")]
    pub message: String,
    /// Only for an overlap: the student's other lesson at that time.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub conflicting_lesson: Option<ConflictingLesson>,
}
