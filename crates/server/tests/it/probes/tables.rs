//! The probe tables: one row per route of the server (the victim's thing it is aimed at and the status each
//! probe must get), one per ClassIn v1 action and one per ClassIn v2 endpoint. A new route fails the suite until it
//! has its row here; a new ClassIn v1 action is one more line in [`CLASSIN_V1`].

use serde_json::{json, Value};

use super::world::World;

/// How a route is called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// With a partner token.
    Partner,
    /// With a signed-in person's session (and its form token on POST).
    Page,
    /// Needs nothing; called with the probe's partner token all the same.
    Public,
}

/// One route, the victim's thing it is aimed at, and the status each probe must get.
pub struct Row {
    pub method: &'static str,
    pub route: &'static str,
    pub kind: Kind,
    pub path: fn(&World) -> String,
    pub body: fn(&World) -> Value,
    /// The status for a credential (or session) of another tenant.
    pub tenant: u16,
    /// The status for the victim's branch 1 credential (or a branch 1 student's session), aimed at branch 2.
    pub branch: u16,
}

fn none(_: &World) -> Value {
    Value::Null
}

macro_rules! row {
    ($method:literal $route:literal, $kind:ident, |$w:ident| $path:expr, $body:expr, $tenant:literal, $branch:literal) => {
        Row {
            method: $method,
            route: $route,
            kind: Kind::$kind,
            path: |$w: &World| -> String {
                let _ = $w;
                $path
            },
            body: $body,
            tenant: $tenant,
            branch: $branch,
        }
    };
}

