//! The pushes to schools' servers (ClassIn's data subscription, `datasub.md`): the messages classbridge has the
//! facts for, written to the durable outbox in the transaction of the change they report — courses added and
//! changed (`eeoCourseInfoChange`), lessons added, changed and deleted (`eeoClassInfoChange`), a lesson's students (`eeoClassStudentChange`), and after a lesson
//! closes its summary (`End`, with who entered) and its attendance (`Attendance`, absentees included). Delivery
//! (signing, the acknowledgement, retries in order) is in `delivery`.

use classbridge_domain::{CourseId, UnixMillis, UserId};
pub mod delivery;
pub mod school_settings;
pub mod summaries;

use classbridge_store::{
    classin::{
        courses::{self as course_store, CourseRow},
        labels::{self as label_store, Labelled},
        lessons::LessonRow,
    },
    outbox, StoreResult, TenantTx,
};
use serde_json::{json, Map, Value};

/// `opType` of the scheduling-sync messages.
pub const ADDED: i64 = 1;
pub const DELETED: i64 = 2;
pub const MODIFIED: i64 = 3;

/// `opSource` 3: the admin, client or LMS API (ClassIn's value for v2 calls and classbridge's own pages).
pub const SOURCE_LMS: i64 = 3;
/// `opSource` 6: the v1 API.
pub const SOURCE_V1: i64 = 6;

/// Sets the SID's receiving URL (`None` stops pushing to it): an absolute http(s) URL.
pub async fn set_push_url(
    service: &crate::Service,
    sid: i64,
    url: Option<&str>,
) -> Result<(), String> {
    let store = service.store();
    if let Some(url) = url {
        let parsed = url::Url::parse(url).map_err(|_| format!("`{url}` is not a URL"))?;
        if parsed.scheme() != "http" || parsed.host().is_none() {
            return Err(format!(
                "`{url}`: the receiving URL must be http://host/… (this build sends pushes over plain HTTP)"
            ));
        }
    }
    match store.set_push_url(sid, url).await {
        Ok(true) => Ok(()),
        Ok(false) => Err(format!("there is no ClassIn credential with SID {sid}")),
        Err(error) => Err(error.to_string()),
    }
}

/// A new message's `_id`.
pub fn new_message_key() -> String {
    ulid::Ulid::new().to_string().to_lowercase()
}

