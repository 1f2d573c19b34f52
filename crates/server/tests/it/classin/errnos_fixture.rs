//! The school the errno table is provoked against: people in every role, courses open, ended and empty, lessons in
//! each phase of the edit window (more than 20 minutes ahead, within the 20 minutes, in session, ended, deleted),
//! labels of this school and of another.

use serde_json::{json, Value};

use super::{school, School};
use crate::harness::TestApp;

/// What a row of the table expects.
pub enum Expect {
    Errno(i64),
    /// An errno and the `data` that comes with it (`Value::Null`: any data).
    Data(i64, Value),
    /// A batch: errno 1 and these item errnos, in order.
    Items(Vec<i64>),
}

/// One call of the table and what it must answer.
pub struct Row {
    pub action: &'static str,
    pub params: Value,
    pub expect: Expect,
}

pub fn row(action: &'static str, params: Value, errno: i64) -> Row {
    Row {
        action,
        params,
        expect: Expect::Errno(errno),
    }
}

pub fn data(action: &'static str, params: Value, errno: i64, data: Value) -> Row {
    Row {
        action,
        params,
        expect: Expect::Data(errno, data),
    }
}

pub fn items(action: &'static str, params: Value, errnos: &[i64]) -> Row {
    Row {
        action,
        params,
        expect: Expect::Items(errnos.to_vec()),
    }
}

/// Everything the table names, by role.
pub struct Fixture {
    /// The server's clock once the lessons are in their phases (Unix seconds).
    pub now: i64,
    pub alpha: School,
    pub beta: School,
    pub teacher: i64,
    pub second_teacher: i64,
    pub stopped_teacher: i64,
    pub assistant: i64,
    pub student: i64,
    pub other_student: i64,
    pub third_student: i64,
    pub auditor: i64,
    pub outsider: i64,
    /// A teacher and student of the school who is a student of `course`.
    pub dual_student: i64,
    /// A teacher and student of the school who is an auditor of `course`.
    pub dual_auditor: i64,
    /// A teacher and student of the school: head teacher of `headed_course`, teacher of a lesson of `taught_course`,
    /// assistant of `open`.
    pub dual_teacher: i64,
    /// A teacher and student of the school in no course.
    pub dual_spare: i64,
    pub course: i64,
    pub ended_course: i64,
    pub empty_course: i64,
    pub headed_course: i64,
    pub taught_course: i64,
    pub assistant_course: i64,
    pub assistant_lesson: i64,
    pub open: i64,
    pub locked: i64,
    pub in_session: i64,
    pub ended: i64,
    pub deleted: i64,
    pub other_lesson: i64,
    pub label: i64,
    pub deleted_label: i64,
    pub beta_label: i64,
}

async fn person(school: &School, telephone: &str, name: &str, identity: i64) -> i64 {
    school.register(telephone, name, identity).await
}

/// A teacher of the school made a student of the school too.
async fn dual(school: &School, telephone: &str, name: &str) -> i64 {
    let uid = person(school, telephone, name, 2).await;
    school
        .ok(
            "addSchoolStudent",
            json!({"studentAccount": telephone, "studentName": name}),
        )
        .await;
    uid
}

async fn lesson_at(
    school: &School,
    course: i64,
    teacher: i64,
    lead: i64,
    length: i64,
    extra: Value,
) -> i64 {
    let begin = school.clock.now_seconds() + lead;
    let mut params = json!({"courseId": course, "className": "Optics", "beginTime": begin,
                            "endTime": begin + length, "teacherUid": teacher});
    params
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    school.ok("addCourseClass", params).await.as_i64().unwrap()
}

