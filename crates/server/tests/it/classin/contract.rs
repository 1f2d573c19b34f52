//! ClassIn's APIs in `/openapi.json`: every served v1 action and every routed v2 path is an operation with a typed
//! request body and a typed 200 body, and real answers of the running server (successes, batch items, failures that
//! carry data) validate against the documented schemas (the `jsonschema` crate, schemas resolved in the document).

use std::collections::BTreeSet;

use classbridge_api::{
    classin::{actions::ACTIONS, openapi::path_of},
    classin_v2::openapi::documented_paths,
};
use serde_json::{json, Value};

use super::{now, school, School};
use crate::{
    both_databases,
    harness::{Backend, TestApp},
};

both_databases!(real_answers_conform_to_the_documented_schemas);

/// The schema a `$ref` names, from the document.
fn resolve<'d>(document: &'d Value, reference: &Value) -> &'d Value {
    let name = reference
        .as_str()
        .and_then(|text| text.strip_prefix("#/components/schemas/"))
        .unwrap_or_else(|| panic!("not a schema reference: {reference}"));
    let schema = &document["components"]["schemas"][name];
    assert!(schema.is_object(), "{name} is referenced, not defined");
    schema
}

/// A referenced object schema with properties.
fn typed_object<'d>(document: &'d Value, reference: &Value, what: &str) -> &'d Value {
    let schema = resolve(document, reference);
    assert_eq!(schema["type"], "object", "{what}: {schema}");
    assert!(
        schema["properties"]
            .as_object()
            .is_some_and(|properties| !properties.is_empty()),
        "{what} lists no properties: {schema}"
    );
    schema
}

