//! The parameters of the served v1 actions (those of the lesson actions are in `lesson_parameters`), as
//! `classin/v1-actions.md` §4 lists them and as the service checks them (its constants give the limits it enforces;
//! where classbridge differs from ClassIn's page the text says so), and the items of the JSON arrays sent inside form
//! fields.

use classbridge_service::classin::{
    courses::{
        AUDITORS_MAX, COURSE_INTRODUCTION_MAX, COURSE_NAME_MAX, EDITED_COURSE_NAME_MAX,
        STUDENT_BATCH_MAX, UNIQUE_IDENTITY_MAX,
    },
    labels::{COMMENT_MAX, LABELS_PER_OBJECT_MAX, LABEL_BATCH_MAX, LABEL_NAME_MAX},
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
pub(super) fn ignored_integer(name: &'static str, why: &str) -> Field {
    integer(name, format!("Accepted and ignored: {why}."))
}

pub(super) fn cut(field: Field, max: usize) -> Field {
    let about = format!(
        "{} Longer texts are cut to {max} characters (not refused); control characters other than line breaks \
         are 100.",
        field.about
    );
    Field { about, ..field }.max(max)
}

pub(super) fn course_id() -> Field {
    integer(
        "courseId",
        "The course (144 when the school has no such course).",
    )
    .required()
}

pub(super) fn class_id() -> Field {
    integer(
        "classId",
        "The lesson (142 another course's, 143 none, 212 deleted).",
    )
    .required()
}

pub(super) fn custom_column() -> Field {
    text(
        "customColumn",
        format!(
            "Anything; echoed in this item's answer when not empty (a text cut to {CUSTOM_COLUMN_MAX} characters)."
        ),
    )
}

pub(super) fn unique_identity(scope: &str) -> Field {
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

pub(super) fn uid_json(name: &'static str, about: &str) -> Field {
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
    use super::lesson_parameters::lesson_item;
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
