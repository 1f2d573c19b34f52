//! Every documented error condition of every served v1 action that classbridge can produce, provoked against one
//! school and checked for its exact errno (and the `data` that comes with 135, 398, 461, 353, and the lessons of
//! modifyCourseTeacher), on SQLite and on PostgreSQL. The table follows `classin/v1-actions.md` §4 action by action.
//!
//! Conditions that cannot arise in classbridge, and so are never answered:
//! - 102 for arrears, an expired contract, the API not enabled, an action taken offline (102 here is the SID,
//!   timeStamp and safeKey check only; see `wrong_stale_or_missing_safe_keys_are_errno_102`);
//! - 901 and 454 (maintenance): classbridge has no maintenance windows;
//! - 103, 224, 340, 341, 342 (avatars and covers: `Filedata` is not taken), 160, 371, 373 (cloud folders and
//!   classroom settings do not exist here), 280–284 and 251–254 (video service), 367, 368, 808 (HD and dual camera);
//! - 131, 460, 464, 823 (concurrent creations are decided by unique indexes: the loser gets 398 or 135/461), 820,
//!   821, 824, 825, 841 (partly done writes: classbridge writes in one transaction), 189, 315, 349 only for seats
//!   below the seats already booked;
//! - 147, 149, 190 (courses are never deleted; an unknown course is 144), 146 only on modifyCourseTeacher;
//! - 288 (number segments), 339 (ClassIn's "unfinished courses" of a teacher: 317 covers lessons), 386, 402, 22101
//!   (institution and sub-accounts do not exist), 466 (client-created LMS lessons: v2 classrooms are lessons here),
//!   467 (links work for e-mail accounts too), 800, 804, 805 (stopping a teacher is immediate), 845, 883–888
//!   (account limits and closed accounts), 369 (one course type), 121601001–121601070, 121604007 (editions and
//!   quotas), 157, 158, 161, 171, 220, 323, 324, 326, 327, 330 (partial failures and removed codes);
//! - 104 and 114 come only from an unexpected store failure, which the end-to-end table cannot provoke; which of the
//!   two an action answers follows its page (`ANSWER_114` in the API crate).

use serde_json::{json, Value};

use super::{errno, errnos_fixture::fixture};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(every_documented_condition_answers_its_errno);

/// What a row expects.
enum Expect {
    Errno(i64),
    /// An errno and the `data` that comes with it.
    Data(i64, Value),
    /// A batch: errno 1 and these item errnos, in order.
    Items(Vec<i64>),
}

struct Row {
    action: &'static str,
    params: Value,
    expect: Expect,
}

fn row(action: &'static str, params: Value, errno: i64) -> Row {
    Row {
        action,
        params,
        expect: Expect::Errno(errno),
    }
}

fn data(action: &'static str, params: Value, errno: i64, data: Value) -> Row {
    Row {
        action,
        params,
        expect: Expect::Data(errno, data),
    }
}

fn items(action: &'static str, params: Value, errnos: &[i64]) -> Row {
    Row {
        action,
        params,
        expect: Expect::Items(errnos.to_vec()),
    }
}