pub async fn fixture(app: &TestApp) -> Fixture {
    let alpha = school(app, "alpha").await;
    let beta = school(app, "beta").await;
    let teacher = person(&alpha, "13800000001", "Karim", 2).await;
    let second_teacher = person(&alpha, "13800000002", "Dana", 2).await;
    let stopped_teacher = person(&alpha, "13800000003", "Ilyas", 2).await;
    alpha
        .ok("stopUsingTeacher", json!({"teacherUid": stopped_teacher}))
        .await;
    let assistant = person(&alpha, "13800000004", "Rami", 2).await;
    let student = person(&alpha, "13800000011", "Sara", 1).await;
    let other_student = person(&alpha, "13800000012", "Omar", 1).await;
    let third_student = person(&alpha, "13800000013", "Lina", 1).await;
    let auditor = person(&alpha, "13800000014", "Hadi", 1).await;
    let outsider = alpha
        .ok(
            "register",
            json!({"telephone": "13800000015", "password": "secret12"}),
        )
        .await
        .as_i64()
        .unwrap();
    let dual_student = dual(&alpha, "13800000021", "Noor").await;
    let dual_auditor = dual(&alpha, "13800000022", "Yara").await;
    let dual_teacher = dual(&alpha, "13800000023", "Zaid").await;
    let dual_spare = dual(&alpha, "13800000024", "Maya").await;

    let course = alpha
        .ok(
            "addCourse",
            json!({"courseName": "Physics", "mainTeacherUid": teacher}),
        )
        .await
        .as_i64()
        .unwrap();
    for (uid, identity) in [
        (student, 1),
        (auditor, 2),
        (dual_student, 1),
        (dual_auditor, 2),
    ] {
        alpha
            .ok(
                "addCourseStudent",
                json!({"courseId": course, "studentUid": uid, "identity": identity}),
            )
            .await;
    }
    let other_course = alpha.course("Chemistry").await;
    let ended_course = alpha.course("Biology").await;
    alpha
        .ok("endCourse", json!({"courseId": ended_course}))
        .await;
    let empty_course = alpha.course("Geography").await;
    let headed_course = alpha
        .ok(
            "addCourse",
            json!({"courseName": "History", "mainTeacherUid": dual_teacher}),
        )
        .await
        .as_i64()
        .unwrap();
    let taught_course = alpha.course("Music").await;
    lesson_at(
        &alpha,
        taught_course,
        dual_teacher,
        3 * 3600,
        3600,
        json!({}),
    )
    .await;
    let assistant_course = alpha.course("Art").await;
    let assistant_lesson = lesson_at(
        &alpha,
        assistant_course,
        teacher,
        3 * 3600,
        3600,
        json!({"assistantUid": second_teacher}),
    )
    .await;

    // Lessons of `course`; the clock then moves 20 minutes, which puts each in its phase.
    let open = lesson_at(
        &alpha,
        course,
        teacher,
        3 * 3600,
        3600,
        json!({"assistantUids": [assistant, dual_teacher], "courseUniqueIdentity": "sis-open"}),
    )
    .await;
    // A lesson three days ahead: the course cannot expire before it (152).
    lesson_at(&alpha, course, teacher, 3 * 86_400, 3600, json!({})).await;
    let locked = lesson_at(&alpha, course, teacher, 35 * 60, 3600, json!({})).await;
    let in_session = lesson_at(&alpha, course, teacher, 10 * 60, 3600, json!({})).await;
    let ended = lesson_at(&alpha, course, teacher, 2 * 60, 15 * 60, json!({})).await;
    let deleted = lesson_at(&alpha, course, teacher, 3 * 3600, 3600, json!({})).await;
    alpha
        .ok(
            "delCourseClass",
            json!({"courseId": course, "classId": deleted}),
        )
        .await;
    let other_lesson = lesson_at(&alpha, other_course, teacher, 3 * 3600, 3600, json!({})).await;

    let label_id = |answer: Value| -> i64 { answer["labelId"].as_str().unwrap().parse().unwrap() };
    let label = label_id(
        alpha
            .ok("addSchoolLabel", json!({"labelName": "Science"}))
            .await,
    );
    let deleted_label = label_id(
        alpha
            .ok("addSchoolLabel", json!({"labelName": "Old"}))
            .await,
    );
    alpha
        .ok("deleteSchoolLabel", json!({"labelId": deleted_label}))
        .await;
    let beta_label = label_id(
        beta.ok("addSchoolLabel", json!({"labelName": "Beta"}))
            .await,
    );

    alpha.clock.advance(20 * 60);
    Fixture {
        now: alpha.clock.now_seconds(),
        alpha,
        beta,
        teacher,
        second_teacher,
        stopped_teacher,
        assistant,
        student,
        other_student,
        third_student,
        auditor,
        outsider,
        dual_student,
        dual_auditor,
        dual_teacher,
        dual_spare,
        course,
        ended_course,
        empty_course,
        headed_course,
        taught_course,
        assistant_course,
        assistant_lesson,
        open,
        locked,
        in_session,
        ended,
        deleted,
        other_lesson,
        label,
        deleted_label,
        beta_label,
    }
}
