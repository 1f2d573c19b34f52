//! Labels and comments through the scheduling API: the school's labels (`addSchoolLabel`, `updateSchoolLabel`,
//! `deleteSchoolLabel`; at most 100), the labels of courses (`addCourseLabels`) and lessons (`addClassLabels`; at
//! most 10 each), and the teacher's comments on the students of a lesson (`updateClassStudentComment`).

use classbridge_domain::{CourseId, LabelId, LessonId, UserId};
use classbridge_store::{
    classin::{
        bookings as booking_store,
        labels::{self as label_store, FoundLabel, LabelRow, Labelled},
        lessons as lesson_store,
    },
    TenantTx,
};
use serde_json::{json, Value};

use super::{
    courses::{find_course, find_course_by_id},
    custom_column, echoed_id, errno, item_object,
    lessons::find_lesson_of_course,
    rooms::{role_in_lesson, LessonRole},
    users::school_student,
    ClassinResult, Failure, ItemOutcome, Params, School,
};

pub const LABEL_NAME_MAX: usize = 20;
pub const SCHOOL_LABELS_MAX: i64 = 100;
pub const LABELS_PER_OBJECT_MAX: usize = 10;
pub const COMMENT_MAX: usize = 1000;
/// Most items in one `courseList`, `classList` or `commentJson`.
pub const LABEL_BATCH_MAX: usize = 100;

fn label_name(params: Params<'_>) -> ClassinResult<String> {
    params
        .truncated_text("labelName", LABEL_NAME_MAX)?
        .ok_or_else(|| Failure::bad_parameter("The parameter labelName is required."))
}

/// The school's label named by `labelId`: 356 when there is none (or it was deleted), 355 another school's.
async fn own_label(tx: &mut TenantTx, params: Params<'_>) -> ClassinResult<LabelRow> {
    let label_id = params.required_id("labelId", LabelId::new)?;
    match label_store::find_label(tx, label_id).await? {
        Some(FoundLabel::Ours(label)) if label.deleted_at.is_none() => Ok(label),
        Some(FoundLabel::OfAnotherSchool { deleted: false }) => Err(Failure::new(
            errno::LABEL_OF_OTHER_SCHOOL,
            "The label does not belong to this school.",
        )),
        _ => Err(Failure::new(
            errno::LABEL_NOT_FOUND,
            format!("There is no label {label_id}."),
        )),
    }
}

/// `addSchoolLabel`: answers `{"labelId": "<id>"}`; an existing name is 353 with its id.
pub async fn add_school_label(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<Value> {
    let store = service.store();
    let name = label_name(params)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    if let Some(existing) = label_store::find_label_by_name(&mut tx, &name).await? {
        return Err(Failure::new(
            errno::LABEL_EXISTS,
            "The label already exists; data is its id.",
        )
        .with_data(json!({"labelId": existing.id.to_string()})));
    }
    if label_store::count_labels(&mut tx).await? >= SCHOOL_LABELS_MAX {
        return Err(Failure::new(
            errno::TOO_MANY_SCHOOL_LABELS,
            format!("A school has at most {SCHOOL_LABELS_MAX} labels."),
        ));
    }
    let id = label_store::insert_label(&mut tx, &name).await?;
    tx.commit().await?;
    Ok(json!({"labelId": id.to_string()}))
}

/// `updateSchoolLabel`: renames the label (353 when another label has the name).
pub async fn update_school_label(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let name = label_name(params)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let label = own_label(&mut tx, params).await?;
    if let Some(existing) = label_store::find_label_by_name(&mut tx, &name).await? {
        if existing.id != label.id {
            return Err(Failure::new(
                errno::LABEL_EXISTS,
                "A label with this name already exists.",
            ));
        }
    }
    label_store::rename_label(&mut tx, label.id, &name).await?;
    tx.commit().await?;
    Ok(())
}

/// `deleteSchoolLabel`: deletes the label, and takes it off every course and lesson.
pub async fn delete_school_label(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let label = own_label(&mut tx, params).await?;
    label_store::delete_label(&mut tx, label.id).await?;
    tx.commit().await?;
    Ok(())
}

/// The label ids of one item: at most 10 (`too_many` beyond), each the school's (358 missing or deleted, 359
/// another school's). Absent means no change (`None`); `[]` clears.
async fn read_label_ids(
    tx: &mut TenantTx,
    object: &serde_json::Map<String, Value>,
    key: &str,
    too_many: i64,
) -> ClassinResult<Option<Vec<LabelId>>> {
    let items = match object.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(items)) => items.clone(),
        Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
            Ok(Value::Array(items)) => items,
            _ => {
                return Err(Failure::bad_parameter(format!(
                    "The {key} must be a JSON array of label ids."
                )))
            }
        },
        Some(_) => {
            return Err(Failure::bad_parameter(format!(
                "The {key} must be a JSON array of label ids."
            )))
        }
    };
    if items.len() > LABELS_PER_OBJECT_MAX {
        return Err(Failure::new(
            too_many,
            format!("At most {LABELS_PER_OBJECT_MAX} labels."),
        ));
    }
    let mut ids = Vec::with_capacity(items.len());
    for item in &items {
        let id = match item {
            Value::Number(number) => number.as_i64(),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        }
        .map(LabelId::new)
        .ok_or_else(|| Failure::bad_parameter(format!("Each of {key} must be a label id.")))?;
        match label_store::find_label(tx, id).await? {
            Some(FoundLabel::Ours(label)) if label.deleted_at.is_some() => {
                return Err(Failure::new(
                    errno::LABELS_MISSING,
                    "Some labels do not exist or were deleted.",
                ))
            }
            Some(FoundLabel::OfAnotherSchool { deleted: true }) => {
                return Err(Failure::new(
                    errno::LABELS_MISSING,
                    "Some labels do not exist or were deleted.",
                ))
            }
            Some(FoundLabel::OfAnotherSchool { deleted: false }) => {
                return Err(Failure::new(
                    errno::LABELS_OF_OTHER_SCHOOL,
                    "Some labels do not belong to this school.",
                ))
            }
            Some(_) => {}
            None => {
                return Err(Failure::new(
                    errno::LABELS_MISSING,
                    "Some labels do not exist or were deleted.",
                ))
            }
        }
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(Some(ids))
}

