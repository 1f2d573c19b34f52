//! The JSON bodies of ClassIn's v2 endpoints as the OpenAPI document describes them: each field with its type and the
//! limits the service enforces (its constants), and the bodies ClassIn documents for the endpoints classbridge does
//! not act on.

use classbridge_service::classin::v2::{
    classrooms::{ASSISTANTS_MAX, CLASSROOM_NAME_MAX, UNIQUE_IDENTITY_MAX},
    people::NICKNAME_STUDENTS_MAX,
    units::{ACTIVITIES_PER_UNIT_MAX, UNIT_NAME_MAX},
};

use crate::classin::fields::{array, choice, integer, text, Field, ItemKind};

fn course_id() -> Field {
    integer(
        "courseId",
        "The class (course): 147 none, 121601021 another school's, 121601023 expired or ended.",
    )
    .required()
}

fn uids(name: &'static str, about: &str) -> Field {
    array(
        name,
        ItemKind::Integer,
        format!("{about} (numbers or decimal texts; repeats count once)."),
    )
    .required()
}

fn unit_name() -> Field {
    text(
        "name",
        format!(
            "1 to {UNIT_NAME_MAX} characters (121601020 otherwise), unique among the class's units (29208 / 50003)."
        ),
    )
    .length(1, UNIT_NAME_MAX)
}

fn publish_flag() -> Field {
    choice(
        "publishFlag",
        &[0, 2],
        "0 draft, 2 published; a published unit never goes back to draft (40004).",
    )
}

pub fn create_unit() -> Vec<Field> {
    vec![
        course_id(),
        unit_name().required(),
        publish_flag().required(),
        text("content", "The unit's description."),
    ]
}

pub fn update_unit() -> Vec<Field> {
    vec![
        course_id(),
        integer("unitId", "The unit (40020).").required(),
        unit_name(),
        text("content", "The unit's description."),
        publish_flag(),
    ]
}

pub fn delete_unit() -> Vec<Field> {
    vec![
        course_id(),
        integer(
            "unitId",
            "The unit (40020); one holding a classroom in session or ended is 40001.",
        )
        .required(),
    ]
}

pub fn move_unit() -> Vec<Field> {
    vec![
        course_id(),
        integer("unitId", "The unit whose activities move (29048).").required(),
        integer(
            "toUnitId",
            format!(
                "The unit they move to (50004; the same unit 29046; more than {ACTIVITIES_PER_UNIT_MAX} activities \
                 there 29138)."
            ),
        )
        .required(),
    ]
}

/// The classroom fields of createClass and updateClass.
fn classroom_fields(creating: bool) -> Vec<Field> {
    let required = |field: Field| if creating { field.required() } else { field };
    let mut fields = vec![
        integer(
            "unitId",
            if creating {
                "The unit (40020); the class's no-topic unit when absent."
            } else {
                "Moves the classroom to this unit (40020)."
            },
        ),
        required(
            text(
                "name",
                format!("1 to {CLASSROOM_NAME_MAX} characters (121601020 otherwise)."),
            )
            .length(1, CLASSROOM_NAME_MAX),
        ),
        required(integer(
            "teacherUid",
            "A teacher of the school (136) not stopped (387), not a student (172) or auditor (173) of the class.",
        )),
        required(integer(
            "startTime",
            "Unix seconds: at least a minute ahead (120), at most two years (268).",
        )),
        required(integer(
            "endTime",
            "Unix seconds: after startTime (119), 15 minutes to 24 hours long (165).",
        )),
        array(
            "assistantUids",
            ItemKind::Integer,
            format!(
                "Co-teachers, at most {ASSISTANTS_MAX} (21317 beyond): teachers of the school (318, 388), not the \
                 teacher (322)."
            ),
        )
        .length(0, ASSISTANTS_MAX),
        integer(
            "seatNum",
            "People on stage, the teacher counted: 1 (1v0) or more (121601020 below); above 13 it is 13; 7 when \
             absent.",
        )
        .range(Some(1), None),
        choice("cameraHide", &[0, 1], "0 or 1; checked, not used."),
        choice("isAutoOnstage", &[0, 1], "0 or 1; checked, not used."),
        choice("isAllowCheck", &[0, 1], "0 or 1; checked, not used."),
        choice("isHd", &[0, 1, 2], "0, 1 or 2; checked, not used."),
        choice(
            "isDc",
            &[0, 3],
            "0, or 3 which needs seatNum 2 (110100066 otherwise).",
        ),
        choice(
            "recordType",
            &[0, 1, 2],
            "Sent with recordState, liveState and openState, or none of them (121601020).",
        ),
        choice("recordState", &[0, 1], "1 records the classroom."),
        choice(
            "liveState",
            &[0, 1],
            "1 streams it live; needs recordState 1 (121601020).",
        ),
        choice(
            "openState",
            &[0, 1],
            "1 offers a public replay; needs recordState 1 (121601020).",
        ),
        choice(
            "omoStationBroadcast",
            &[0, 1],
            "0; 1 is 121604007 (classbridge has no OMO stations).",
        ),
        integer(
            "cloudFolderId",
            "Accepted and ignored: classbridge has no cloud drive.",
        ),
        integer(
            "aiRiskMonitor",
            "Accepted and ignored: classbridge has no AI monitoring.",
        ),
    ];
    if creating {
        fields.push(
            text(
                "uniqueIdentity",
                format!(
                    "1 to {UNIQUE_IDENTITY_MAX} characters (121601020 otherwise), unique across the school: a repeat \
                     answers the classroom made the first time."
                ),
            )
            .length(1, UNIQUE_IDENTITY_MAX),
        );
    } else {
        fields.insert(
            0,
            integer(
                "activityId",
                "The classroom activity (143 none, 212 deleted); 145 ended, 140 in session, 350 within 20 minutes \
                 of its start.",
            )
            .required(),
        );
    }
    fields.insert(0, course_id());
    fields
}

