//! The errno table's rows for the lesson actions, lesson students and lesson links (see
//! `errnos.rs`), in the order they run: some rows change what later rows meet.

use serde_json::{json, Value};

use super::errnos_fixture::{data, items, row, Fixture, Row};

#[allow(clippy::too_many_lines)]
pub fn rows(f: &Fixture) -> Vec<Row> {
    let now = f.now;
    let (course, open, locked, in_session, ended, deleted) =
        (f.course, f.open, f.locked, f.in_session, f.ended, f.deleted);
    let lesson_params = |course: i64, teacher: i64, lead: i64, length: i64| {
        json!({"courseId": course, "className": "Optics", "beginTime": now + lead, "endTime": now + lead + length,
               "teacherUid": teacher})
    };
    let with = |mut base: Value, extra: Value| {
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        base
    };
    let new_lesson = |extra: Value| with(lesson_params(course, f.teacher, 7200, 3600), extra);
    let class =
        |class_id: i64, extra: Value| with(json!({"courseId": course, "classId": class_id}), extra);
    let unknown = 999_999;

    vec![
        // addCourseClass
        row(
            "addCourseClass",
            lesson_params(unknown, f.teacher, 7200, 3600),
            144,
        ),
        row(
            "addCourseClass",
            lesson_params(f.ended_course, f.teacher, 7200, 3600),
            153,
        ),
        row(
            "addCourseClass",
            with(new_lesson(json!({})), json!({"className": ""})),
            100,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.teacher, 30, 3600),
            120,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.teacher, 4 * 366 * 86_400, 3600),
            268,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.teacher, 7200, 0),
            119,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.teacher, 7200, 600),
            165,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.student, 7200, 3600),
            136,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.stopped_teacher, 7200, 3600),
            387,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.dual_student, 7200, 3600),
            172,
        ),
        row(
            "addCourseClass",
            lesson_params(course, f.dual_auditor, 7200, 3600),
            173,
        ),
        row("addCourseClass", new_lesson(json!({"seatNum": 13})), 259),
        row(
            "addCourseClass",
            new_lesson(json!({"seatNum": -1})),
            121_601_007,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUid": f.student})),
            318,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUid": f.stopped_teacher})),
            388,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUid": f.dual_student})),
            319,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUid": f.dual_auditor})),
            320,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUid": f.teacher})),
            322,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUids": [f.assistant, f.assistant]})),
            21_316,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUids": (1..=21).collect::<Vec<i64>>()})),
            21_317,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"assistantUids": "[1,"})),
            155,
        ),
        row(
            "addCourseClass",
            new_lesson(json!({"courseUniqueIdentity": "x".repeat(33)})),
            100,
        ),
        data(
            "addCourseClass",
            new_lesson(json!({"courseUniqueIdentity": "sis-open"})),
            398,
            json!(open),
        ),
        // addCourseClassMultiple
        row(
            "addCourseClassMultiple",
            json!({"courseId": unknown, "classJson": [lesson_params(course, f.teacher, 7200, 3600)]}),
            144,
        ),
        row(
            "addCourseClassMultiple",
            json!({"courseId": f.ended_course, "classJson": [lesson_params(course, f.teacher, 7200, 3600)]}),
            153,
        ),
        row(
            "addCourseClassMultiple",
            json!({"courseId": course, "classJson": []}),
            155,
        ),
        items(
            "addCourseClassMultiple",
            json!({"courseId": course, "classJson": [
                with(lesson_params(course, f.teacher, 7200, 3600), json!({"courseUniqueIdentity": "batch-1"})),
                with(lesson_params(course, f.teacher, 9000, 3600), json!({"courseUniqueIdentity": "batch-1"})),
                with(lesson_params(course, f.teacher, 9000, 3600), json!({"courseUniqueIdentity": "sis-open"})),
                lesson_params(course, f.student, 7200, 3600),
                lesson_params(course, f.teacher, 30, 3600),
                with(lesson_params(course, f.teacher, 7200, 3600), json!({"seatNum": 13}))]}),
            &[1, 133, 398, 136, 120, 259],
        ),
        // editCourseClass
        row(
            "editCourseClass",
            json!({"courseId": unknown, "classId": open, "className": "X"}),
            144,
        ),
        row(
            "editCourseClass",
            class(unknown, json!({"className": "X"})),
            143,
        ),
        row(
            "editCourseClass",
            class(f.other_lesson, json!({"className": "X"})),
            142,
        ),
        row(
            "editCourseClass",
            class(deleted, json!({"className": "X"})),
            212,
        ),
        row(
            "editCourseClass",
            class(locked, json!({"className": "X"})),
            350,
        ),
        row("editCourseClass", class(locked, json!({"record": 1})), 283),
        row(
            "editCourseClass",
            class(in_session, json!({"className": "X"})),
            140,
        ),
        row(
            "editCourseClass",
            class(ended, json!({"className": "X"})),
            145,
        ),
        row(
            "editCourseClass",
            class(ended, json!({"teacherUid": f.second_teacher})),
            385,
        ),
        row(
            "editCourseClass",
            class(open, json!({"beginTime": now + 30, "endTime": now + 3630})),
            120,
        ),
        row(
            "editCourseClass",
            class(
                open,
                json!({"beginTime": now + 7200, "endTime": now + 7200}),
            ),
            119,
        ),
        row(
            "editCourseClass",
            class(
                open,
                json!({"beginTime": now + 7200, "endTime": now + 7300}),
            ),
            165,
        ),
        row(
            "editCourseClass",
            class(
                open,
                json!({"beginTime": now + 4 * 366 * 86_400, "endTime": now + 4 * 366 * 86_400 + 3600}),
            ),
            268,
        ),
        row(
            "editCourseClass",
            class(open, json!({"teacherUid": f.student})),
            136,
        ),
        row(
            "editCourseClass",
            class(open, json!({"teacherUid": f.stopped_teacher})),
            387,
        ),
        row(
            "editCourseClass",
            class(open, json!({"teacherUid": f.dual_student})),
            172,
        ),
        row(
            "editCourseClass",
            class(open, json!({"teacherUid": f.dual_auditor})),
            173,
        ),
        row(
            "editCourseClass",
            class(open, json!({"teacherUid": f.assistant})),
            328,
        ),
        row(
            "editCourseClass",
            class(open, json!({"assistantUid": f.student})),
            318,
        ),
        row(
            "editCourseClass",
            class(open, json!({"assistantUid": f.stopped_teacher})),
            388,
        ),
        row(
            "editCourseClass",
            class(open, json!({"assistantUid": f.teacher})),
            322,
        ),
        row(
            "editCourseClass",
            class(open, json!({"assistantUids": [f.assistant, f.assistant]})),
            21_316,
        ),
        // modifyClassSeatNum
        row(
            "modifyClassSeatNum",
            json!({"courseId": unknown, "classId": open, "seatNum": 3}),
            144,
        ),
        row(
            "modifyClassSeatNum",
            class(unknown, json!({"seatNum": 3})),
            143,
        ),
        row(
            "modifyClassSeatNum",
            class(f.other_lesson, json!({"seatNum": 3})),
            142,
        ),
        row(
            "modifyClassSeatNum",
            class(deleted, json!({"seatNum": 3})),
            212,
        ),
        row(
            "modifyClassSeatNum",
            class(open, json!({"seatNum": 13})),
            259,
        ),
        row(
            "modifyClassSeatNum",
            class(open, json!({"seatNum": -1})),
            121_601_007,
        ),
        row("modifyClassSeatNum", class(open, json!({})), 100),
        row(
            "modifyClassSeatNum",
            class(locked, json!({"seatNum": 3})),
            348,
        ),
        row(
            "modifyClassSeatNum",
            class(in_session, json!({"seatNum": 3})),
            140,
        ),
        row(
            "modifyClassSeatNum",
            class(ended, json!({"seatNum": 3})),
            145,
        ),
        // delCourseClass, delEndCourseClass
        row(
            "delCourseClass",
            json!({"courseId": unknown, "classId": open}),
            144,
        ),
        row("delCourseClass", class(unknown, json!({})), 143),
        row("delCourseClass", class(f.other_lesson, json!({})), 142),
        row("delCourseClass", class(deleted, json!({})), 212),
        row("delCourseClass", class(in_session, json!({})), 140),
        row("delCourseClass", class(ended, json!({})), 145),
        row(
            "delEndCourseClass",
            json!({"courseId": unknown, "classId": ended}),
            144,
        ),
        row("delEndCourseClass", class(unknown, json!({})), 143),
        row("delEndCourseClass", class(f.other_lesson, json!({})), 142),
        row("delEndCourseClass", class(deleted, json!({})), 212),
        row("delEndCourseClass", class(in_session, json!({})), 140),
        // addClassStudentMultiple
        row(
            "addClassStudentMultiple",
            json!({"courseId": unknown, "classId": open, "identity": 1, "studentJson": [{"uid": f.other_student}]}),
            144,
        ),
        row(
            "addClassStudentMultiple",
            class(
                unknown,
                json!({"identity": 1, "studentJson": [{"uid": f.other_student}]}),
            ),
            143,
        ),
        row(
            "addClassStudentMultiple",
            class(
                f.other_lesson,
                json!({"identity": 1, "studentJson": [{"uid": f.other_student}]}),
            ),
            142,
        ),
        row(
            "addClassStudentMultiple",
            class(
                deleted,
                json!({"identity": 1, "studentJson": [{"uid": f.other_student}]}),
            ),
            212,
        ),
        row(
            "addClassStudentMultiple",
            class(
                ended,
                json!({"identity": 1, "studentJson": [{"uid": f.other_student}]}),
            ),
            145,
        ),
        row(
            "addClassStudentMultiple",
            class(
                open,
                json!({"identity": 2, "studentJson": [{"uid": f.other_student}]}),
            ),
            159,
        ),
        row(
            "addClassStudentMultiple",
            class(open, json!({"identity": 1, "studentJson": []})),
            155,
        ),
        items(
            "addClassStudentMultiple",
            class(
                open,
                json!({"identity": 1, "studentJson": [
                {"uid": f.other_student}, {"uid": f.other_student}, {"uid": f.outsider}, {"uid": f.teacher},
                {"uid": f.dual_teacher}, {"uid": f.auditor}]}),
            ),
            &[1, 166, 228, 129, 329, 164],
        ),
        // delClassStudentMultiple
        row(
            "delClassStudentMultiple",
            json!({"courseId": unknown, "classId": open, "identity": 1, "studentUidJson": [f.other_student]}),
            144,
        ),
        row(
            "delClassStudentMultiple",
            class(
                unknown,
                json!({"identity": 1, "studentUidJson": [f.other_student]}),
            ),
            143,
        ),
        row(
            "delClassStudentMultiple",
            class(
                deleted,
                json!({"identity": 1, "studentUidJson": [f.other_student]}),
            ),
            212,
        ),
        row(
            "delClassStudentMultiple",
            class(
                ended,
                json!({"identity": 1, "studentUidJson": [f.other_student]}),
            ),
            145,
        ),
        row(
            "delClassStudentMultiple",
            class(
                open,
                json!({"identity": 2, "studentUidJson": [f.other_student]}),
            ),
            159,
        ),
        row(
            "delClassStudentMultiple",
            class(open, json!({"identity": 1, "studentUidJson": []})),
            155,
        ),
        items(
            "delClassStudentMultiple",
            class(
                open,
                json!({"identity": 1, "studentUidJson": [f.other_student, f.third_student]}),
            ),
            &[1, 167],
        ),
        // addCourseClassStudent
        row(
            "addCourseClassStudent",
            json!({"courseId": unknown, "studentUid": f.third_student, "classJson": [open]}),
            144,
        ),
        row(
            "addCourseClassStudent",
            json!({"courseId": f.ended_course, "studentUid": f.third_student, "classJson": [open]}),
            153,
        ),
        row(
            "addCourseClassStudent",
            json!({"courseId": course, "studentUid": f.outsider, "classJson": [open]}),
            228,
        ),
        row(
            "addCourseClassStudent",
            json!({"courseId": course, "studentUid": f.third_student, "classJson": []}),
            155,
        ),
        items(
            "addCourseClassStudent",
            json!({"courseId": course, "studentUid": f.third_student, "classJson": [open, open, f.other_lesson, ended, deleted, unknown]}),
            &[1, 166, 142, 145, 212, 143],
        ),
        // getLoginLinked
        row(
            "getLoginLinked",
            json!({"uid": f.student, "courseId": unknown, "classId": open}),
            144,
        ),
        row(
            "getLoginLinked",
            json!({"uid": f.student, "courseId": course, "classId": unknown}),
            143,
        ),
        row(
            "getLoginLinked",
            json!({"uid": f.student, "courseId": course, "classId": f.other_lesson}),
            142,
        ),
        row(
            "getLoginLinked",
            json!({"uid": f.student, "courseId": course, "classId": deleted}),
            212,
        ),
        row(
            "getLoginLinked",
            json!({"uid": f.student, "courseId": course, "classId": ended}),
            145,
        ),
        row(
            "getLoginLinked",
            json!({"uid": f.outsider, "courseId": course, "classId": open}),
            150,
        ),
        row(
            "getLoginLinked",
            json!({"uid": f.student, "courseId": course, "classId": open, "lifeTime": 0}),
            100,
        ),
        // A student named for the lesson itself cannot teach or assist it.
        items(
            "addClassStudentMultiple",
            class(
                open,
                json!({"identity": 1, "studentJson": [{"uid": f.dual_spare}]}),
            ),
            &[1],
        ),
        row(
            "editCourseClass",
            class(open, json!({"teacherUid": f.dual_spare})),
            325,
        ),
        row(
            "editCourseClass",
            class(open, json!({"assistantUid": f.dual_spare})),
            321,
        ),
    ]
}