async fn every_documented_condition_answers_its_errno(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let f = fixture(&app).await;
    let now = f.alpha.clock.now_seconds();
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
    let open_more = json!({"live_url": format!("{}/lessons/{open}", app.address),
                           "live_info": {"RTMP": "", "HLS": "", "FLV": ""}});

    let mut rows = vec![
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
        // An action nobody serves.
        row("noSuchAction", json!({}), 100),
    ];
    // The same request within 5 seconds, for the four guarded actions.
    let repeated = json!({"telephone": "13900000077", "password": "secret12"});
    rows.push(row("register", repeated.clone(), 1));
    rows.push(row("register", repeated, 101_003_002));
    rows.push(data(
        "register",
        json!({"email": "taken@example.org", "password": "secret12"}),
        1,
        Value::Null,
    ));

    let mut failures = Vec::new();
    let mut count = 0;
    for row in rows {
        let answer = f.alpha.call(row.action, row.params.clone()).await;
        count += 1;
        let ok = match &row.expect {
            Expect::Errno(expected) => errno(&answer) == *expected,
            Expect::Data(expected, Value::Null) => errno(&answer) == *expected,
            Expect::Data(expected, data) => errno(&answer) == *expected && answer["data"] == *data,
            Expect::Items(expected) => {
                errno(&answer) == 1
                    && answer["data"].as_array().is_some_and(|items| {
                        items
                            .iter()
                            .map(|item| item["errno"].as_i64().unwrap_or(0))
                            .collect::<Vec<_>>()
                            == *expected
                    })
            }
        };
        if !ok {
            failures.push(format!("{} {} → {answer}", row.action, row.params));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // 461 with the UID, once the e-mail account exists; 398 with the lesson's more_data.
    let taken = f
        .alpha
        .call(
            "register",
            json!({"email": "taken@example.org", "password": "other123"}),
        )
        .await;
    assert_eq!(errno(&taken), 461, "{taken}");
    assert!(taken["data"].is_i64(), "{taken}");
    let repeat = f
        .alpha
        .call(
            "addCourseClass",
            new_lesson(json!({"courseUniqueIdentity": "sis-open"})),
        )
        .await;
    assert_eq!(repeat["more_data"], open_more, "{repeat}");

    // The client and cloud-drive actions answer 100 naming the action.
    for action in [
        "setClassVideoMultiple",
        "deleteClassVideo",
        "updateClassLockStatus",
        "getWebcastUrl",
        "modifyGroupMemberNickname",
        "addCourseGroup",
        "editCourseGroup",
        "delCourseGroup",
        "deleteSubSchoolAccount",
        "updateTeacherCloudFolders",
        "getFolderList",
        "getCloudList",
        "getTopFolderId",
        "uploadFile",
        "renameFile",
        "delFile",
        "createFolder",
        "renameFolder",
        "delFolder",
    ] {
        let answer = f.alpha.call(action, json!({})).await;
        assert_eq!(errno(&answer), 100, "{action}: {answer}");
        let error = answer["error_info"]["error"].as_str().unwrap();
        assert!(
            error.contains(action) && error.contains("not supported by this server"),
            "{error}"
        );
    }
    // 130: a 21st auditor.
    let mut auditors = Vec::new();
    for batch in 0..2 {
        let users: Vec<Value> = (0..10)
            .map(|i| json!({"telephone": format!("1370000{batch}{i:03}"), "password": "secret12", "addToSchoolMember": 1}))
            .collect();
        let answer = f
            .alpha
            .call("registerMultiple", json!({"userJson": users}))
            .await;
        auditors.extend(
            answer["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| item["data"].as_i64().unwrap()),
        );
    }
    let audit = json!({"courseId": f.empty_course, "identity": 2,
                       "studentJson": auditors.iter().map(|uid| json!({"uid": uid})).collect::<Vec<_>>()});
    assert_eq!(
        item_count_ok(&f.alpha.call("addCourseStudentMultiple", audit).await),
        20
    );
    let one_more =
        json!({"courseId": f.empty_course, "identity": 2, "studentUid": f.third_student});
    assert_eq!(
        errno(&f.alpha.call("addCourseStudent", one_more).await),
        130
    );
    // 354: the hundred-and-first label.
    for i in 0..99 {
        f.alpha
            .ok("addSchoolLabel", json!({"labelName": format!("L{i}")}))
            .await;
    }
    assert_eq!(
        errno(
            &f.alpha
                .call("addSchoolLabel", json!({"labelName": "One too many"}))
                .await
        ),
        354
    );
    let _ = &f.beta;
}

fn item_count_ok(answer: &Value) -> usize {
    answer["data"].as_array().map_or(0, |items| {
        items.iter().filter(|item| item["errno"] == 1).count()
    })
}