pub fn create_class() -> Vec<Field> {
    classroom_fields(true)
}

pub fn update_class() -> Vec<Field> {
    classroom_fields(false)
}

pub fn release() -> Vec<Field> {
    vec![
        course_id(),
        array(
            "activityIds",
            ItemKind::Integer,
            "The draft activities to publish (30002 none, 29149 deleted, 29184 already published).",
        ),
        integer(
            "activityId",
            "One activity, when activityIds is absent (ClassIn's examples send it).",
        ),
    ]
}

fn activity_id(about: &str) -> Field {
    integer("activityId", about).required()
}

pub fn delete_activity() -> Vec<Field> {
    vec![
        course_id(),
        activity_id(
            "The activity (30002 none, 29149 deleted); a classroom in session is 40005, ended 40006.",
        ),
    ]
}

pub fn members() -> Vec<Field> {
    vec![
        course_id(),
        activity_id(
            "The activity (30002, 29149; ended 110100069; homework and quizzes take no member changes).",
        ),
        uids("studentUids", "The students"),
    ]
}

pub fn create_activity() -> Vec<Field> {
    vec![
        course_id(),
        integer("unitId", "The unit (40020).").required(),
        choice(
            "activityType",
            &[2, 3, 4, 5, 6, 7, 8],
            "2 homework, 3 quiz, 4 recorded lesson, 5 study material, 6 discussion, 7 answer sheet, 8 check-in.",
        )
        .required(),
        text(
            "name",
            format!("1 to {CLASSROOM_NAME_MAX} characters (121601020 otherwise)."),
        )
        .length(1, CLASSROOM_NAME_MAX)
        .required(),
        integer(
            "teacherUid",
            "A teacher of the school (136, 387); joins the class's teachers.",
        )
        .required(),
        integer(
            "startTime",
            "Unix seconds, at most three years ahead (121601020).",
        ),
        integer(
            "endTime",
            "Unix seconds, after startTime (121601020).",
        ),
    ]
}

pub fn add_course_teacher() -> Vec<Field> {
    vec![
        integer(
            "courseId",
            "The class (147, 121601021; ended or expired 30031).",
        )
        .required(),
        uids("teacherUids", "The teachers to add to the class"),
    ]
}

pub fn copy_nicknames() -> Vec<Field> {
    vec![uids(
        "studentUids",
        &format!("Students of the school, at most {NICKNAME_STUDENTS_MAX} (121601060 beyond)"),
    )
    .length(1, NICKNAME_STUDENTS_MAX)]
}

fn school_settings() -> Vec<Field> {
    vec![
        choice("allowViewReplay", &[0, 1], "ClassIn's replay setting."),
        choice(
            "allowNewStudentViewReplay",
            &[0, 1],
            "ClassIn's replay setting.",
        ),
    ]
}

fn dual_teacher_add() -> Vec<Field> {
    vec![
        integer("mainCourseId", "The main lesson's class.").required(),
        integer("mainClassId", "The main lesson.").required(),
        array(
            "subClassJson",
            ItemKind::Object,
            "The sub-lessons (ClassIn's structure).",
        )
        .required(),
    ]
}

fn dual_teacher_lesson() -> Vec<Field> {
    vec![
        integer("courseId", "The lesson's class.").required(),
        integer("classId", "The main or sub lesson.").required(),
    ]
}

fn playback_people() -> Vec<Field> {
    vec![
        integer("courseId", "The class.").required(),
        integer("classId", "The classroom.").required(),
        uids("uidList", "The people"),
    ]
}

fn playback_all() -> Vec<Field> {
    vec![
        integer("courseId", "The class.").required(),
        array("classIds", ItemKind::Integer, "The classrooms.").required(),
    ]
}

/// The body ClassIn documents for each endpoint classbridge does not act on.
pub fn unsupported_fields(path: &str) -> fn() -> Vec<Field> {
    match path {
        "/school/modifySchoolConf" => school_settings,
        "/lms/onlineDoubleTeacher/addClass" => dual_teacher_add,
        "/lms/onlineDoubleTeacher/editClass" | "/lms/onlineDoubleTeacher/deleteClass" => {
            dual_teacher_lesson
        }
        "/playback/addPlaybackUser" | "/playback/deletePlaybackUser" => playback_people,
        _ => playback_all,
    }
}
