//! The parameters of each served v1 action, as `classin/v1-actions.md` §4 lists them and as the service checks them
//! (its constants give the limits it enforces; where classbridge differs from ClassIn's page the text says so), and
//! the items of the JSON arrays sent inside form fields.

use classbridge_service::classin::{
    courses::{
        AUDITORS_MAX, COURSE_INTRODUCTION_MAX, COURSE_NAME_MAX, EDITED_COURSE_NAME_MAX,
        STUDENT_BATCH_MAX, UNIQUE_IDENTITY_MAX,
    },
    labels::{COMMENT_MAX, LABELS_PER_OBJECT_MAX, LABEL_BATCH_MAX, LABEL_NAME_MAX},
    lesson_access::{DEFAULT_LINK_LIFETIME, MAX_LINK_LIFETIME},
    lessons::{
        ASSISTANTS_MAX, LESSON_BATCH_MAX, LESSON_INTRODUCTION_MAX, LESSON_NAME_MAX, SEATS_MAX,
        SHORT_LESSON_NAME_MAX,
    },
    users::{NAME_MAX, REGISTER_MULTIPLE_MAX},
    CUSTOM_COLUMN_MAX, TIME_STAMP_WINDOW_SECONDS,
};

use super::fields::{
    array, choice, integer, json_text, number, text, Field, ItemKind::Integer as Ints,
    ItemKind::Named,
};

/// What ClassIn's telephone rule accepts: 11 digits, or `00<country code>-<number>`.
pub const TELEPHONE_PATTERN: &str = "^([0-9]{11}|00[1-9][0-9]{0,3}-[0-9]{4,15})$";
const MD5_PATTERN: &str = "^[0-9A-Fa-f]{32}$";

/// `SID`, `timeStamp` and `safeKey`, which every action takes.
pub fn authentication() -> Vec<Field> {
    vec![
        integer("SID", "The school's id (its ClassIn credential's SID).").required(),
        integer(
            "timeStamp",
            format!(
                "Unix seconds; within {} minutes of the server's clock (102 otherwise).",
                TIME_STAMP_WINDOW_SECONDS / 60
            ),
        )
        .required(),
        text(
            "safeKey",
            "md5(SECRET + timeStamp) in hexadecimal (102 when it does not match).",
        )
        .required()
        .pattern(MD5_PATTERN),
    ]
}

/// A vendor parameter classbridge takes and ignores.
fn ignored_integer(name: &'static str, why: &str) -> Field {
    integer(name, format!("Accepted and ignored: {why}."))
}

fn cut(field: Field, max: usize) -> Field {
    let about = format!(
        "{} Longer texts are cut to {max} characters (not refused); control characters other than line breaks \
         are 100.",
        field.about
    );
    Field { about, ..field }.max(max)
}

fn course_id() -> Field {
    integer(
        "courseId",
        "The course (144 when the school has no such course).",
    )
    .required()
}

fn class_id() -> Field {
    integer(
        "classId",
        "The lesson (142 another course's, 143 none, 212 deleted).",
    )
    .required()
}

fn custom_column() -> Field {
    text(
        "customColumn",
        format!(
            "Anything; echoed in this item's answer when not empty (a text cut to {CUSTOM_COLUMN_MAX} characters)."
        ),
    )
}

fn unique_identity(scope: &str) -> Field {
    text(
        "courseUniqueIdentity",
        format!(
            "1 to {UNIQUE_IDENTITY_MAX} characters, unique across the school's {scope} (longer is 100, not cut); a \
             repeat is 398 with the id made the first time, so retries cannot create twice."
        ),
    )
    .max(UNIQUE_IDENTITY_MAX)
}

fn telephone(about: &str) -> Field {
    text("telephone", about).pattern(TELEPHONE_PATTERN)
}

fn passwords() -> Vec<Field> {
    vec![
        text(
            "password",
            "The password in clear, 6 to 20 characters (137 otherwise); one of password and md5pass is needed.",
        )
        .length(6, 20),
        text(
            "md5pass",
            "The password's MD5 in hexadecimal (32 digits; 100 otherwise), used when no password is given.",
        )
        .pattern(MD5_PATTERN),
    ]
}

