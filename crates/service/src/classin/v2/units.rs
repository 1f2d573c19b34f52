//! `/lms/unit/create|update|delete|move`: units order a course's activities. Names are unique among the course's
//! units (drafts included); a unit goes from draft to published, never back; deleting a unit deletes its
//! activities (classrooms too, unless one is in session or ended); moving takes every activity to another unit.

use classbridge_domain::{CourseId, UnitId, UnixMillis, Unsaved};
use classbridge_store::{
    classin::{
        lessons as lesson_store,
        units::{self as unit_store, NewUnit, UnitRow},
    },
    TenantTx,
};
use serde_json::{json, Value};

use super::{code, school_course, Body};
use crate::classin::{ClassinResult, Failure, School};

pub const UNIT_NAME_MAX: usize = 50;
/// Most live units in one course (ClassIn documents the code 40031, not the number).
pub const UNITS_MAX: i64 = 200;
/// Most live activities in one unit, classrooms included.
pub const ACTIVITIES_PER_UNIT_MAX: i64 = 100;

const DRAFT: i64 = 0;
const PUBLISHED: i64 = 2;

/// The course's unit named by `key` (40020 when there is none or it was deleted).
pub(crate) async fn live_unit(
    tx: &mut TenantTx,
    course_id: CourseId,
    unit_id: UnitId,
    missing: i64,
) -> ClassinResult<UnitRow> {
    match unit_store::find_unit(tx, course_id, unit_id).await? {
        Some(unit) if unit.deleted_at.is_none() => Ok(unit),
        _ => Err(Failure::new(
            missing,
            format!("There is no unit {unit_id} in this course."),
        )),
    }
}

/// `/lms/unit/create`: `{name, unitId}`.
pub async fn create(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let name = body.required_name("name", UNIT_NAME_MAX)?;
    let published = match body.choice("publishFlag", &[DRAFT, PUBLISHED])? {
        Some(flag) => flag == PUBLISHED,
        None => return Err(Failure::new(code::PARAMETER, "publishFlag is required.")),
    };
    let content = body.text("content")?.unwrap_or_default();
    if unit_store::unit_name_taken(&mut tx, course.id, &name, None).await? {
        return Err(Failure::new(
            code::UNIT_EXISTS,
            "A unit of this course already has this name.",
        ));
    }
    if unit_store::count_units(&mut tx, course.id).await? >= UNITS_MAX {
        return Err(Failure::new(
            code::TOO_MANY,
            format!("A course has at most {UNITS_MAX} units."),
        ));
    }
    let unit = NewUnit {
        id: Unsaved,
        course_id: course.id,
        name: name.clone(),
        content,
        published,
        is_default: false,
        position: 0,
        deleted_at: None,
    };
    let id = unit_store::insert_unit(&mut tx, &unit).await?;
    tx.commit().await?;
    Ok(json!({"name": name, "unitId": id}))
}

/// `/lms/unit/update`: `{unitId}`.
pub async fn update(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let unit_id = body.required_id("unitId", UnitId::new)?;
    let name = body.name("name", UNIT_NAME_MAX)?;
    let content = body.text("content")?;
    let flag = body.choice("publishFlag", &[DRAFT, PUBLISHED])?;
    if name.is_none() && content.is_none() && flag.is_none() {
        return Err(Failure::new(
            code::PARAMETER,
            "Send at least one of name, content and publishFlag.",
        ));
    }
    let mut unit = live_unit(&mut tx, course.id, unit_id, code::UNIT_MISSING).await?;
    if let Some(name) = name {
        if unit_store::unit_name_taken(&mut tx, course.id, &name, Some(unit.id)).await? {
            return Err(Failure::new(
                code::UNIT_NAME_TAKEN,
                "A unit of this course already has this name.",
            ));
        }
        unit.name = name;
    }
    if let Some(content) = content {
        unit.content = content;
    }
    match flag {
        Some(DRAFT) if unit.published => {
            return Err(Failure::new(
                code::UNIT_ALREADY_PUBLISHED,
                "A published unit cannot become a draft again.",
            ))
        }
        Some(PUBLISHED) => unit.published = true,
        _ => {}
    }
    unit_store::update_unit(&mut tx, &unit).await?;
    tx.commit().await?;
    Ok(json!({"unitId": unit.id}))
}

/// `/lms/unit/delete`: deletes the unit and its activities; `{unitId}`.
pub async fn delete(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let unit_id = body.required_id("unitId", UnitId::new)?;
    let mut unit = live_unit(&mut tx, course.id, unit_id, code::UNIT_MISSING).await?;
    let activities = unit_store::unit_activities(&mut tx, unit.id).await?;
    for activity in &activities {
        let Some(lesson_id) = activity.lesson_id else {
            continue;
        };
        let Some(mut lesson) = lesson_store::find_lesson(&mut tx, course.id, lesson_id).await?
        else {
            continue;
        };
        if lesson.deleted_at.is_none() && lesson.phase(UnixMillis::from_seconds(now)).has_started()
        {
            return Err(Failure::new(
                code::UNIT_HAS_HELD_CLASSROOM,
                "The unit holds a classroom in session or ended; it cannot be deleted.",
            ));
        }
        if lesson.deleted_at.is_none() {
            crate::classin::lessons::delete_lesson(
                &mut tx,
                &mut lesson,
                crate::pushes::SOURCE_LMS,
                now,
            )
            .await?;
        }
    }
    for activity in activities {
        let mut activity = activity;
        activity.deleted_at = Some(UnixMillis::from_seconds(now));
        unit_store::update_activity(&mut tx, &activity).await?;
    }
    unit.deleted_at = Some(UnixMillis::from_seconds(now));
    unit_store::update_unit(&mut tx, &unit).await?;
    tx.commit().await?;
    Ok(json!({"unitId": unit.id}))
}

/// `/lms/unit/move`: every activity of `unitId` to the end of `toUnitId`; `data` null.
pub async fn move_activities(
    service: &crate::Service,
    school: &School,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = service.store();
    let mut tx = store.begin_for(school.tenant_id).await?;
    let course = school_course(&mut tx, body, now).await?;
    let from = body.required_id("unitId", UnitId::new)?;
    let to = body.required_id("toUnitId", UnitId::new)?;
    let from = live_unit(&mut tx, course.id, from, code::MOVE_UNIT_MISSING).await?;
    let to = live_unit(&mut tx, course.id, to, code::TARGET_UNIT_MISSING).await?;
    if from.id == to.id {
        return Err(Failure::new(
            code::MOVE_SAME_UNIT,
            "The source and target units are the same.",
        ));
    }
    let moving = unit_store::count_unit_activities(&mut tx, from.id).await?;
    let there = unit_store::count_unit_activities(&mut tx, to.id).await?;
    if moving + there > ACTIVITIES_PER_UNIT_MAX {
        return Err(Failure::new(
            code::TARGET_UNIT_FULL,
            format!("A unit holds at most {ACTIVITIES_PER_UNIT_MAX} activities."),
        ));
    }
    unit_store::move_activities(&mut tx, from.id, to.id).await?;
    tx.commit().await?;
    Ok(Value::Null)
}