/// `addCourseLabels`: `courseList` = `[{"courseId", "labelIds", "customColumn"}]`, one result each (with its
/// `courseId`).
pub async fn add_course_labels(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let items = params.json_array("courseList", LABEL_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let course_id = echoed_id(item.get("courseId"));
        let result = async {
            let object = item_object(item, "courseList")?;
            let course_id = Params(object).required_id("courseId", CourseId::new)?;
            let course = find_course_by_id(&mut tx, course_id).await?;
            if let Some(ids) =
                read_label_ids(&mut tx, object, "labelIds", errno::TOO_MANY_COURSE_LABELS).await?
            {
                label_store::set_labels(&mut tx, Labelled::Course(course.id), &ids).await?;
                crate::pushes::labels_changed(&mut tx, course.id, Labelled::Course(course.id), now)
                    .await?;
            }
            Ok(None)
        }
        .await;
        outcomes.push(ItemOutcome::new(result, custom_column(item)).echo("courseId", course_id));
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// `addClassLabels`: `courseId` and `classList` = `[{"classId", "classLabelId", "customColumn"}]`, one result each
/// (with its `classId`).
pub async fn add_class_labels(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    now: i64,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let items = params.json_array("classList", LABEL_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = find_course(&mut tx, params).await?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let class_id = echoed_id(item.get("classId"));
        let result = async {
            let object = item_object(item, "classList")?;
            let lesson_id = Params(object).required_id("classId", LessonId::new)?;
            let lesson = find_lesson_of_course(&mut tx, &course, lesson_id).await?;
            if lesson.deleted_at.is_some() {
                return Err(Failure::new(
                    errno::LESSON_DELETED,
                    "The lesson was deleted.",
                ));
            }
            if let Some(ids) = read_label_ids(
                &mut tx,
                object,
                "classLabelId",
                errno::TOO_MANY_LESSON_LABELS,
            )
            .await?
            {
                label_store::set_labels(&mut tx, Labelled::Lesson(lesson.id), &ids).await?;
                crate::pushes::labels_changed(&mut tx, course.id, Labelled::Lesson(lesson.id), now)
                    .await?;
            }
            Ok(None)
        }
        .await;
        outcomes.push(ItemOutcome::new(result, custom_column(item)).echo("classId", class_id));
    }
    tx.commit().await?;
    Ok(outcomes)
}

/// `updateClassStudentComment`: `classId` (233 when the school has no such lesson) and `commentJson` =
/// `[{"studentUid", "starNum", "comment", "customColumn"}]`: stars clamped to 0–5, the comment cut to 1000
/// characters; one result each with its `studentUid` (228 not a student of the school, 167 not in the lesson).
pub async fn update_class_student_comment(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<Vec<ItemOutcome>> {
    let store = service.store();
    let lesson_id = params.required_id("classId", LessonId::new)?;
    let items = params.json_array("commentJson", LABEL_BATCH_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let lesson = lesson_store::find_lesson_in_school(&mut tx, lesson_id)
        .await?
        .filter(|lesson| lesson.deleted_at.is_none())
        .ok_or_else(|| {
            Failure::new(
                errno::NO_SUCH_LESSON_IN_SCHOOL,
                "The school has no such lesson.",
            )
        })?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        // ClassIn answers the UID as a text.
        let student_uid = match item.get("studentUid") {
            Some(Value::Number(number)) => Some(Value::from(number.to_string())),
            Some(Value::String(text)) => Some(Value::from(text.clone())),
            _ => None,
        };
        let result = async {
            let object = item_object(item, "commentJson")?;
            let fields = Params(object);
            let uid = fields.required_id("studentUid", UserId::new)?;
            let stars = match object.get("starNum") {
                Some(Value::Number(number)) => number.as_f64().unwrap_or(0.0),
                Some(Value::String(text)) => text
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| Failure::bad_parameter("The starNum must be a number."))?,
                _ => return Err(Failure::bad_parameter("The parameter starNum is required.")),
            };
            let stars = stars.round().clamp(0.0, 5.0) as i64;
            let comment = match object.get("comment") {
                Some(Value::String(_)) => fields
                    .truncated_text("comment", super::labels::COMMENT_MAX)?
                    .unwrap_or_default(),
                _ => return Err(Failure::bad_parameter("The parameter comment is required.")),
            };
            school_student(&mut tx, uid).await?;
            let ties = booking_store::lesson_ties(&mut tx, &lesson, uid).await?;
            if role_in_lesson(&lesson, uid, ties) != Some(LessonRole::Student) {
                return Err(Failure::new(
                    errno::NOT_IN_LESSON,
                    "The student is not in this lesson.",
                ));
            }
            label_store::upsert_comment(&mut tx, lesson.id, uid, stars, &comment).await?;
            Ok(None)
        }
        .await;
        outcomes
            .push(ItemOutcome::new(result, custom_column(item)).echo("studentUid", student_uid));
    }
    tx.commit().await?;
    Ok(outcomes)
}
