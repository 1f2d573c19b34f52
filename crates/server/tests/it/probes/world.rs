//! The world the probes attack: a victim tenant with two branches (every name the North credential must not see
//! carries "Hidden", every name of the victim tenant carries "Victim"), its admin, groups, jobs, subjects, a
//! supervisor, a learning path with an attempt, ClassIn courses, lessons, bookings, units and activities; an intruder
//! tenant with its own people, partner token, ClassIn SID and a signed-in student; and the victim's North branch with
//! its own token and a signed-in student.

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    classin::{readback::lesson_at, school, School},
    harness::{send, TestApp, TestTenant},
    labs::{first_path_id, person, start, Person},
    mirror::mirror,
    sso::page,
};

/// Names no probe of the intruder may show.
pub const TENANT_MARKER: &str = "Victim";
/// Names no probe of the North credential may show.
pub const BRANCH_MARKER: &str = "Hidden";

/// Branch `id` ("North" or "Hidden") with section A: teacher `{prefix}-t`, students `{prefix}-s1`, `{prefix}-s2`.
fn branch(id: i64, prefix: &str, label: &str) -> Value {
    let name = |who: &str| format!("Victim {label} {who}");
    json!({"id": id, "name": name("campus"), "classes": [{"id": 10, "name": name("grade"), "sections": [
        {"name": name("A"), "subjects": [{"id": 100 + id, "name": name("physics"),
                                          "teachers": [{"uuid": format!("{prefix}-t"), "name": name("teacher")}]}],
         "students": [{"uuid": format!("{prefix}-s1"), "name": name("Sara")},
                      {"uuid": format!("{prefix}-s2"), "name": name("Omar")}]}]}]})
}

/// Everything the probes name, by classbridge's ids and the partner's.
pub struct World {
    pub intruder: TestTenant,
    pub intruder_school: School,
    pub intruder_student: Person,
    pub whole: TestTenant,
    pub north: TestTenant,
    pub north_student: Person,
    pub south_user: i64,
    pub admin: i64,
    pub south_section: i64,
    pub tenant_group: i64,
    pub south_subject: i64,
    pub job: String,
    pub path_uuid: String,
    pub path_token: String,
    pub path_id: i64,
    pub attempt: i64,
    pub course: i64,
    /// The course of the bookable lesson.
    pub open_course: i64,
    pub lesson: i64,
    pub private_lesson: i64,
    pub booked: i64,
    /// A student of the victim's course (registered through ClassIn, in branch 2).
    pub pupil: i64,
    pub teacher_uid: i64,
    pub unit: i64,
    pub activity: i64,
    /// A label of the victim's school (addSchoolLabel).
    pub label: i64,
    /// Every victim person whose state the probes must leave as it was.
    pub victim_people: Vec<i64>,
}

async fn ok(tenant: &TestTenant, method: Method, path: &str, body: Value) -> Value {
    let (status, answer) = send(tenant.request(method, path).json(&body)).await;
    assert!(
        (200..300).contains(&status),
        "{path} {body} → {status} {answer}"
    );
    answer
}