/// The rows of every route but ClassIn's (see [`CLASSIN_V1`] and [`classin_v2_rows`]).
pub fn rows() -> Vec<Row> {
    vec![
        row!("GET" "/api/v2/branches", Partner, |w| "/api/v2/branches".into(), none, 200, 200),
        row!("GET" "/api/v2/courses", Partner, |w| "/api/v2/courses".into(), none, 200, 200),
        row!("GET" "/api/v2/courses/{course_id}", Partner, |w| format!("/api/v2/courses/{}", w.course), none, 404, 404),
        row!("GET" "/api/v2/courses/{course_id}/outline", Partner,
            |w| format!("/api/v2/courses/{}/outline?uid={}", w.course, w.booked), none, 404, 404),
        row!("GET" "/api/v2/experiments", Partner, |w| "/api/v2/experiments".into(), none, 200, 200),
        row!("GET" "/api/v2/experiments/{id}", Partner, |w| "/api/v2/experiments/ohms-law".into(), none, 200, 200),
        row!("POST" "/api/v2/learning-path/teacher/experiment", Partner,
            |w| "/api/v2/learning-path/teacher/experiment".into(),
            |_| json!({"subject_name": "Probe", "subject_uuid": "probe-path", "experiment_id": "ohms-law",
                       "experiment_name": "Ohm's law", "teacher_uuid": ["s-t"], "teacher_name": ["Probe"]}),
            422, 422),
        row!("DELETE" "/api/v2/learning-path/teacher/{subject_uuid}", Partner,
            |w| format!("/api/v2/learning-path/teacher/{}", w.path_uuid), none, 404, 404),
        row!("PATCH" "/api/v2/learning-path/teacher/{subject_uuid}", Partner,
            |w| format!("/api/v2/learning-path/teacher/{}", w.path_uuid), |_| json!({"max_attempts": 99}), 404, 404),
        row!("GET" "/api/v2/learning-path/teacher/{subject_uuid}/grades", Partner,
            |w| format!("/api/v2/learning-path/teacher/{}/grades", w.path_uuid), none, 404, 404),
        row!("GET" "/api/v2/lessons", Partner, |w| "/api/v2/lessons".into(), none, 200, 200),
        row!("GET" "/api/v2/lessons/{lesson_id}", Partner, |w| format!("/api/v2/lessons/{}", w.lesson), none, 404, 404),
        row!("POST" "/api/v2/lessons/{lesson_id}/bookings", Partner,
            |w| format!("/api/v2/lessons/{}/bookings", w.lesson), |w| json!({"uid": w.south_user}), 404, 404),
        row!("DELETE" "/api/v2/lessons/{lesson_id}/bookings/{uid}", Partner,
            |w| format!("/api/v2/lessons/{}/bookings/{}", w.lesson, w.booked), none, 404, 404),
        row!("GET" "/api/v2/me", Partner, |w| "/api/v2/me".into(), none, 200, 200),
        // Mirroring its own tenant is the intruder's right (its job lands in its tenant); branch 2 is not North's.
        row!("POST" "/api/v2/mirror-data/branches", Partner, |w| "/api/v2/mirror-data/branches".into(),
            |_| json!({"branches": [{"id": 2, "name": "Probe", "classes": []}]}), 202, 403),
        row!("GET" "/api/v2/mirror-data/jobs", Partner, |w| "/api/v2/mirror-data/jobs".into(), none, 200, 200),
        row!("GET" "/api/v2/mirror-data/jobs/{job_id}", Partner,
            |w| format!("/api/v2/mirror-data/jobs/{}", w.job), none, 404, 404),
        row!("POST" "/api/v2/mirror-data/simple", Partner, |w| "/api/v2/mirror-data/simple".into(),
            |_| json!({"classrooms": [{"name": "Probe room", "students": [], "teachers": []}]}), 202, 403),
        row!("POST" "/api/v2/mirror-data/sso-token", Partner, |w| "/api/v2/mirror-data/sso-token".into(),
            |_| json!({"uuid": "s-s1"}), 404, 404),
        row!("DELETE" "/api/v2/mirror-data/users/{uuid}", Partner, |w| "/api/v2/mirror-data/users/s-s2".into(),
            none, 404, 404),
        row!("PUT" "/api/v2/mirror-data/users/{uuid}", Partner, |w| "/api/v2/mirror-data/users/s-s2".into(),
            |_| json!({"name": "Probe"}), 404, 404),
        row!("POST" "/api/v2/sso/exchange", Partner, |w| "/api/v2/sso/exchange".into(),
            |_| json!({"token": "not-a-link"}), 404, 404),
        row!("GET" "/api/v2/subjects", Partner, |w| "/api/v2/subjects".into(), none, 200, 200),
        row!("GET" "/api/v2/subjects/supervisors", Partner, |w| "/api/v2/subjects/supervisors".into(), none, 200, 200),
        row!("POST" "/api/v2/subjects/supervisors", Partner, |w| "/api/v2/subjects/supervisors".into(),
            |_| json!({"supervisors": [{"uuid": "sup", "name": "Probe", "subject_ids": [102]}]}), 422, 403),
        row!("GET" "/api/v2/subjects/supervisors/{uuid}", Partner, |w| "/api/v2/subjects/supervisors/sup".into(),
            none, 404, 404),
        row!("GET" "/api/v2/subjects/{subject_id}", Partner, |w| format!("/api/v2/subjects/{}", w.south_subject),
            none, 404, 404),
        row!("GET" "/classrooms", Partner, |w| "/classrooms".into(), none, 200, 200),
        // A hand-made classroom of its own tenant is the intruder's to make; it is the tenant's, not North's.
        row!("POST" "/classrooms", Partner, |w| "/classrooms".into(), |_| json!({"name": "Probe hand-made room"}), 201,
            403),
        row!("DELETE" "/classrooms/{classroom_id}", Partner, |w| format!("/classrooms/{}", w.south_section),
            none, 404, 404),
        row!("GET" "/classrooms/{classroom_id}", Partner, |w| format!("/classrooms/{}", w.south_section),
            none, 404, 404),
        row!("PATCH" "/classrooms/{classroom_id}", Partner, |w| format!("/classrooms/{}", w.south_section),
            |_| json!({"name": "Probe"}), 404, 404),
        row!("PUT" "/classrooms/{classroom_id}", Partner, |w| format!("/classrooms/{}", w.south_section),
            |_| json!({"name": "Probe"}), 404, 404),
        row!("GET" "/groups", Partner, |w| "/groups".into(), none, 200, 200),
        row!("POST" "/groups", Partner, |w| "/groups".into(), |_| json!({"name": "Probe group"}), 201, 201),
        row!("DELETE" "/groups/{group_id}", Partner, |w| format!("/groups/{}", w.tenant_group), none, 404, 404),
        row!("GET" "/groups/{group_id}", Partner, |w| format!("/groups/{}", w.tenant_group), none, 404, 404),
        row!("PATCH" "/groups/{group_id}", Partner, |w| format!("/groups/{}", w.tenant_group),
            |_| json!({"name": "Probe"}), 404, 404),
        row!("PUT" "/groups/{group_id}", Partner, |w| format!("/groups/{}", w.tenant_group),
            |_| json!({"name": "Probe"}), 404, 404),
        row!("GET" "/lms-user/all", Partner, |w| "/lms-user/all".into(), none, 200, 200),
        row!("POST" "/sso-token", Partner, |w| "/sso-token".into(), |w| json!({"jusoor_id": w.admin}), 404, 404),
        row!("POST" "/students/transfer", Partner, |w| "/students/transfer".into(),
            |_| json!({"data": [{"id": "probe-1", "name": "Probe", "username": "probe1"}]}), 200, 403),
        row!("GET" "/users", Partner, |w| "/users".into(), none, 200, 200),
        row!("POST" "/users", Partner, |w| "/users".into(),
            |w| json!({"name": "Probe", "username": "probe", "email": "probe@example.org", "role": [1],
                       "password": "correct horse", "student_of": [w.south_section]}), 422, 403),
        row!("GET" "/users/classrooms", Partner, |w| "/users/classrooms".into(), none, 200, 200),
        row!("GET" "/users/groups", Partner, |w| "/users/groups".into(), none, 200, 200),
        row!("GET" "/users/roles", Partner, |w| "/users/roles".into(), none, 200, 200),
        row!("DELETE" "/users/{user_id}", Partner, |w| format!("/users/{}", w.south_user), none, 404, 404),
        row!("GET" "/users/{user_id}", Partner, |w| format!("/users/{}", w.admin), none, 404, 404),
        row!("PATCH" "/users/{user_id}", Partner, |w| format!("/users/{}", w.south_user),
            |_| json!({"name": "Probe"}), 404, 404),
        row!("POST" "/users/{user_id}", Partner, |w| format!("/users/{}", w.admin),
            |_| json!({"password": "taken over!"}), 404, 404),
        row!("PUT" "/users/{user_id}", Partner, |w| format!("/users/{}", w.admin),
            |_| json!({"password": "taken over!", "role": [1]}), 404, 404),
        row!("GET" "/users/{user_id}/{relation}", Partner, |w| format!("/users/{}/classrooms", w.south_user),
            none, 404, 404),
        // Pages: the intruder's student, and a branch 1 student of the victim, aimed at the victim's branch 2.
        row!("GET" "/courses/{course_id}", Page, |w| format!("/courses/{}", w.course), none, 404, 404),
        row!("GET" "/dashboard", Page, |w| "/dashboard".into(), none, 403, 403),
        row!("POST" "/dashboard/classin-pushes", Page, |w| "/dashboard/classin-pushes".into(),
            |_| json!({"form": {"sid": "1", "url": "http://probe.example/"}}), 403, 403),
        row!("GET" "/home", Page, |w| "/home".into(), none, 200, 200),
        row!("GET" "/labs/assets/{name}", Page, |w| "/labs/assets/lab.css".into(), none, 200, 200),
        row!("GET" "/labs/attempts/{attempt_id}", Page, |w| format!("/labs/attempts/{}", w.attempt), none, 404, 404),
        row!("POST" "/labs/attempts/{attempt_id}/observe", Page, |w| format!("/labs/attempts/{}/observe", w.attempt),
            |_| json!({"setup": {"supply_voltage": 3.0}}), 404, 404),
        row!("POST" "/labs/attempts/{attempt_id}/submit", Page, |w| format!("/labs/attempts/{}/submit", w.attempt),
            |_| json!({"answer": 1}), 404, 404),
        row!("POST" "/labs/paths/{path_id}/start", Page, |w| format!("/labs/paths/{}/start", w.path_id), none,
            404, 404),
        row!("POST" "/lang", Page, |w| "/lang".into(), none, 303, 303),
        row!("GET" "/lessons/{lesson_id}", Page, |w| format!("/lessons/{}", w.private_lesson), none, 404, 404),
        row!("POST" "/lessons/{lesson_id}/book", Page, |w| format!("/lessons/{}/book", w.private_lesson), none,
            404, 404),
        row!("POST" "/lessons/{lesson_id}/cancel", Page, |w| format!("/lessons/{}/cancel", w.lesson), none, 404, 404),
        row!("POST" "/lessons/{lesson_id}/enter", Page, |w| format!("/lessons/{}/enter", w.private_lesson), none,
            404, 404),
        // Signs the probe's person out: the last page row that needs the session.
        row!("POST" "/logout", Page, |w| "/logout".into(), none, 200, 200),
        row!("GET" "/sso/{token}", Page, |w| "/sso/not-a-link".into(), none, 404, 404),
        row!("GET" "/docs", Public, |w| "/docs".into(), none, 200, 200),
        row!("GET" "/healthz", Public, |w| "/healthz".into(), none, 200, 200),
        row!("GET" "/metrics", Public, |w| "/metrics".into(), none, 200, 200),
        row!("GET" "/openapi.json", Public, |w| "/openapi.json".into(), none, 200, 200),
        row!("GET" "/readyz", Public, |w| "/readyz".into(), none, 200, 200),
    ]
}