fn registration() -> Vec<Field> {
    let mut fields = vec![
        telephone(
            "The account's telephone: 11 digits (mainland China) or 00<country code>-<number> (134 otherwise). \
             One of telephone and email is needed; already registered is 135 with its UID.",
        ),
        text(
            "email",
            "The account's e-mail (100 when malformed); already registered is 461 with its UID.",
        ),
        cut(
            text(
                "nickname",
                "The name shown; the telephone (or e-mail) when absent.",
            ),
            NAME_MAX,
        ),
    ];
    fields.extend(passwords());
    fields.push(integer(
        "addToSchoolMember",
        "1 makes the account a student of the school, 2 a teacher; 0, absent or any other number adds nothing. \
         Applied to an account already registered too.",
    ));
    fields
}

pub fn register() -> Vec<Field> {
    let mut fields = registration();
    fields.push(ignored_integer(
        "isSentMessage",
        "classbridge sends no text messages",
    ));
    fields
}

pub fn register_multiple() -> Vec<Field> {
    vec![json_text(
        "userJson",
        Named(USER_ITEM),
        format!(
            "The accounts, at most {REGISTER_MULTIPLE_MAX} (450 beyond), each as register takes them; one answer \
             item each, in order."
        ),
    )
    .required()
    .length(1, REGISTER_MULTIPLE_MAX)]
}

fn user_item() -> Vec<Field> {
    let mut fields = registration();
    fields.push(custom_column());
    fields
}

pub fn add_teacher() -> Vec<Field> {
    vec![
        text(
            "teacherAccount",
            "The person's telephone (122 when malformed) or e-mail; 113 when nobody is registered with it, 133 when \
             already a teacher of the school (with the relation id).",
        )
        .required(),
        cut(text("teacherName", "The teacher's name in the school."), NAME_MAX).required(),
    ]
}

pub fn add_school_student() -> Vec<Field> {
    vec![
        text(
            "studentAccount",
            "The person's telephone (134 when malformed) or e-mail; 113 when nobody is registered with it, 133 when \
             already a student of the school.",
        )
        .required(),
        cut(text("studentName", "The student's name in the school."), NAME_MAX).required(),
    ]
}

pub fn edit_teacher() -> Vec<Field> {
    vec![
        integer(
            "teacherUid",
            "The teacher's UID (219 when not a teacher of the school).",
        )
        .required(),
        cut(text("teacherName", "The new name."), NAME_MAX).required(),
    ]
}

pub fn edit_school_student() -> Vec<Field> {
    vec![
        integer(
            "studentUid",
            "The student's UID (228 when not a student of the school).",
        )
        .required(),
        cut(text("studentName", "The new name."), NAME_MAX).required(),
    ]
}

pub fn teacher_uid() -> Vec<Field> {
    vec![integer(
        "teacherUid",
        "The teacher's UID (136 when not a teacher of the school).",
    )
    .required()]
}

pub fn modify_password() -> Vec<Field> {
    let mut fields = vec![integer(
        "uid",
        "The person's UID (227 when neither a teacher nor a student of the school).",
    )
    .required()];
    fields.extend(passwords());
    fields
}

