//! The errno table's rows for the user, course, course-student, course-teacher and label actions (see `errnos.rs`), in the
//! order they run: some rows change what later rows meet.

use serde_json::json;

use super::errnos_fixture::{data, items, row, Fixture, Row};

#[allow(clippy::too_many_lines)]
pub fn rows(f: &Fixture) -> Vec<Row> {
    let now = f.now;
    let (course, open, deleted) = (f.course, f.open, f.deleted);
    let unknown = 999_999;

    vec![
        // register
        row("register", json!({"password": "secret12"}), 100),
        row(
            "register",
            json!({"telephone": "1380000000", "password": "secret12"}),
            134,
        ),
        row(
            "register",
            json!({"telephone": "13900000001", "password": "12345"}),
            137,
        ),
        data(
            "register",
            json!({"telephone": "13800000011", "password": "secret12"}),
            135,
            json!(f.student),
        ),
        // registerMultiple
        row("registerMultiple", json!({"userJson": []}), 155),
        row(
            "registerMultiple",
            json!({"userJson": (0..11).map(|i| json!({"telephone": format!("139000001{i:02}"), "password": "secret12"})).collect::<Vec<_>>()}),
            450,
        ),
        items(
            "registerMultiple",
            json!({"userJson": [{"telephone": "13900000002", "password": 123_456},
                                {"telephone": "13800000011", "password": "secret12"},
                                {"telephone": "13900000003", "password": "123"},
                                {"telephone": "139", "password": "secret12"}]}),
            &[1, 135, 137, 134],
        ),
        // addSchoolStudent
        row(
            "addSchoolStudent",
            json!({"studentAccount": "13900000099", "studentName": "X"}),
            113,
        ),
        row(
            "addSchoolStudent",
            json!({"studentAccount": "139", "studentName": "X"}),
            134,
        ),
        row(
            "addSchoolStudent",
            json!({"studentAccount": "13800000011", "studentName": "Sara"}),
            133,
        ),
        row(
            "addSchoolStudent",
            json!({"studentAccount": "13800000015"}),
            100,
        ),
        // addTeacher
        row(
            "addTeacher",
            json!({"teacherAccount": "13900000099", "teacherName": "X"}),
            113,
        ),
        row(
            "addTeacher",
            json!({"teacherAccount": "139", "teacherName": "X"}),
            122,
        ),
        row(
            "addTeacher",
            json!({"teacherAccount": "13800000001", "teacherName": "Karim"}),
            133,
        ),
        row("addTeacher", json!({"teacherAccount": "13800000015"}), 100),
        // editSchoolStudent, editTeacher
        row(
            "editSchoolStudent",
            json!({"studentUid": f.outsider, "studentName": "X"}),
            228,
        ),
        row("editSchoolStudent", json!({"studentUid": f.student}), 100),
        row(
            "editTeacher",
            json!({"teacherUid": f.student, "teacherName": "X"}),
            219,
        ),
        row("editTeacher", json!({"teacherUid": f.teacher}), 100),
        // modifyPasswordByTelephone
        row(
            "modifyPasswordByTelephone",
            json!({"uid": f.outsider, "password": "secret99"}),
            227,
        ),
        row(
            "modifyPasswordByTelephone",
            json!({"uid": f.student, "password": "123"}),
            137,
        ),
        row(
            "modifyPasswordByTelephone",
            json!({"password": "secret99"}),
            100,
        ),
        row(
            "modifyPasswordByTelephone",
            json!({"uid": f.student, "password": "secret99"}),
            1,
        ),
        // stopUsingTeacher, restartUsingTeacher
        row("stopUsingTeacher", json!({"teacherUid": f.student}), 136),
        row("stopUsingTeacher", json!({"teacherUid": f.teacher}), 317),
        row("restartUsingTeacher", json!({"teacherUid": f.student}), 136),
        // updateClassStudentComment
        row(
            "updateClassStudentComment",
            json!({"classId": unknown, "commentJson": [{"studentUid": f.student, "starNum": 5, "comment": "x"}]}),
            233,
        ),
        row(
            "updateClassStudentComment",
            json!({"classId": deleted, "commentJson": [{"studentUid": f.student, "starNum": 5, "comment": "x"}]}),
            233,
        ),
        row("updateClassStudentComment", json!({"commentJson": []}), 100),
        items(
            "updateClassStudentComment",
            json!({"classId": open, "commentJson": [
                {"studentUid": f.student, "starNum": 9, "comment": "Sharp"},
                {"studentUid": f.outsider, "starNum": 3, "comment": "x"},
                {"studentUid": f.other_student, "starNum": 3, "comment": "x"},
                {"studentUid": f.student, "comment": "no stars"}]}),
            &[1, 228, 167, 100],
        ),
        // addCourse
        row("addCourse", json!({}), 100),
        row(
            "addCourse",
            json!({"courseName": "X", "expiryTime": now + 60}),
            151,
        ),
        row(
            "addCourse",
            json!({"courseName": "X", "expiryTime": now + 6 * 365 * 86_400}),
            154,
        ),
        row(
            "addCourse",
            json!({"courseName": "X", "mainTeacherUid": f.student}),
            334,
        ),
        row(
            "addCourse",
            json!({"courseName": "X", "mainTeacherUid": f.stopped_teacher}),
            389,
        ),
        row(
            "addCourse",
            json!({"courseName": "X", "courseUniqueIdentity": "x".repeat(33)}),
            100,
        ),
        // editCourse
        row(
            "editCourse",
            json!({"courseId": unknown, "courseName": "X"}),
            144,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "expiryTime": now + 60}),
            151,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "expiryTime": now + 2 * 86_400}),
            152,
        ),
        row(
            "editCourse",
            json!({"courseId": f.ended_course, "courseName": "X"}),
            153,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "expiryTime": now + 6 * 365 * 86_400}),
            154,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "mainTeacherUid": f.student}),
            334,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "mainTeacherUid": f.stopped_teacher}),
            389,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "mainTeacherUid": f.dual_student}),
            311,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "mainTeacherUid": f.dual_auditor}),
            312,
        ),
        row(
            "editCourse",
            json!({"courseId": course, "mainTeacherUid": f.second_teacher}),
            314,
        ),
        // endCourse
        row("endCourse", json!({"courseId": unknown}), 144),
        row("endCourse", json!({"courseId": course}), 394),
        row("endCourse", json!({"courseId": f.ended_course}), 153),
        // addCourseStudent
        row(
            "addCourseStudent",
            json!({"courseId": unknown, "studentUid": f.other_student, "identity": 1}),
            144,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": f.ended_course, "studentUid": f.other_student, "identity": 1}),
            153,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": f.outsider, "identity": 1}),
            228,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": f.second_teacher, "identity": 1}),
            129,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": f.second_teacher, "identity": 2}),
            174,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": f.student, "identity": 1}),
            163,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": f.auditor, "identity": 2}),
            164,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": f.headed_course, "studentUid": f.dual_teacher, "identity": 1}),
            333,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": f.taught_course, "studentUid": f.dual_teacher, "identity": 1}),
            332,
        ),
        row(
            "addCourseStudent",
            json!({"courseId": course, "studentUid": f.other_student, "identity": 3}),
            100,
        ),
        // addCourseStudentMultiple
        row(
            "addCourseStudentMultiple",
            json!({"courseId": unknown, "identity": 1, "studentJson": [{"uid": f.other_student}]}),
            144,
        ),
        row(
            "addCourseStudentMultiple",
            json!({"courseId": f.ended_course, "identity": 1, "studentJson": [{"uid": f.other_student}]}),
            153,
        ),
        row(
            "addCourseStudentMultiple",
            json!({"courseId": course, "identity": 1, "studentJson": []}),
            155,
        ),
        row(
            "addCourseStudentMultiple",
            json!({"courseId": course, "identity": 1, "studentJson": (0..101).map(|uid| json!({"uid": uid})).collect::<Vec<_>>()}),
            450,
        ),
        items(
            "addCourseStudentMultiple",
            json!({"courseId": f.empty_course, "identity": 1, "studentJson": [
                {"uid": f.other_student}, {"uid": f.other_student}, {"uid": f.outsider}, {"uid": f.second_teacher}]}),
            &[1, 133, 228, 129],
        ),
        items(
            "addCourseStudentMultiple",
            json!({"courseId": course, "identity": 1, "studentJson": [{"uid": f.student}, {"uid": f.auditor}]}),
            &[163, 164],
        ),
        // delCourseStudent, delCourseStudentMultiple
        row(
            "delCourseStudent",
            json!({"courseId": unknown, "identity": 1, "studentUid": f.student}),
            144,
        ),
        row(
            "delCourseStudent",
            json!({"courseId": course, "identity": 1, "studentUid": f.third_student}),
            162,
        ),
        row(
            "delCourseStudentMultiple",
            json!({"courseId": unknown, "identity": 1, "studentUidJson": [f.student]}),
            144,
        ),
        row(
            "delCourseStudentMultiple",
            json!({"courseId": course, "identity": 1, "studentUidJson": []}),
            155,
        ),
        items(
            "delCourseStudentMultiple",
            json!({"courseId": course, "identity": 1, "studentUidJson": [f.third_student]}),
            &[162],
        ),
        // modifyCourseTeacher
        row(
            "modifyCourseTeacher",
            json!({"courseId": unknown, "teacherUid": f.second_teacher}),
            144,
        ),
        row(
            "modifyCourseTeacher",
            json!({"courseId": f.ended_course, "teacherUid": f.second_teacher}),
            146,
        ),
        row(
            "modifyCourseTeacher",
            json!({"courseId": course, "teacherUid": f.student}),
            136,
        ),
        row(
            "modifyCourseTeacher",
            json!({"courseId": course, "teacherUid": f.stopped_teacher}),
            387,
        ),
        row(
            "modifyCourseTeacher",
            json!({"courseId": course, "teacherUid": f.dual_student}),
            172,
        ),
        row(
            "modifyCourseTeacher",
            json!({"courseId": course, "teacherUid": f.dual_auditor}),
            173,
        ),
        row(
            "modifyCourseTeacher",
            json!({"courseId": f.empty_course, "teacherUid": f.second_teacher}),
            188,
        ),
        data(
            "modifyCourseTeacher",
            json!({"courseId": f.assistant_course, "teacherUid": f.second_teacher}),
            1,
            json!([{"classId": f.assistant_lesson, "errno": 328, "error": "The lesson's assistant cannot be its teacher."}]),
        ),
        // removeCourseTeacher
        row(
            "removeCourseTeacher",
            json!({"courseId": unknown, "teacherUid": f.teacher}),
            144,
        ),
        row(
            "removeCourseTeacher",
            json!({"courseId": f.ended_course, "teacherUid": f.teacher}),
            153,
        ),
        row(
            "removeCourseTeacher",
            json!({"courseId": course, "teacherUid": f.student}),
            136,
        ),
        row(
            "removeCourseTeacher",
            json!({"courseId": course, "teacherUid": f.second_teacher}),
            316,
        ),
        row(
            "removeCourseTeacher",
            json!({"courseId": course, "teacherUid": f.teacher}),
            317,
        ),
        // labels
        row("addSchoolLabel", json!({}), 100),
        data(
            "addSchoolLabel",
            json!({"labelName": "Science"}),
            353,
            json!({"labelId": f.label.to_string()}),
        ),
        row(
            "updateSchoolLabel",
            json!({"labelId": unknown, "labelName": "X"}),
            356,
        ),
        row(
            "updateSchoolLabel",
            json!({"labelId": f.deleted_label, "labelName": "X"}),
            356,
        ),
        row(
            "updateSchoolLabel",
            json!({"labelId": f.beta_label, "labelName": "X"}),
            355,
        ),
        row("updateSchoolLabel", json!({"labelId": f.label}), 100),
        row("deleteSchoolLabel", json!({"labelId": unknown}), 356),
        row("deleteSchoolLabel", json!({"labelId": f.beta_label}), 355),
        row("addCourseLabels", json!({"courseList": []}), 155),
        items(
            "addCourseLabels",
            json!({"courseList": [
                {"courseId": unknown, "labelIds": [f.label]},
                {"courseId": course, "labelIds": (0..11).collect::<Vec<i64>>()},
                {"courseId": course, "labelIds": [f.deleted_label]},
                {"courseId": course, "labelIds": [unknown]},
                {"courseId": course, "labelIds": [f.beta_label]},
                {"courseId": course, "labelIds": [f.label]}]}),
            &[144, 399, 358, 358, 359, 1],
        ),
        row(
            "addClassLabels",
            json!({"courseId": unknown, "classList": [{"classId": open, "classLabelId": []}]}),
            144,
        ),
        row(
            "addClassLabels",
            json!({"courseId": course, "classList": []}),
            155,
        ),
        items(
            "addClassLabels",
            json!({"courseId": course, "classList": [
                {"classId": unknown, "classLabelId": [f.label]},
                {"classId": f.other_lesson, "classLabelId": [f.label]},
                {"classId": deleted, "classLabelId": [f.label]},
                {"classId": open, "classLabelId": (0..11).collect::<Vec<i64>>()},
                {"classId": open, "classLabelId": [f.deleted_label]},
                {"classId": open, "classLabelId": [f.beta_label]},
                {"classId": open, "classLabelId": [f.label]}]}),
            &[143, 142, 212, 357, 358, 359, 1],
        ),
    ]
}