/// ClassIn v1 actions: the action, its parameters aimed at the victim's people, courses and lessons, and the errno
/// for another school's SID and for a partner token (which is no SID). Add a row with each new action.
/// A ClassIn v2 row: the endpoint's path, its body, and the code for each probe.
pub type V2Row = (&'static str, fn(&World) -> Value, i64, i64);

pub type V1Row = (&'static str, fn(&World) -> Value, i64, i64);

pub const CLASSIN_V1: &[V1Row] = &[
    // Registering a telephone the victim uses makes a person of the intruder's own school.
    (
        "register",
        |_| {
            json!({"telephone": "13900000001", "nickname": "Probe", "addToSchoolMember": 1,
        "md5pass": "e10adc3949ba59abbe56e057f20f883e"})
        },
        1,
        102,
    ),
    (
        "registerMultiple",
        |_| {
            json!({"userJson": [{"telephone": "13900000001", "nickname": "Probe",
        "password": "secret12"}]})
        },
        1,
        102,
    ),
    (
        "addTeacher",
        |_| json!({"teacherAccount": "13900000001", "teacherName": "Probe"}),
        1,
        102,
    ),
    // The intruder's own person, made a student of its school by `register` above.
    (
        "addSchoolStudent",
        |_| json!({"studentAccount": "13900000001", "studentName": "Probe"}),
        133,
        102,
    ),
    (
        "editTeacher",
        |w| json!({"teacherUid": w.teacher_uid, "teacherName": "Probe"}),
        219,
        102,
    ),
    (
        "editSchoolStudent",
        |w| json!({"studentUid": w.pupil, "studentName": "Probe"}),
        228,
        102,
    ),
    (
        "stopUsingTeacher",
        |w| json!({"teacherUid": w.teacher_uid}),
        136,
        102,
    ),
    (
        "restartUsingTeacher",
        |w| json!({"teacherUid": w.teacher_uid}),
        136,
        102,
    ),
    (
        "addCourse",
        |w| json!({"courseName": "Probe", "mainTeacherUid": w.teacher_uid}),
        334,
        102,
    ),
    (
        "editCourse",
        |w| json!({"courseId": w.course, "courseName": "Probe"}),
        144,
        102,
    ),
    ("endCourse", |w| json!({"courseId": w.course}), 144, 102),
    (
        "addCourseStudent",
        |w| json!({"courseId": w.course, "studentUid": w.south_user, "identity": 1}),
        144,
        102,
    ),
    (
        "addCourseStudentMultiple",
        |w| {
            json!({"courseId": w.course, "identity": 1,
        "studentJson": [{"uid": w.south_user}]})
        },
        144,
        102,
    ),
    (
        "delCourseStudent",
        |w| json!({"courseId": w.course, "studentUid": w.south_user}),
        144,
        102,
    ),
    (
        "delCourseStudentMultiple",
        |w| json!({"courseId": w.course, "studentUidJson": [w.south_user]}),
        144,
        102,
    ),
    (
        "addCourseClass",
        |w| {
            json!({"courseId": w.course, "className": "Probe", "beginTime": crate::classin::now()
        + 7200, "endTime": crate::classin::now() + 9000, "teacherUid": w.teacher_uid})
        },
        144,
        102,
    ),
    (
        "addCourseClassMultiple",
        |w| {
            json!({"courseId": w.course, "classJson": [{"className": "Probe",
        "beginTime": crate::classin::now() + 7200, "endTime": crate::classin::now() + 9000,
        "teacherUid": w.teacher_uid}]})
        },
        144,
        102,
    ),
    (
        "editCourseClass",
        |w| json!({"courseId": w.course, "classId": w.private_lesson, "className": "Probe"}),
        144,
        102,
    ),
    (
        "delCourseClass",
        |w| json!({"courseId": w.course, "classId": w.private_lesson}),
        144,
        102,
    ),
    (
        "modifyClassSeatNum",
        |w| json!({"courseId": w.course, "classId": w.private_lesson, "seatNum": 1}),
        144,
        102,
    ),
    (
        "addClassStudentMultiple",
        |w| {
            json!({"courseId": w.course, "classId": w.private_lesson, "identity": 1,
        "studentJson": [{"uid": w.south_user}]})
        },
        144,
        102,
    ),
    (
        "delClassStudentMultiple",
        |w| {
            json!({"courseId": w.course, "classId": w.private_lesson,
        "studentUidJson": [w.booked]})
        },
        144,
        102,
    ),
    (
        "getLoginLinked",
        |w| json!({"uid": w.pupil, "courseId": w.course, "classId": w.private_lesson}),
        144,
        102,
    ),
    (
        "delEndCourseClass",
        |w| json!({"courseId": w.course, "classId": w.private_lesson}),
        144,
        102,
    ),
    (
        "addCourseClassStudent",
        |w| json!({"courseId": w.course, "studentUid": w.pupil, "classJson": [w.private_lesson]}),
        144,
        102,
    ),
    (
        "modifyCourseTeacher",
        |w| json!({"courseId": w.course, "teacherUid": w.teacher_uid}),
        144,
        102,
    ),
    (
        "removeCourseTeacher",
        |w| json!({"courseId": w.course, "teacherUid": w.teacher_uid}),
        144,
        102,
    ),
    (
        "modifyPasswordByTelephone",
        |w| json!({"uid": w.pupil, "password": "secret99"}),
        227,
        102,
    ),
    (
        "modifyPassword",
        |w| json!({"uid": w.teacher_uid, "password": "secret99"}),
        227,
        102,
    ),
    (
        "updateClassStudentComment",
        |w| {
            json!({"classId": w.private_lesson, "commentJson": [{"studentUid": w.pupil,
        "starNum": 1, "comment": "Probe"}]})
        },
        233,
        102,
    ),
    // The intruder's own label.
    ("addSchoolLabel", |_| json!({"labelName": "Probe"}), 1, 102),
    (
        "updateSchoolLabel",
        |w| json!({"labelId": w.label, "labelName": "Probe"}),
        355,
        102,
    ),
    (
        "deleteSchoolLabel",
        |w| json!({"labelId": w.label}),
        355,
        102,
    ),
    // One result per course: the batch answers 1, its item 144 (the victim's labels stay as they were).
    (
        "addCourseLabels",
        |w| json!({"courseList": [{"courseId": w.course, "labelIds": []}]}),
        1,
        102,
    ),
    (
        "addClassLabels",
        |w| json!({"courseId": w.course, "classList": [{"classId": w.private_lesson, "classLabelId": []}]}),
        144,
        102,
    ),
];

/// ClassIn v2 endpoints: the body aimed at the victim's course, unit and activity, and the code for another
/// school's signed request and for a partner token without a signature.
pub fn classin_v2_rows() -> Vec<V2Row> {
    let course = |w: &World| json!({"courseId": w.course});
    let unit = |w: &World| json!({"courseId": w.course, "unitId": w.unit, "name": "Probe", "publishFlag": 1});
    let activity = |w: &World| {
        json!({"courseId": w.course, "activityId": w.activity, "activityIds": [w.activity],
        "studentUids": [w.south_user], "unitId": w.unit, "name": "Probe"})
    };
    vec![
        ("/lms/unit/create", unit, 121_601_021, 101_002_008),
        ("/lms/unit/update", unit, 121_601_021, 101_002_008),
        ("/lms/unit/delete", unit, 121_601_021, 101_002_008),
        ("/lms/unit/move", unit, 121_601_021, 101_002_008),
        (
            "/lms/activity/createClass",
            |w| {
                json!({"courseId": w.course, "unitId": w.unit, "name": "Probe",
            "teacherUid": w.teacher_uid, "startTime": crate::classin::now() + 7200,
            "endTime": crate::classin::now() + 9000})
            },
            121_601_021,
            101_002_008,
        ),
        (
            "/lms/activity/updateClass",
            activity,
            121_601_021,
            101_002_008,
        ),
        ("/lms/activity/release", activity, 121_601_021, 101_002_008),
        ("/lms/activity/delete", activity, 121_601_021, 101_002_008),
        (
            "/lms/activity/addStudent",
            activity,
            121_601_021,
            101_002_008,
        ),
        (
            "/lms/activity/deleteStudent",
            activity,
            121_601_021,
            101_002_008,
        ),
        (
            "/lms/activity/createActivityNoClass",
            activity,
            121_601_021,
            101_002_008,
        ),
        (
            "/course/addCourseTeacher",
            |w| json!({"courseId": w.course, "teacherUids": [w.teacher_uid]}),
            121_601_021,
            101_002_008,
        ),
        (
            "/schooluser/modifyCourseStudentNickName",
            |w| {
                json!({"courseId": w.course, "studentUids": [w.pupil],
            "nickname": "Probe"})
            },
            121_601_059,
            101_002_008,
        ),
        ("/school/modifySchoolConf", course, 121_601_020, 101_002_008),
        (
            "/lms/onlineDoubleTeacher/addClass",
            course,
            121_601_032,
            101_002_008,
        ),
        (
            "/lms/onlineDoubleTeacher/editClass",
            course,
            121_601_032,
            101_002_008,
        ),
        (
            "/lms/onlineDoubleTeacher/deleteClass",
            course,
            121_601_032,
            101_002_008,
        ),
        (
            "/playback/addPlaybackUser",
            course,
            121_609_006,
            101_002_008,
        ),
        (
            "/playback/deletePlaybackUser",
            course,
            121_609_006,
            101_002_008,
        ),
        (
            "/playback/setPlaybackAllForbidden",
            course,
            121_609_006,
            101_002_008,
        ),
        (
            "/playback/setPlaybackAllViewable",
            course,
            121_609_006,
            101_002_008,
        ),
    ]
}