fn course_fields(editing: bool) -> Vec<Field> {
    let name_max = if editing {
        EDITED_COURSE_NAME_MAX
    } else {
        COURSE_NAME_MAX
    };
    let name = cut(text("courseName", "The course's name."), name_max);
    let mut fields = vec![
        if editing { name } else { name.required() },
        integer(
            "expiryTime",
            if editing {
                "Unix seconds: at least a day ahead (151) and at most five years (154), not before the end of the \
                 course's last lesson (152); 0 for never."
            } else {
                "Unix seconds: at least a day ahead (151) and at most five years (154); 0 or absent for never."
            },
        ),
        integer(
            "mainTeacherUid",
            if editing {
                "The new head teacher: a teacher of the school (334) not stopped (389), not a student (311) or \
                 auditor (312) of the course; the previous one must have no lesson of the course to come (314)."
            } else {
                "The head teacher: a teacher of the school (334) not stopped (389); 0 or absent for none."
            },
        ),
        cut(
            text("courseIntroduce", "The course's introduction."),
            COURSE_INTRODUCTION_MAX,
        ),
    ];
    if !editing {
        fields.push(unique_identity("courses"));
    }
    fields.extend([
        ignored_integer("folderId", "classbridge has no cloud drive"),
        ignored_integer("subjectId", "courses have no subject here"),
        ignored_integer("catId", "classbridge has no organisation structure ids"),
        ignored_integer(
            "classroomSettingId",
            "classbridge has no classroom settings",
        ),
        ignored_integer("allowAddFriend", "classbridge has no IM friends"),
        ignored_integer(
            "allowStudentModifyNickname",
            "class nicknames are the school's names",
        ),
        ignored_integer(
            "notAllowDeleteCourseStudentReplay",
            "classbridge records no replays",
        ),
    ]);
    if editing {
        fields.insert(0, course_id());
        fields.push(ignored_integer(
            "stamp",
            "a replaced head teacher leaves the course's teacher list",
        ));
    }
    fields
}

pub fn add_course() -> Vec<Field> {
    course_fields(false)
}

pub fn edit_course() -> Vec<Field> {
    course_fields(true)
}

pub fn course() -> Vec<Field> {
    vec![course_id()]
}

fn identity() -> Field {
    choice(
        "identity",
        &[1, 2],
        format!(
            "1 student (the default), 2 auditor (at most {AUDITORS_MAX} per course: 130); any other value is 100."
        ),
    )
}

pub fn add_course_student() -> Vec<Field> {
    vec![
        course_id(),
        identity(),
        integer(
            "studentUid",
            "A student of the school (228; a teacher of the school is 129 / 174).",
        )
        .required(),
        cut(
            text("studentName", "The member's name in the course."),
            NAME_MAX,
        ),
    ]
}

pub fn add_course_student_multiple() -> Vec<Field> {
    vec![
        course_id(),
        identity(),
        json_text(
            "studentJson",
            Named(STUDENT_ITEM),
            format!(
                "The members, at most {STUDENT_BATCH_MAX} (450 beyond); one answer item each (133 for an account \
                 already earlier in the list)."
            ),
        )
        .required()
        .length(1, STUDENT_BATCH_MAX),
    ]
}

fn student_item() -> Vec<Field> {
    vec![
        integer("uid", "A student of the school (a number or decimal text).").required(),
        cut(text("name", "The member's name."), NAME_MAX),
        custom_column(),
    ]
}

pub fn del_course_student() -> Vec<Field> {
    vec![
        course_id(),
        ignored_integer("identity", "the member is removed whatever their identity"),
        integer("studentUid", "The member (162 when not in the course).").required(),
    ]
}

fn uid_json(name: &'static str, about: &str) -> Field {
    json_text(
        name,
        Ints,
        format!(
            "{about}, at most {STUDENT_BATCH_MAX} (450 beyond); one answer item each, in order."
        ),
    )
    .required()
    .length(1, STUDENT_BATCH_MAX)
}

pub fn del_course_student_multiple() -> Vec<Field> {
    vec![
        course_id(),
        ignored_integer("identity", "members are removed whatever their identity"),
        uid_json(
            "studentUidJson",
            "The members' UIDs (numbers or decimal texts; 162 for one not in the course)",
        ),
    ]
}

pub fn course_and_teacher() -> Vec<Field> {
    let mut fields = vec![course_id()];
    fields.extend(teacher_uid());
    fields
}

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