fn answer_reference(operation: &Value) -> &Value {
    &operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_v1_action_and_v2_path_is_documented_with_typed_bodies() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let document = app.openapi().await;
    let paths = document["paths"].as_object().unwrap();
    let mut classin_paths = BTreeSet::new();
    for action in &ACTIONS {
        let path = path_of(action.name);
        let operation = &paths
            .get(&path)
            .unwrap_or_else(|| panic!("{path} is not documented"))["post"];
        assert_eq!(
            operation["operationId"],
            format!("classin_v1_{}", action.name)
        );
        assert_eq!(operation["tags"], json!(["ClassIn v1"]));
        assert!(
            operation["description"]
                .as_str()
                .unwrap()
                .contains("| errno | meaning |"),
            "{path} lists no errnos"
        );
        let contents = operation["requestBody"]["content"].as_object().unwrap();
        let types: BTreeSet<&str> = contents.keys().map(String::as_str).collect();
        assert_eq!(
            types,
            BTreeSet::from(["application/x-www-form-urlencoded", "multipart/form-data"])
        );
        for (content_type, content) in contents {
            let schema = typed_object(
                &document,
                &content["schema"]["$ref"],
                &format!("{path} {content_type}"),
            );
            for auth in ["SID", "timeStamp", "safeKey"] {
                assert!(
                    schema["required"]
                        .as_array()
                        .unwrap()
                        .contains(&json!(auth)),
                    "{path}: {auth}"
                );
            }
        }
        let answer = typed_object(&document, answer_reference(operation), &path);
        assert_eq!(
            answer["properties"]["error_info"]["$ref"],
            "#/components/schemas/ClassInV1ErrorInfo"
        );
        classin_paths.insert(path);
    }
    for path in documented_paths() {
        let operation = &paths
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not documented"))["post"];
        assert_eq!(operation["tags"], json!(["ClassIn v2"]), "{path}");
        let headers: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|parameter| parameter["in"] == "header" && parameter["required"] == true)
            .map(|parameter| parameter["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            headers,
            BTreeSet::from(["X-EEO-SIGN", "X-EEO-UID", "X-EEO-TS"]),
            "{path}"
        );
        typed_object(
            &document,
            &operation["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            path,
        );
        let answer = typed_object(&document, answer_reference(operation), path);
        for key in ["code", "msg", "data"] {
            assert!(
                answer["required"].as_array().unwrap().contains(&json!(key)),
                "{path}: {key}"
            );
        }
        classin_paths.insert(path.to_owned());
    }
    // Nothing else is tagged ClassIn.
    let tagged: BTreeSet<String> = paths
        .iter()
        .filter(|(_, item)| {
            item.as_object().unwrap().values().any(|operation| {
                operation["tags"].as_array().is_some_and(|tags| {
                    tags.iter()
                        .any(|tag| tag.as_str().unwrap().starts_with("ClassIn"))
                })
            })
        })
        .map(|(path, _)| path.clone())
        .collect();
    assert_eq!(tagged, classin_paths);
}

/// Validates answers against the document's schemas.
struct Contract {
    document: Value,
    checked: usize,
}

impl Contract {
    fn check(&mut self, path: &str, answer: &Value) {
        let reference = answer_reference(&self.document["paths"][path]["post"]).clone();
        assert!(reference.is_string(), "{path} has no documented answer");
        let root = json!({"$ref": reference, "components": self.document["components"].clone()});
        let validator =
            jsonschema::draft202012::new(&root).expect("the documented schema compiles");
        let errors: Vec<String> = validator
            .iter_errors(answer)
            .map(|error| format!("{} at {}", error, error.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{path}: the answer does not conform:\n{answer:#}\n{errors:#?}"
        );
        self.checked += 1;
    }

    /// A v1 call, its answer checked; the answer.
    async fn v1(&mut self, school: &School, action: &str, params: Value) -> Value {
        let answer = school.call(action, params).await;
        self.check(&path_of(action), &answer);
        answer
    }

    /// A v1 call that must succeed, checked; its `data`.
    async fn v1_ok(&mut self, school: &School, action: &str, params: Value) -> Value {
        let answer = self.v1(school, action, params.clone()).await;
        assert_eq!(
            answer["error_info"]["errno"], 1,
            "{action} {params} → {answer}"
        );
        answer.get("data").cloned().unwrap_or(Value::Null)
    }

    async fn v2(&mut self, school: &School, path: &str, body: Value) -> Value {
        let answer = school.v2(path, body).await;
        self.check(path, &answer);
        answer
    }
}

async fn real_answers_conform_to_the_documented_schemas(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = school(&app, "alpha").await;
    let mut c = Contract {
        document: app.openapi().await,
        checked: 0,
    };
    // Every documented action is served: called with no parameters, none is unknown, and each answer conforms.
    for action in &ACTIONS {
        let answer = c.v1(&school, action.name, json!({})).await;
        let error = answer["error_info"]["error"].as_str().unwrap();
        assert!(
            !error.contains("Unknown action") && !error.contains("not supported"),
            "{}: {answer}",
            action.name
        );
    }

    let md5 = "e10adc3949ba59abbe56e057f20f883e";
    let register = |telephone: &str, identity: i64| json!({"telephone": telephone, "nickname": "Person", "md5pass": md5, "addToSchoolMember": identity});
    let teacher = c
        .v1_ok(&school, "register", register("13900000001", 2))
        .await
        .as_i64()
        .unwrap();
    let other_teacher = c
        .v1_ok(&school, "register", register("13900000002", 2))
        .await
        .as_i64()
        .unwrap();
    let student = c
        .v1_ok(&school, "register", register("13900000003", 1))
        .await
        .as_i64()
        .unwrap();
    let taken = c
        .v1(
            &school,
            "register",
            json!({"telephone": "13900000001", "password": "another1"}),
        )
        .await;
    assert_eq!(
        (&taken["error_info"]["errno"], &taken["data"]),
        (&json!(135), &json!(teacher))
    );
    let items = c
        .v1(
            &school,
            "registerMultiple",
            json!({"userJson": [{"telephone": "13900000004", "password": "secret1", "customColumn": 7},
                                {"telephone": "13900000001", "password": "secret1"},
                                {"telephone": "12", "password": "secret1"}, "not an object"]}),
        )
        .await;
    assert_eq!(items["data"][0]["customColumn"], "7", "{items}");
    let repeated = c
        .v1(
            &school,
            "addTeacher",
            json!({"teacherAccount": "13900000001", "teacherName": "Tess"}),
        )
        .await;
    assert_eq!(repeated["error_info"]["errno"], 133, "{repeated}");
    assert!(repeated["data"].is_i64(), "{repeated}");
    c.v1_ok(
        &school,
        "editSchoolStudent",
        json!({"studentUid": student, "studentName": "Sara"}),
    )
    .await;

    let course = c
        .v1_ok(
            &school,
            "addCourse",
            json!({"courseName": "Physics", "courseUniqueIdentity": "physics-1"}),
        )
        .await
        .as_i64()
        .unwrap();
    let again = c
        .v1(
            &school,
            "addCourse",
            json!({"courseName": "Physics", "courseUniqueIdentity": "physics-1"}),
        )
        .await;
    assert_eq!(
        (&again["error_info"]["errno"], &again["data"]),
        (&json!(398), &json!(course))
    );
    c.v1_ok(
        &school,
        "addCourseStudent",
        json!({"courseId": course, "identity": 1, "studentUid": student}),
    )
    .await;
    c.v1(
        &school,
        "addCourseStudentMultiple",
        json!({"courseId": course, "identity": 2, "studentJson": [{"uid": student, "customColumn": "a"}, {"uid": 999}]}),
    )
    .await;

    let begin = now() + 7200;
    let lesson_params = |identity: &str| {
        json!({"courseId": course, "className": "Optics", "beginTime": begin, "endTime": begin + 3600,
               "teacherUid": teacher, "courseUniqueIdentity": identity})
    };
    let made = c
        .v1(&school, "addCourseClass", lesson_params("optics-1"))
        .await;
    let lesson = made["data"].as_i64().expect("a lesson id");
    assert!(made["more_data"]["live_url"].is_string(), "{made}");
    let repeat = c
        .v1(&school, "addCourseClass", lesson_params("optics-1"))
        .await;
    assert_eq!(repeat["error_info"]["errno"], 398);
    assert!(repeat["more_data"].is_object(), "{repeat}");
    let batch = c
        .v1(
            &school,
            "addCourseClassMultiple",
            json!({"courseId": course, "classJson": [
                {"className": "Waves", "beginTime": begin + 86_400, "endTime": begin + 90_000, "teacherUid": teacher,
                 "customColumn": "w", "courseUniqueIdentity": "waves-1", "assistantUids": [other_teacher]},
                {"className": "Waves", "beginTime": begin, "endTime": begin + 3600, "teacherUid": teacher,
                 "courseUniqueIdentity": "waves-1"},
                {"className": "Heat", "beginTime": begin, "endTime": begin + 3600, "teacherUid": teacher,
                 "courseUniqueIdentity": "optics-1"}]}),
        )
        .await;
    assert_eq!(super::item_errnos(&batch), [1, 133, 398], "{batch}");
    assert!(batch["data"][2]["more_data"].is_object(), "{batch}");
    let edited = c
        .v1(
            &school,
            "editCourseClass",
            json!({"courseId": course, "classId": lesson, "className": "Optics 2"}),
        )
        .await;
    assert!(
        edited.get("data").is_none() && edited["more_data"].is_object(),
        "{edited}"
    );
    c.v1_ok(
        &school,
        "modifyClassSeatNum",
        json!({"courseId": course, "classId": lesson, "seatNum": 4}),
    )
    .await;
    c.v1(
        &school,
        "addClassStudentMultiple",
        json!({"courseId": course, "classId": lesson, "studentJson": [{"uid": student, "customColumn": "x"}]}),
    )
    .await;
    c.v1(
        &school,
        "addCourseClassStudent",
        json!({"courseId": course, "studentUid": student, "classJson": [lesson, 999_999]}),
    )
    .await;
    let link = c
        .v1_ok(
            &school,
            "getLoginLinked",
            json!({"uid": teacher, "courseId": course, "classId": lesson}),
        )
        .await;
    assert!(link.as_str().unwrap().starts_with("http"), "{link}");
    let label = c
        .v1_ok(&school, "addSchoolLabel", json!({"labelName": "Science"}))
        .await;
    let existing = c
        .v1(&school, "addSchoolLabel", json!({"labelName": "Science"}))
        .await;
    assert_eq!(
        (&existing["error_info"]["errno"], &existing["data"]),
        (&json!(353), &label)
    );
    let label: i64 = label["labelId"].as_str().unwrap().parse().unwrap();
    let labels = c
        .v1(
            &school,
            "addCourseLabels",
            json!({"courseList": [{"courseId": course.to_string(), "labelIds": [label], "customColumn": "c"},
                                  {"courseId": "x"}, {"courseId": true}]}),
        )
        .await;
    assert_eq!(labels["data"][0]["courseId"], course, "{labels}");
    c.v1(
        &school,
        "addClassLabels",
        json!({"courseId": course, "classList": [{"classId": lesson, "classLabelId": [label]}]}),
    )
    .await;
    c.v1(
        &school,
        "updateClassStudentComment",
        json!({"classId": lesson, "commentJson": [{"studentUid": student, "starNum": 4, "comment": "Good",
                                                   "customColumn": "s"}, {"studentUid": 1.5}]}),
    )
    .await;
    let teachers = c
        .v1(
            &school,
            "modifyCourseTeacher",
            json!({"courseId": course, "teacherUid": other_teacher}),
        )
        .await;
    assert!(
        teachers["data"]
            .as_array()
            .is_some_and(|items| !items.is_empty()),
        "{teachers}"
    );
    c.v1(
        &school,
        "delClassStudentMultiple",
        json!({"courseId": course, "classId": lesson, "studentUidJson": [student, 5]}),
    )
    .await;
    c.v1(
        &school,
        "delCourseStudentMultiple",
        json!({"courseId": course, "identity": 1, "studentUidJson": [student]}),
    )
    .await;
    let missing = c
        .v1(
            &school,
            "addCourseClass",
            json!({"courseId": 999_999, "className": "X", "beginTime": begin,
                                             "endTime": begin + 3600, "teacherUid": teacher}),
        )
        .await;
    assert_eq!(missing["error_info"]["errno"], 144);

    // v2: successes of each shape, a failure (data null) and an endpoint classbridge does not act on.
    let unit = c
        .v2(
            &school,
            "/lms/unit/create",
            json!({"courseId": course, "name": "Week 1", "publishFlag": 0}),
        )
        .await;
    let unit = unit["data"]["unitId"].as_i64().expect("a unit id");
    c.v2(
        &school,
        "/lms/unit/update",
        json!({"courseId": course, "unitId": unit, "content": "Intro"}),
    )
    .await;
    let classroom = c
        .v2(
            &school,
            "/lms/activity/createClass",
            json!({"courseId": course, "unitId": unit, "name": "Lab", "teacherUid": teacher,
                   "startTime": begin, "endTime": begin + 3600, "assistantUids": [other_teacher]}),
        )
        .await;
    let activity = classroom["data"]["activityId"]
        .as_i64()
        .expect("an activity");
    c.v2(
        &school,
        "/lms/activity/updateClass",
        json!({"courseId": course, "activityId": activity, "name": "Lab 2"}),
    )
    .await;
    let mut drafts = Vec::new();
    for name in ["Homework", "Reading", "Quiz"] {
        let draft = c
            .v2(
                &school,
                "/lms/activity/createActivityNoClass",
                json!({"courseId": course, "unitId": unit, "activityType": 5, "name": name, "teacherUid": teacher}),
            )
            .await;
        drafts.push(draft["data"]["activityId"].as_i64().expect("a draft"));
    }
    let one = c
        .v2(
            &school,
            "/lms/activity/release",
            json!({"courseId": course, "activityId": drafts[0]}),
        )
        .await;
    assert!(one["data"].is_object(), "{one}");
    let several = c
        .v2(
            &school,
            "/lms/activity/release",
            json!({"courseId": course, "activityIds": [drafts[1], drafts[2]]}),
        )
        .await;
    assert!(several["data"].is_array(), "{several}");
    let added = c
        .v2(
            &school,
            "/lms/activity/addStudent",
            json!({"courseId": course, "activityId": activity, "studentUids": [student, 999]}),
        )
        .await;
    assert_eq!(added["data"].as_array().map(Vec::len), Some(2), "{added}");
    c.v2(
        &school,
        "/lms/activity/deleteStudent",
        json!({"courseId": course, "activityId": activity, "studentUids": [student]}),
    )
    .await;
    c.v2(
        &school,
        "/course/addCourseTeacher",
        json!({"courseId": course, "teacherUids": [other_teacher, 5]}),
    )
    .await;
    c.v2(
        &school,
        "/schooluser/modifyCourseStudentNickName",
        json!({"studentUids": [student, 5]}),
    )
    .await;
    let second = c
        .v2(
            &school,
            "/lms/unit/create",
            json!({"courseId": course, "name": "Week 2", "publishFlag": 2}),
        )
        .await;
    let second = second["data"]["unitId"].as_i64().unwrap();
    c.v2(
        &school,
        "/lms/unit/move",
        json!({"courseId": course, "unitId": unit, "toUnitId": second}),
    )
    .await;
    c.v2(
        &school,
        "/lms/activity/delete",
        json!({"courseId": course, "activityId": drafts[0]}),
    )
    .await;
    c.v2(
        &school,
        "/lms/unit/delete",
        json!({"courseId": course, "unitId": second}),
    )
    .await;
    let failed = c
        .v2(
            &school,
            "/lms/unit/create",
            json!({"courseId": 999_999, "name": "X", "publishFlag": 0}),
        )
        .await;
    assert_eq!(
        (&failed["code"], &failed["data"]),
        (&json!(147), &Value::Null)
    );
    let refused = c
        .v2(
            &school,
            "/playback/addPlaybackUser",
            json!({"courseId": course, "classId": 1, "uidList": [1]}),
        )
        .await;
    assert_eq!(refused["code"], 121_609_006);
    assert!(
        c.checked > ACTIONS.len() + 40,
        "{} answers checked",
        c.checked
    );
}