impl World {
    pub async fn build(app: &TestApp) -> Self {
        let quick = |request: &mut classbridge_service::admin::PartnerCredentialRequest| {
            request.rate_limit_per_minute = Some(0)
        };
        let whole = app.tenant_with("victim", quick).await;
        let north = app
            .tenant_with("victim", |request| {
                request.branch_id = Some(1);
                request.rate_limit_per_minute = Some(0);
            })
            .await;
        let job = mirror(
            &whole,
            &json!({"branches": [branch(1, "n", "North"), branch(2, "s", "Hidden")]}),
        )
        .await;
        assert_eq!(job["status"], "succeeded", "{job}");
        let job = job["id"].as_str().unwrap().to_owned();
        let admin = ok(
            &whole,
            Method::POST,
            "/users",
            json!({"name": "Victim Hidden head", "username": "head",
            "email": "head@victim.example", "role": [1], "password": "correct horse"}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        let users = ok(&whole, Method::GET, "/users?per_page=1000", Value::Null).await;
        let id_of = |uuid: &str| {
            users["data"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["uuid"] == uuid)
                .unwrap()["id"]
                .as_i64()
                .unwrap()
        };
        let classrooms = ok(&whole, Method::GET, "/classrooms", Value::Null).await;
        let south_section = classrooms["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["branch_id"] == 2)
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        let tenant_group = ok(
            &whole,
            Method::POST,
            "/groups",
            json!({"name": "Victim Hidden staff"}),
        )
        .await["id"]
            .as_i64()
            .unwrap();
        ok(
            &whole,
            Method::PUT,
            &format!("/users/{}", id_of("s-s1")),
            json!({"groups": [tenant_group]}),
        )
        .await;
        let subjects = ok(&whole, Method::GET, "/api/v2/subjects", Value::Null).await;
        let south_subject = subjects["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"].as_str().unwrap().contains(BRANCH_MARKER))
            .unwrap()["id"]
            .as_i64()
            .unwrap();
        ok(
            &whole,
            Method::POST,
            "/api/v2/subjects/supervisors",
            json!({"supervisors": [
            {"uuid": "sup", "name": "Victim Hidden supervisor", "subject_ids": [102]}]}),
        )
        .await;
        let created = ok(&whole, Method::POST, "/api/v2/learning-path/teacher/experiment", json!({
            "subject_name": "Victim Hidden electricity", "subject_uuid": "victim-path", "experiment_id": "ohms-law",
            "experiment_name": "Ohm's law", "max_attempts": 3, "teacher_uuid": ["s-t"],
            "teacher_name": ["Victim Hidden teacher"]}))
        .await;
        let path_token = created["experiment_token"].as_str().unwrap().to_owned();
        let south_student = person(app, &whole, "s-s1").await;
        let (_, home) = page(app, "/home", &south_student.session).await;
        let path_id = first_path_id(&home);
        let (status, attempt, body) = start(app, &south_student, path_id).await;
        assert_eq!(status, 303, "{body}");

        let victim_school = school(app, "victim").await;
        let label = victim_school
            .ok(
                "addSchoolLabel",
                json!({"labelName": "Victim Hidden label"}),
            )
            .await["labelId"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let teacher_uid = victim_school
            .register("13900000001", "Victim Hidden lecturer", 2)
            .await;
        ok(
            &whole,
            Method::PUT,
            &format!("/users/{teacher_uid}"),
            json!({"teacher_of": [south_section]}),
        )
        .await;
        let course = victim_school
            .ok(
                "addCourse",
                json!({"courseName": "Victim Hidden course", "mainTeacherUid": teacher_uid}),
            )
            .await
            .as_i64()
            .unwrap();
        let pupil = victim_school
            .register("13900000002", "Victim Hidden pupil", 1)
            .await;
        ok(
            &whole,
            Method::PUT,
            &format!("/users/{pupil}"),
            json!({"student_of": [south_section]}),
        )
        .await;
        victim_school
            .ok(
                "addCourseStudent",
                json!({"courseId": course, "studentUid": pupil, "identity": 1}),
            )
            .await;
        // Bookable lessons are the school's open offer, shown to every student of the tenant on their home page
        // (Mode B): this one is named as what every victim student may see, and is still branch 2's for tokens.
        let open_teacher = victim_school
            .register("13900000003", "Victim open teacher", 2)
            .await;
        ok(
            &whole,
            Method::PUT,
            &format!("/users/{open_teacher}"),
            json!({"teacher_of": [south_section]}),
        )
        .await;
        let open_course = victim_school
            .ok(
                "addCourse",
                json!({"courseName": "Victim open course", "mainTeacherUid": open_teacher}),
            )
            .await
            .as_i64()
            .unwrap();
        let lesson = lesson_at(
            &victim_school,
            open_course,
            open_teacher,
            "Victim open lab",
            7200,
            60,
            json!({"bookable": 1, "seatNum": 4}),
        )
        .await;
        let private_lesson = lesson_at(
            &victim_school,
            course,
            teacher_uid,
            "Victim Hidden talk",
            10_800,
            60,
            json!({}),
        )
        .await;
        let booked = id_of("s-s1");
        ok(
            &whole,
            Method::POST,
            &format!("/api/v2/lessons/{lesson}/bookings"),
            json!({"uid": booked}),
        )
        .await;
        let unit = victim_school.unit(course, "Victim Hidden week", 2).await;
        let begin = crate::classin::now() + 14_400;
        let activity = victim_school
            .v2_ok(
                "/lms/activity/createClass",
                json!({"courseId": course, "unitId": unit,
                "name": "Victim Hidden optics", "teacherUid": teacher_uid, "startTime": begin,
                "endTime": begin + 3600}),
            )
            .await["activityId"]
            .as_i64()
            .unwrap();

        let intruder = app.tenant_with("intruder", quick).await;
        let job_of_intruder = mirror(&intruder, &json!({"branches": [{"id": 1, "name": "Intruder campus",
            "classes": [{"id": 1, "name": "Intruder grade", "sections": [{"name": "X", "subjects": [],
            "students": [{"uuid": "i-s1", "name": "Intruder pupil"}]}]}]}]}))
        .await;
        assert_eq!(job_of_intruder["status"], "succeeded");
        let intruder_student = person(app, &intruder, "i-s1").await;
        let intruder_school = school(app, "intruder").await;
        let north_student = person(app, &whole, "n-s1").await;
        let victim_people = vec![
            id_of("s-s1"),
            id_of("s-s2"),
            id_of("s-t"),
            admin,
            teacher_uid,
            pupil,
            open_teacher,
        ];
        Self {
            intruder,
            intruder_school,
            intruder_student,
            whole,
            north,
            north_student,
            south_user: id_of("s-s2"),
            admin,
            south_section,
            tenant_group,
            south_subject,
            job,
            path_uuid: "victim-path".into(),
            path_token,
            path_id,
            attempt: attempt.expect("an attempt"),
            label,
            course,
            open_course,
            lesson,
            private_lesson,
            booked,
            pupil,
            teacher_uid,
            unit,
            activity,
            victim_people,
        }
    }

    /// What the probes must not change, read with the victim's tenant-wide token (and the admin's password hash).
    pub async fn fingerprint(&self, app: &TestApp) -> Value {
        let mut paths = vec![
            format!("/classrooms/{}", self.south_section),
            format!("/groups/{}", self.tenant_group),
            format!("/api/v2/subjects/{}", self.south_subject),
            "/api/v2/subjects/supervisors/sup".to_owned(),
            format!("/api/v2/mirror-data/jobs/{}", self.job),
            format!("/api/v2/courses/{}", self.course),
            format!("/api/v2/courses/{}/outline", self.course),
            format!("/api/v2/courses/{}", self.open_course),
            format!("/api/v2/lessons/{}", self.lesson),
            format!("/api/v2/lessons/{}", self.private_lesson),
        ];
        for id in &self.victim_people {
            for relation in ["roles", "groups", "classrooms"] {
                paths.push(format!("/users/{id}/{relation}"));
            }
        }
        let mut print = serde_json::Map::new();
        for path in paths {
            let (status, body) = send(self.whole.get(&path)).await;
            print.insert(path, json!([status, body]));
        }
        let (status, grades) = send(
            self.whole
                .get(&format!(
                    "/api/v2/learning-path/teacher/{}/grades",
                    self.path_uuid
                ))
                .header("experiment-token", &self.path_token),
        )
        .await;
        print.insert("grades".into(), json!([status, grades]));
        print.insert(
            "admin password".into(),
            json!(app.password_hash_of(self.admin).await),
        );
        Value::Object(print)
    }
}
