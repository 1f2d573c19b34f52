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

use super::{
    errno,
    errnos_fixture::{data, fixture, row, Expect},
    errnos_lessons, errnos_people,
};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(every_documented_condition_answers_its_errno);

async fn every_documented_condition_answers_its_errno(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let f = fixture(&app).await;
    let mut rows = errnos_people::rows(&f);
    rows.extend(errnos_lessons::rows(&f));
    // An action nobody serves.
    rows.push(row("noSuchAction", json!({}), 100));
    let (course, open) = (f.course, f.open);
    let now = f.now;
    let new_lesson = |extra: Value| {
        let mut base = json!({"courseId": course, "className": "Optics", "beginTime": now + 7200,
                              "endTime": now + 7200 + 3600, "teacherUid": f.teacher});
        base.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        base
    };
    let open_more = json!({"live_url": format!("{}/lessons/{open}", app.address),
                           "live_info": {"RTMP": "", "HLS": "", "FLV": ""}});
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

    // The same request within 5 seconds (101003002), for the guarded actions. The two go out together, so the second
    // arrives inside the window however slowly this machine hashes the first one's password.
    let repeated = json!({"telephone": "13900000077", "password": "secret12"});
    let (first, second) = tokio::join!(
        f.alpha.call("register", repeated.clone()),
        f.alpha.call("register", repeated)
    );
    let mut errnos = [errno(&first), errno(&second)];
    errnos.sort_unstable();
    assert_eq!(errnos, [1, 101_003_002], "{first} {second}");

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
