//! The parameters of v1's lesson actions (`addCourseClass`, `addCourseClassMultiple` and its items, `editCourseClass`,
//! the lesson student actions, `getLoginLinked`), as `classin/v1-actions.md` lists them and as the service checks
//! them.

use classbridge_service::classin::{
    courses::STUDENT_BATCH_MAX,
    lesson_access::{DEFAULT_LINK_LIFETIME, MAX_LINK_LIFETIME},
    lessons::{
        ASSISTANTS_MAX, LESSON_BATCH_MAX, LESSON_INTRODUCTION_MAX, LESSON_NAME_MAX, SEATS_MAX,
        SHORT_LESSON_NAME_MAX,
    },
};

use super::{
    fields::{choice, integer, json_text, text, Field, ItemKind::Integer as Ints, ItemKind::Named},
    parameters::{
        class_id, course_id, custom_column, cut, ignored_integer, uid_json, unique_identity,
        LESSON_ITEM, STUDENT_ITEM,
    },
};

/// The fields of a lesson as addCourseClass, the items of addCourseClassMultiple and editCourseClass take them.
fn lesson_fields(name_max: usize, editing: bool) -> Vec<Field> {
    let required = |field: Field| if editing { field } else { field.required() };
    let mut fields = vec![
        required(cut(text("className", "The lesson's name."), name_max)),
        required(integer(
            "beginTime",
            "Unix seconds: at least a minute ahead (120), at most three years (268).",
        )),
        required(integer(
            "endTime",
            "Unix seconds: after beginTime (119), the lesson 15 minutes to 24 hours long (165).",
        )),
        required(integer(
            "teacherUid",
            "A teacher of the school (136) not stopped (387), not a student (172) or auditor (173) of the course.",
        )),
        integer(
            "seatNum",
            format!(
                "Students on stage, the teacher not counted: 0 to {SEATS_MAX} (259 above, 121601007 below 0); 6 when \
                 absent."
            ),
        ),
        cut(
            text("classIntroduce", "The lesson's introduction."),
            LESSON_INTRODUCTION_MAX,
        ),
        integer(
            "record",
            "1 records the lesson; any other number does not (0 when absent).",
        ),
        integer("live", "1 streams the lesson live; any other number does not."),
        integer("replay", "1 offers a replay; any other number does not."),
        choice(
            "bookable",
            &[0, 1],
            "classbridge's own: 1 lets students book the lesson's seats themselves (Mode B; then only those who \
             booked may join); 0 or absent not.",
        ),
        integer(
            "assistantUid",
            "One co-teacher (318 not a teacher of the school, 388 stopped, 319 / 320 a student or auditor of the \
             course, 322 the teacher); 0 or empty for none.",
        ),
        json_text(
            "assistantUids",
            Ints,
            format!(
                "The co-teachers instead of assistantUid, at most {ASSISTANTS_MAX} (21317 beyond, 21316 for a \
                 repeat; [] for none)."
            ),
        )
        .length(0, ASSISTANTS_MAX),
    ];
    if !editing {
        fields.push(unique_identity("lessons"));
    }
    fields.extend([
        ignored_integer("folderId", "classbridge has no cloud drive"),
        ignored_integer("teachMode", "classbridge's lessons have one classroom mode"),
        ignored_integer(
            "isAutoOnstage",
            "classbridge's lessons have one classroom mode",
        ),
        ignored_integer("isHd", "classbridge does not stream video"),
        ignored_integer("isDc", "classbridge does not stream video"),
        ignored_integer("recordScene", "classbridge records no video"),
        ignored_integer("watchByLogin", "classbridge has no webcast page"),
        ignored_integer("allowUnloggedChat", "classbridge has no webcast page"),
        ignored_integer("omoStationBroadcast", "classbridge has no OMO stations"),
    ]);
    if editing {
        fields.splice(0..0, [course_id(), class_id()]);
    }
    fields
}

pub fn add_course_class() -> Vec<Field> {
    let mut fields = vec![course_id()];
    fields.extend(lesson_fields(LESSON_NAME_MAX, false));
    fields
}

pub fn add_course_class_multiple() -> Vec<Field> {
    vec![
        course_id(),
        json_text(
            "classJson",
            Named(LESSON_ITEM),
            format!(
                "The lessons; entries after the {LESSON_BATCH_MAX}th are cut off (not created). One answer item \
                 each, in order (133 for a courseUniqueIdentity already earlier in the list)."
            ),
        )
        .required(),
    ]
}

pub(super) fn lesson_item() -> Vec<Field> {
    let mut fields: Vec<Field> = lesson_fields(SHORT_LESSON_NAME_MAX, false)
        .into_iter()
        .map(Field::in_json)
        .collect();
    fields.push(custom_column());
    fields
}

pub fn edit_course_class() -> Vec<Field> {
    lesson_fields(SHORT_LESSON_NAME_MAX, true)
}

pub fn lesson() -> Vec<Field> {
    vec![course_id(), class_id()]
}

pub fn modify_class_seat_num() -> Vec<Field> {
    vec![
        course_id(),
        class_id(),
        integer(
            "seatNum",
            format!(
                "Students on stage, the teacher not counted: 0 to {SEATS_MAX} (259 above, 121601007 below 0); not \
                 below the seats already booked (349)."
            ),
        )
        .required(),
        ignored_integer("isHd", "classbridge does not stream video"),
        ignored_integer("isDc", "classbridge does not stream video"),
    ]
}

fn lesson_identity() -> Field {
    choice(
        "identity",
        &[1],
        "1 (students; the default); lessons take no auditors (159 otherwise).",
    )
}

pub fn add_class_student_multiple() -> Vec<Field> {
    vec![
        course_id(),
        class_id(),
        lesson_identity(),
        json_text(
            "studentJson",
            Named(STUDENT_ITEM),
            format!(
                "The students who may join this lesson, at most {STUDENT_BATCH_MAX} (450 beyond); one answer item \
                 each."
            ),
        )
        .required()
        .length(1, STUDENT_BATCH_MAX),
    ]
}

pub fn del_class_student_multiple() -> Vec<Field> {
    vec![
        course_id(),
        class_id(),
        lesson_identity(),
        uid_json(
            "studentUidJson",
            "The students' UIDs (numbers or decimal texts; 167 for one not on the lesson's list)",
        ),
    ]
}

pub fn add_course_class_student() -> Vec<Field> {
    vec![
        course_id(),
        integer("studentUid", "A student of the school (228).").required(),
        json_text(
            "classJson",
            Ints,
            format!(
                "Lesson ids of the course, at most {STUDENT_BATCH_MAX} (450 beyond); one answer item per lesson, in \
                 order."
            ),
        )
        .required()
        .length(1, STUDENT_BATCH_MAX),
    ]
}

pub fn get_login_linked() -> Vec<Field> {
    vec![
        integer(
            "uid",
            "The teacher, a co-teacher or a student of the lesson (150 anyone else).",
        )
        .required(),
        integer(
            "lifeTime",
            format!(
                "Seconds the link is valid: 1 to {MAX_LINK_LIFETIME} (100 otherwise); {DEFAULT_LINK_LIFETIME} when \
                 absent."
            ),
        )
        .range(Some(1), Some(MAX_LINK_LIFETIME)),
        course_id(),
        class_id(),
        choice(
            "deviceType",
            &[1, 2, 3],
            "1 PC (the default), 2 iOS, 3 Android (100 otherwise); every device gets the lesson's web page.",
        ),
    ]
}