/// Writes `message` (without `SID`, `_id`, `TimeStamp`, `SafeKey`) once for every SID of the tenant that has a
/// receiving URL; `key` names the message (the same key is written once per SID).
pub async fn enqueue_for_tenant(
    tx: &mut TenantTx,
    cmd: &str,
    key: &str,
    message: Map<String, Value>,
    after: Option<UnixMillis>,
) -> StoreResult<usize> {
    let targets = outbox::push_targets(tx).await?;
    let mut written = 0;
    for target in targets {
        if after.is_some_and(|at| at < target.push_url_set_at) {
            // Data produced before the subscription was enabled is never pushed.
            continue;
        }
        let mut body = message.clone();
        body.insert("SID".into(), target.sid.into());
        let message_key = format!("{key}-{}", target.sid);
        body.insert("_id".into(), message_key.clone().into());
        body.insert("Cmd".into(), cmd.into());
        outbox::enqueue(
            tx,
            target.sid,
            &message_key,
            cmd,
            &Value::Object(body).to_string(),
        )
        .await?;
        written += 1;
    }
    Ok(written)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `classStatus`: 1 not started, 2 in session, 3 ended, 4 deleted.
fn class_status(lesson: &LessonRow, now_ms: i64) -> i64 {
    lesson.state(UnixMillis::new(now_ms)).class_status()
}

/// What happened to a lesson, for its `eeoClassInfoChange`.
#[derive(Debug, Clone, Copy)]
pub enum LessonChange<'a> {
    /// Made: every field.
    Added(&'a LessonRow),
    /// Changed: `courseId`, `classId` and the fields that differ (the assistants when they were set).
    Modified {
        before: &'a LessonRow,
        after: &'a LessonRow,
        assistants_set: bool,
    },
    /// Deleted: class messages say so with `opType` 3 and `classStatus` 4 (they use only `opType` 1 and 3).
    Deleted(&'a LessonRow),
}

/// `eeoClassInfoChange` for a lesson added (every field), changed (only the fields that changed, with `courseId` and
/// `classId`, as `datasub.md` §7.12 says of non-add operations) or deleted. `seatNum` counts the teacher, as
/// ClassIn's message does.
pub async fn lesson_changed(
    tx: &mut TenantTx,
    change: LessonChange<'_>,
    source: i64,
    now: i64,
) -> StoreResult<()> {
    if outbox::push_targets(tx).await?.is_empty() {
        return Ok(());
    }
    let lesson = match change {
        LessonChange::Added(lesson) | LessonChange::Deleted(lesson) => lesson,
        LessonChange::Modified { after, .. } => after,
    };
    let now_ms = now * 1000;
    let teacher_info = |name: String| json!({"teacherName": name, "teacherUid": lesson.teacher_id.map_or(0, UserId::get), "teacherNo": ""});
    let teacher_name = match lesson.teacher_id {
        Some(uid) => outbox::person_name(tx, uid).await?.unwrap_or_default(),
        None => String::new(),
    };
    let assistants = classbridge_store::classin::lessons::lesson_assistants(tx, lesson.id).await?;
    let mut assistant_infos = Vec::with_capacity(assistants.len());
    for uid in assistants {
        let name = outbox::person_name(tx, uid).await?.unwrap_or_default();
        assistant_infos.push(json!({"teacherName": name, "teacherUid": uid, "teacherNo": ""}));
    }
    let mut data = Map::new();
    data.insert("courseId".into(), lesson.course_id.get().into());
    data.insert("classId".into(), lesson.id.get().into());
    let op = match change {
        LessonChange::Added(_) => {
            let course_name = course_store::find_course(tx, lesson.course_id)
                .await?
                .map(|course| course.name)
                .unwrap_or_default();
            data.insert("className".into(), lesson.name.clone().into());
            data.insert("courseName".into(), course_name.into());
            data.insert("classType".into(), 1.into());
            data.insert("beginTime".into(), lesson.begins_at.seconds().into());
            data.insert("endTime".into(), lesson.ends_at.seconds().into());
            data.insert("seatNum".into(), (lesson.seat_count + 1).into());
            data.insert("isAutoOnstage".into(), 0.into());
            data.insert("classStatus".into(), class_status(lesson, now_ms).into());
            data.insert("MainClassId".into(), 0.into());
            data.insert("teacherInfo".into(), teacher_info(teacher_name));
            data.insert("assistantTeacherInfos".into(), assistant_infos.into());
            data.insert("labelInfos".into(), json!([]));
            ADDED
        }
        LessonChange::Modified {
            before,
            after,
            assistants_set,
        } => {
            if before.name != after.name {
                data.insert("className".into(), after.name.clone().into());
            }
            if before.begins_at != after.begins_at {
                data.insert("beginTime".into(), after.begins_at.seconds().into());
            }
            if before.ends_at != after.ends_at {
                data.insert("endTime".into(), after.ends_at.seconds().into());
            }
            if before.seat_count != after.seat_count {
                data.insert("seatNum".into(), (after.seat_count + 1).into());
            }
            if class_status(before, now_ms) != class_status(after, now_ms) {
                data.insert("classStatus".into(), class_status(after, now_ms).into());
            }
            if before.teacher_id != after.teacher_id {
                data.insert("teacherInfo".into(), teacher_info(teacher_name));
            }
            if assistants_set {
                data.insert("assistantTeacherInfos".into(), assistant_infos.into());
            }
            if data.len() == 2 {
                return Ok(());
            }
            MODIFIED
        }
        LessonChange::Deleted(_) => {
            data.insert("classStatus".into(), 4.into());
            MODIFIED
        }
    };
    let message = json!({
        "CourseId": lesson.course_id,
        "CourseID": lesson.course_id,
        "ClassID": lesson.id,
        "opType": op,
        "opTime": now,
        "ActionTime": now,
        "UID": 0,
        "opSource": source,
        "opData": Value::Object(data),
    });
    enqueue_for_tenant(
        tx,
        "eeoClassInfoChange",
        &new_message_key(),
        object(message),
        None,
    )
    .await?;
    Ok(())
}

/// `eeoCourseInfoChange` for a course added (`before` `None`: every field) or changed (only the fields that changed,
/// with `courseId`, as ClassIn's message carries them for non-add operations).
pub async fn course_changed(
    tx: &mut TenantTx,
    before: Option<&CourseRow>,
    course: &CourseRow,
    source: i64,
    now: i64,
) -> StoreResult<()> {
    if outbox::push_targets(tx).await?.is_empty() {
        return Ok(());
    }
    let now_ms = now * 1000;
    // `courseStatus`: 1 not started, 2 in progress, 3 finished (ended or expired).
    let status = |course: &CourseRow, started: bool| -> i64 {
        if course.ended_at.is_some()
            || course
                .expires_at
                .is_some_and(|at| at <= UnixMillis::new(now_ms))
        {
            3
        } else if started {
            2
        } else {
            1
        }
    };
    let started = classbridge_store::classin::lessons::course_lessons(tx, course.id)
        .await?
        .iter()
        .any(|lesson| lesson.begins_at <= UnixMillis::new(now_ms));
    let teacher = |uid: Option<UserId>, name: String| json!({"teacherName": name, "teacherUid": uid.map_or(0, UserId::get), "teacherNo": ""});
    let teacher_name = match course.main_teacher_id {
        Some(uid) => outbox::person_name(tx, uid).await?.unwrap_or_default(),
        None => String::new(),
    };
    let mut data = Map::new();
    data.insert("courseId".into(), course.id.get().into());
    let expiry = course.expires_at.map_or(0, UnixMillis::seconds);
    match before {
        None => {
            data.insert("courseName".into(), course.name.clone().into());
            data.insert("expiryTime".into(), expiry.into());
            data.insert("courseType".into(), 1.into());
            data.insert("courseStatus".into(), status(course, started).into());
            data.insert("category".into(), "".into());
            data.insert("categoryId".into(), 0.into());
            data.insert("subjectId".into(), 0.into());
            data.insert(
                "mainTeacherInfo".into(),
                teacher(course.main_teacher_id, teacher_name),
            );
            data.insert("labelInfos".into(), json!([]));
        }
        Some(before) => {
            if before.name != course.name {
                data.insert("courseName".into(), course.name.clone().into());
            }
            if before.expires_at != course.expires_at {
                data.insert("expiryTime".into(), expiry.into());
            }
            if status(before, started) != status(course, started) {
                data.insert("courseStatus".into(), status(course, started).into());
            }
            if before.main_teacher_id != course.main_teacher_id {
                data.insert(
                    "mainTeacherInfo".into(),
                    teacher(course.main_teacher_id, teacher_name),
                );
            }
            if data.len() == 1 {
                return Ok(());
            }
        }
    }
    let message = json!({
        "CourseId": course.id,
        "CourseID": course.id,
        "opType": if before.is_none() { ADDED } else { MODIFIED },
        "opTime": now,
        "ActionTime": now,
        "UID": 0,
        "opSource": source,
        "opData": Value::Object(data),
    });
    enqueue_for_tenant(
        tx,
        "eeoCourseInfoChange",
        &new_message_key(),
        object(message),
        None,
    )
    .await?;
    Ok(())
}

/// The labels of a course or lesson set anew (`addCourseLabels`, `addClassLabels`): `eeoCourseInfoChange` or
/// `eeoClassInfoChange` with `opType` 3 and `labelInfos` (`[{labelName, labelId}]`) as they are now.
pub async fn labels_changed(
    tx: &mut TenantTx,
    course_id: CourseId,
    owner: Labelled,
    now: i64,
) -> StoreResult<()> {
    if outbox::push_targets(tx).await?.is_empty() {
        return Ok(());
    }
    let labels: Vec<Value> = label_store::labels_in(tx, owner)
        .await?
        .into_iter()
        .map(|label| json!({"labelName": label.name, "labelId": label.id}))
        .collect();
    let (cmd, message) = match owner {
        Labelled::Course(_) => (
            "eeoCourseInfoChange",
            json!({"CourseId": course_id, "CourseID": course_id, "opType": MODIFIED, "opTime": now,
                   "ActionTime": now, "UID": 0, "opSource": SOURCE_V1,
                   "opData": {"courseId": course_id, "labelInfos": labels}}),
        ),
        Labelled::Lesson(lesson_id) => (
            "eeoClassInfoChange",
            json!({"CourseId": course_id, "CourseID": course_id, "ClassID": lesson_id, "opType": MODIFIED,
                   "opTime": now, "ActionTime": now, "UID": 0, "opSource": SOURCE_V1,
                   "opData": {"courseId": course_id, "classId": lesson_id, "labelInfos": labels}}),
        ),
    };
    enqueue_for_tenant(tx, cmd, &new_message_key(), object(message), None).await?;
    Ok(())
}

/// `eeoClassStudentChange` (`opType` 3) with the lesson's students as they are now.
pub async fn lesson_students_changed(
    tx: &mut TenantTx,
    lesson: &LessonRow,
    source: i64,
    now: i64,
) -> StoreResult<()> {
    if outbox::push_targets(tx).await?.is_empty() {
        return Ok(());
    }
    // The lesson's own list may have been started in this very transaction.
    let current = classbridge_store::classin::lessons::find_lesson(tx, lesson.course_id, lesson.id)
        .await?
        .unwrap_or_else(|| lesson.clone());
    let students = outbox::lesson_student_names(tx, outbox::StudentsOf::Lesson(&current)).await?;
    let infos: Vec<Value> = students
        .into_iter()
        .map(|(uid, name)| json!({"studentNo": "", "studentName": name, "studentUid": uid, "labelInfos": []}))
        .collect();
    let message = json!({
        "CourseId": current.course_id,
        "CourseID": current.course_id,
        "ClassID": current.id,
        "opType": MODIFIED,
        "opTime": now,
        "ActionTime": now,
        "UID": 0,
        "opSource": source,
        "opData": {
            "courseId": current.course_id,
            "classId": current.id,
            "className": current.name,
            "studentInfos": infos,
        },
    });
    enqueue_for_tenant(
        tx,
        "eeoClassStudentChange",
        &new_message_key(),
        object(message),
        None,
    )
    .await?;
    Ok(())
}

/// `eeoCourseStudentChange` (`opType` 3) with the course's students and auditors as they are now.
pub async fn course_students_changed(
    tx: &mut TenantTx,
    course_id: CourseId,
    source: i64,
    now: i64,
) -> StoreResult<()> {
    if outbox::push_targets(tx).await?.is_empty() {
        return Ok(());
    }
    let course_name = course_store::find_course(tx, course_id)
        .await?
        .map(|course| course.name)
        .unwrap_or_default();
    let students = outbox::lesson_student_names(tx, outbox::StudentsOf::Course(course_id)).await?;
    let infos: Vec<Value> = students
        .into_iter()
        .map(|(uid, name)| json!({"studentNo": "", "studentName": name, "studentUid": uid, "labelInfos": []}))
        .collect();
    let message = json!({
        "CourseId": course_id,
        "CourseID": course_id,
        "opType": MODIFIED,
        "opTime": now,
        "ActionTime": now,
        "UID": 0,
        "opSource": source,
        "opData": {"courseId": course_id, "courseName": course_name, "studentInfos": infos},
    });
    enqueue_for_tenant(
        tx,
        "eeoCourseStudentChange",
        &new_message_key(),
        object(message),
        None,
    )
    .await?;
    Ok(())
}
