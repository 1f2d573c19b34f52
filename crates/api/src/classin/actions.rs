//! The served v1 actions, one entry each: the area that answers it, its parameters, the shape of its `data` and
//! where its errno table is. The dispatcher serves only the actions listed here, and the OpenAPI document is built
//! from the same list, so an action cannot be served undocumented.

use super::{fields::Field, lesson_parameters as l, parameters as p};

/// Which module answers an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Users,
    Courses,
    Lessons,
    Extras,
}

/// What an answer carries besides `error_info`.
#[derive(Debug, Clone, Copy)]
pub enum Data {
    /// `error_info` only.
    Nothing,
    /// An id in `data` (what it is of).
    Id(&'static str),
    /// A lesson id in `data` and the lesson's `more_data` (also with 398).
    Lesson,
    /// The lesson's `more_data`, no `data`.
    MoreData,
    /// A sign-in link in `data`.
    Link,
    /// `{"labelId": "<id>"}` in `data` (also with 353).
    LabelId,
    /// One item per lesson whose teacher changed: `{classId, errno, error}`.
    LessonTeachers,
    /// One item per entry of the request's array.
    Items(ItemShape),
}

/// The fields of a batch answer's items besides `errno` and `error`.
#[derive(Debug, Clone, Copy)]
pub struct ItemShape {
    /// `data`, an id (what it is of).
    pub id: Option<&'static str>,
    /// Fields echoed from the request's item, as it was sent (`telephone` and `className` as texts).
    pub echo: &'static [&'static str],
    pub custom_column: bool,
    /// The lesson's `more_data` with the id.
    pub more_data: bool,
}

const PLAIN_ITEMS: ItemShape = ItemShape {
    id: None,
    echo: &[],
    custom_column: false,
    more_data: false,
};

const CUSTOM_ITEMS: ItemShape = ItemShape {
    custom_column: true,
    ..PLAIN_ITEMS
};

/// One served action.
#[derive(Debug, Clone, Copy)]
pub struct Action {
    pub name: &'static str,
    pub area: Area,
    pub summary: &'static str,
    pub about: &'static str,
    pub fields: fn() -> Vec<Field>,
    pub data: Data,
    /// The action whose errno table applies (its own, but for the `modifyPassword` alias).
    pub errnos: &'static str,
}

const fn action(
    name: &'static str,
    area: Area,
    summary: &'static str,
    about: &'static str,
    fields: fn() -> Vec<Field>,
    data: Data,
) -> Action {
    Action {
        name,
        area,
        summary,
        about,
        fields,
        data,
        errnos: name,
    }
}

use Area::{Courses, Extras, Lessons, Users};