fn lesson_item() -> Vec<Field> {
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

fn label_name() -> Field {
    cut(text("labelName", "The label's name."), LABEL_NAME_MAX).required()
}

fn label_id() -> Field {
    integer(
        "labelId",
        "The label (356 none or deleted, 355 another school's).",
    )
    .required()
}

pub fn add_school_label() -> Vec<Field> {
    vec![label_name()]
}

pub fn update_school_label() -> Vec<Field> {
    vec![label_id(), label_name()]
}

pub fn delete_school_label() -> Vec<Field> {
    vec![label_id()]
}

fn batch(name: &'static str, item: &'static str, about: &str) -> Field {
    json_text(
        name,
        Named(item),
        format!("{about}, at most {LABEL_BATCH_MAX} (450 beyond); one answer item each, in order."),
    )
    .required()
    .length(1, LABEL_BATCH_MAX)
}

pub fn add_course_labels() -> Vec<Field> {
    vec![batch("courseList", COURSE_LABELS_ITEM, "The courses")]
}

fn label_ids(name: &'static str, too_many: i64) -> Field {
    array(
        name,
        Ints,
        format!(
            "Label ids, at most {LABELS_PER_OBJECT_MAX} ({too_many} beyond; 358 missing or deleted, 359 another \
             school's): they replace the labels; [] clears them, absent changes nothing. A JSON text of the array \
             is taken too."
        ),
    )
    .length(0, LABELS_PER_OBJECT_MAX)
}

fn course_labels_item() -> Vec<Field> {
    vec![
        custom_column(),
        integer("courseId", "The course (144).").required(),
        label_ids("labelIds", 399),
    ]
}

pub fn add_class_labels() -> Vec<Field> {
    vec![
        course_id(),
        batch("classList", LESSON_LABELS_ITEM, "The lessons"),
    ]
}

fn lesson_labels_item() -> Vec<Field> {
    vec![
        custom_column(),
        integer("classId", "A lesson of the course (142, 143, 212).").required(),
        label_ids("classLabelId", 357),
    ]
}

pub fn update_class_student_comment() -> Vec<Field> {
    vec![
        integer(
            "classId",
            "The lesson (233 when the school has no such lesson).",
        )
        .required(),
        batch("commentJson", COMMENT_ITEM, "The comments"),
    ]
}

fn comment_item() -> Vec<Field> {
    vec![
        integer(
            "studentUid",
            "A student of the lesson (228 not a student of the school, 167 not in the lesson).",
        )
        .required(),
        number(
            "starNum",
            "Stars: rounded and kept within 0 to 5 (a number or decimal text).",
        ),
        cut(text("comment", "The teacher's comment."), COMMENT_MAX).required(),
        custom_column(),
    ]
}

pub const USER_ITEM: &str = "ClassInV1UserJsonItem";
pub const STUDENT_ITEM: &str = "ClassInV1StudentJsonItem";
pub const LESSON_ITEM: &str = "ClassInV1ClassJsonItem";
pub const COURSE_LABELS_ITEM: &str = "ClassInV1CourseListItem";
pub const LESSON_LABELS_ITEM: &str = "ClassInV1ClassListItem";
pub const COMMENT_ITEM: &str = "ClassInV1CommentJsonItem";

/// The items of the JSON arrays sent in form fields: name, fields, description.
pub fn items() -> Vec<(&'static str, Vec<Field>, &'static str)> {
    vec![
        (
            USER_ITEM,
            user_item(),
            "One account of registerMultiple's userJson.",
        ),
        (
            STUDENT_ITEM,
            student_item(),
            "One member of a studentJson (addCourseStudentMultiple, addClassStudentMultiple).",
        ),
        (
            LESSON_ITEM,
            lesson_item(),
            "One lesson of addCourseClassMultiple's classJson.",
        ),
        (
            COURSE_LABELS_ITEM,
            course_labels_item(),
            "One course of addCourseLabels' courseList.",
        ),
        (
            LESSON_LABELS_ITEM,
            lesson_labels_item(),
            "One lesson of addClassLabels' classList.",
        ),
        (
            COMMENT_ITEM,
            comment_item(),
            "One comment of updateClassStudentComment's commentJson.",
        ),
    ]
}