pub const ACTIONS: [Action; 35] = [
    action(
        "register",
        Users,
        "Register an account",
        "Registers a person by telephone or e-mail and answers the UID; an account already registered is 135 \
         (telephone) or 461 (e-mail) with its UID in `data`. The same request again within 5 seconds is \
         101003002.",
        p::register,
        Data::Id("The account's UID."),
    ),
    action(
        "registerMultiple",
        Users,
        "Register up to ten accounts",
        "Registers each account of `userJson` as `register` does; one item per account, in order. The same \
         request again within 5 seconds is 101003002.",
        p::register_multiple,
        Data::Items(ItemShape {
            id: Some("The account's UID (also with 135 and 461)."),
            echo: &["telephone"],
            custom_column: true,
            more_data: false,
        }),
    ),
    action(
        "addTeacher",
        Users,
        "Make a registered person a teacher of the school",
        "Answers the school–teacher relation id (not the UID: schedule with the UID). The same request again \
         within 5 seconds is 101003002.",
        p::add_teacher,
        Data::Id("The school–teacher relation id (also with 133); not a UID."),
    ),
    action(
        "addSchoolStudent",
        Users,
        "Make a registered person a student of the school",
        "Needed before the person can be a student of a course or lesson. The same request again within 5 seconds \
         is 101003002.",
        p::add_school_student,
        Data::Nothing,
    ),
    action(
        "editTeacher",
        Users,
        "Rename a teacher of the school",
        "Changes the teacher's name within the school.",
        p::edit_teacher,
        Data::Nothing,
    ),
    action(
        "editSchoolStudent",
        Users,
        "Rename a student of the school",
        "Changes the student's name within the school.",
        p::edit_school_student,
        Data::Nothing,
    ),
    action(
        "stopUsingTeacher",
        Users,
        "Stop a teacher",
        "A stopped teacher cannot be given lessons (387). Refused while the teacher has lessons that have not \
         ended (317); stopping twice succeeds.",
        p::teacher_uid,
        Data::Nothing,
    ),
    action(
        "restartUsingTeacher",
        Users,
        "Restart a stopped teacher",
        "The teacher can be given lessons again; restarting twice succeeds.",
        p::teacher_uid,
        Data::Nothing,
    ),
    action(
        "modifyPasswordByTelephone",
        Users,
        "Set a member's password",
        "Sets the password of a teacher or student of the school without the old one.",
        p::modify_password,
        Data::Nothing,
    ),
    Action {
        errnos: "modifyPasswordByTelephone",
        ..action(
            "modifyPassword",
            Users,
            "Set a member's password (another name)",
            "The same action as `modifyPasswordByTelephone`, under the name ClassIn's table of contents links.",
            p::modify_password,
            Data::Nothing,
        )
    },
    action(
        "addCourse",
        Courses,
        "Create a course",
        "Answers the course id. With `courseUniqueIdentity` a repeat is 398 with the first course's id.",
        p::add_course,
        Data::Id("The course id (also with 398: the course made the first time)."),
    ),
    action(
        "editCourse",
        Courses,
        "Change a course",
        "Changes the fields given; an ended or expired course is 153.",
        p::edit_course,
        Data::Nothing,
    ),
    action(
        "endCourse",
        Courses,
        "End a course",
        "Deletes the course's lessons that have not started, then ends it (no new lessons or students); refused \
         while one of its lessons is in session (394).",
        p::course,
        Data::Nothing,
    ),
    action(
        "addCourseStudent",
        Courses,
        "Add a student or auditor to a course",
        "A course student may join every lesson of the course.",
        p::add_course_student,
        Data::Nothing,
    ),
    action(
        "addCourseStudentMultiple",
        Courses,
        "Add students or auditors to a course",
        "One item per member of `studentJson`, in order.",
        p::add_course_student_multiple,
        Data::Items(CUSTOM_ITEMS),
    ),
    action(
        "delCourseStudent",
        Courses,
        "Remove a member from a course",
        "At any time; a member in a lesson's classroom is forced out.",
        p::del_course_student,
        Data::Nothing,
    ),
    action(
        "delCourseStudentMultiple",
        Courses,
        "Remove members from a course",
        "One item per UID of `studentUidJson`, in order.",
        p::del_course_student_multiple,
        Data::Items(PLAIN_ITEMS),
    ),
    action(
        "modifyCourseTeacher",
        Courses,
        "Give every lesson to come a new teacher",
        "Sets the teacher of each lesson of the course that has not started (188 when there is none, 146 for an \
         ended course); one item per lesson. A lesson whose student (187) or co-teacher (328) the teacher is \
         keeps its teacher.",
        p::course_and_teacher,
        Data::LessonTeachers,
    ),
    action(
        "removeCourseTeacher",
        Courses,
        "Take a teacher off a course's teacher list",
        "Refused when the teacher is not on the list (316) or still teaches one of its lessons that has not ended \
         (317).",
        p::course_and_teacher,
        Data::Nothing,
    ),
    action(
        "addCourseClass",
        Lessons,
        "Schedule a lesson",
        "Answers the lesson id and its `more_data`. With `courseUniqueIdentity` a repeat is 398 with the first \
         lesson's id and `more_data`.",
        l::add_course_class,
        Data::Lesson,
    ),
    action(
        "addCourseClassMultiple",
        Lessons,
        "Schedule up to 50 lessons",
        "One item per lesson of `classJson`, in order, with the lesson id and `more_data` when made (or with 398).",
        l::add_course_class_multiple,
        Data::Items(ItemShape {
            id: Some("The lesson id (also with 398: the lesson made the first time)."),
            echo: &["className"],
            custom_column: true,
            more_data: true,
        }),
    ),
    action(
        "editCourseClass",
        Lessons,
        "Change a lesson",
        "Changes the fields given, by the edit window: name, times and seats until 20 minutes before the start \
         (350 inside them, 140 in session, 145 ended), teacher and co-teachers until the end (385 after). \
         Switching recording on within 20 minutes of the start is 283 with the rest of the change made. Answers \
         the lesson's `more_data` and no `data`.",
        l::edit_course_class,
        Data::MoreData,
    ),
    action(
        "delCourseClass",
        Lessons,
        "Delete a lesson",
        "Until it starts, also within its last 20 minutes (140 in session, 145 ended); frees its \
         courseUniqueIdentity.",
        l::lesson,
        Data::Nothing,
    ),
    action(
        "delEndCourseClass",
        Lessons,
        "Delete an ended lesson",
        "Deletes a lesson that has ended (or not started); a lesson in session is 140.",
        l::lesson,
        Data::Nothing,
    ),
    action(
        "modifyClassSeatNum",
        Lessons,
        "Change a lesson's seats",
        "Until 20 minutes before the start (348 inside them, 140 in session, 145 ended).",
        l::modify_class_seat_num,
        Data::Nothing,
    ),
    action(
        "addClassStudentMultiple",
        Lessons,
        "Name students of one lesson",
        "Adds transfer-in students to the lesson (they need not be in the course) until it ends; one item each.",
        l::add_class_student_multiple,
        Data::Items(CUSTOM_ITEMS),
    ),
    action(
        "delClassStudentMultiple",
        Lessons,
        "Take students off one lesson",
        "One item per UID, in order.",
        l::del_class_student_multiple,
        Data::Items(PLAIN_ITEMS),
    ),
    action(
        "addCourseClassStudent",
        Lessons,
        "Add one student to several lessons",
        "One item per lesson of `classJson`, in order.",
        l::add_course_class_student,
        Data::Items(PLAIN_ITEMS),
    ),
    action(
        "getLoginLinked",
        Lessons,
        "A sign-in link into a lesson",
        "Answers a one-time sign-in link that opens the lesson's page for one of its people.",
        l::get_login_linked,
        Data::Link,
    ),
    action(
        "addSchoolLabel",
        Extras,
        "Create a school label",
        "Answers the label's id; an existing name is 353 with that label's id. At most 100 labels (354).",
        p::add_school_label,
        Data::LabelId,
    ),
    action(
        "updateSchoolLabel",
        Extras,
        "Rename a school label",
        "Another label with the name is 353.",
        p::update_school_label,
        Data::Nothing,
    ),
    action(
        "deleteSchoolLabel",
        Extras,
        "Delete a school label",
        "Takes the label off every course and lesson.",
        p::delete_school_label,
        Data::Nothing,
    ),
    action(
        "addCourseLabels",
        Extras,
        "Set the labels of courses",
        "One item per course of `courseList`, in order, with its `courseId`.",
        p::add_course_labels,
        Data::Items(ItemShape {
            echo: &["courseId"],
            ..CUSTOM_ITEMS
        }),
    ),
    action(
        "addClassLabels",
        Extras,
        "Set the labels of lessons",
        "One item per lesson of `classList`, in order, with its `classId`.",
        p::add_class_labels,
        Data::Items(ItemShape {
            echo: &["classId"],
            ..CUSTOM_ITEMS
        }),
    ),
    action(
        "updateClassStudentComment",
        Extras,
        "Comment on the students of a lesson",
        "Sets the teacher's stars and comment for each student; one item each, in order, with its `studentUid` \
         (as a text when sent as a number).",
        p::update_class_student_comment,
        Data::Items(ItemShape {
            echo: &["studentUid"],
            ..CUSTOM_ITEMS
        }),
    ),
];

/// The served action with this name.
pub fn find(name: &str) -> Option<&'static Action> {
    ACTIONS.iter().find(|action| action.name == name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_action_is_listed_once_and_none_is_both_served_and_refused() {
        let names: BTreeSet<&str> = ACTIONS.iter().map(|action| action.name).collect();
        assert_eq!(names.len(), ACTIONS.len(), "an action is listed twice");
        for (unsupported, _) in super::super::extras::UNSUPPORTED {
            assert!(
                !names.contains(unsupported),
                "{unsupported} is both served and refused"
            );
        }
    }
}
