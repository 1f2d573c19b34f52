//! Branch-scoped credentials, end to end: a credential limited to branch 1 sees and changes only branch 1's people,
//! classrooms, groups, jobs, courses, lessons and bookings, signs in only its people, and never acts on admins,
//! supervisors or what belongs to the whole tenant. Each refusal the earlier attack found has its test here.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{json, Value};

use crate::{
    both_databases,
    classin::{
        readback::{lesson_at, partner},
        school,
    },
    harness::{send, Backend, TestApp, TestTenant},
    mirror::{mirror, person},
};

both_databases!(
    a_branch_credential_reaches_only_its_branchs_people,
    a_branch_credential_never_acts_on_admins_or_tenant_wide_users,
    a_branch_credential_sees_only_its_classrooms_groups_and_jobs,
    a_branch_credential_signs_in_only_its_people,
    a_branch_credential_books_and_reads_only_its_branchs_lessons,
);

/// Branch `id` with one class of one section "A": teacher `{prefix}-t`, students `{prefix}-s1` and `{prefix}-s2`.
pub fn branch(id: i64, prefix: &str) -> Value {
    json!({"id": id, "name": format!("Branch {id}"), "classes": [{"id": 10, "name": "Grade 5", "sections": [
        {"name": "A", "subjects": [{"id": 100, "name": "Math", "teachers": [person(&format!("{prefix}-t"), "Teacher")]}],
         "students": [person(&format!("{prefix}-s1"), "Student One"), person(&format!("{prefix}-s2"), "Student Two")]}
    ]}]})
}

/// A tenant with branches 1 (people n-…) and 2 (people s-…), an admin, and credentials for the whole tenant and
/// for branch 1.
pub struct TwoBranches {
    pub whole: TestTenant,
    pub north: TestTenant,
    /// User ids by uuid (and "admin").
    pub people: HashMap<String, i64>,
    /// Section ids by branch id.
    pub sections: HashMap<i64, i64>,
}

impl TwoBranches {
    pub async fn new(app: &TestApp, slug: &str) -> Self {
        let whole = partner(app, slug).await;
        let north = app
            .tenant_with(slug, |request| {
                request.branch_id = Some(1);
                request.rate_limit_per_minute = Some(0);
            })
            .await;
        let job = mirror(
            &whole,
            &json!({"branches": [branch(1, "n"), branch(2, "s")]}),
        )
        .await;
        assert_eq!(job["status"], "succeeded", "{job}");
        let (status, admin) = send(whole.post_json(
            "/users",
            &json!({"name": "Head", "username": "head", "email": "head@school.example", "role": [1],
                    "password": "correct horse"}),
        ))
        .await;
        assert_eq!(status, 201, "{admin}");
        let mut people = HashMap::from([("admin".to_owned(), admin["id"].as_i64().unwrap())]);
        let (_, users) = send(whole.get("/users?per_page=1000")).await;
        for user in users["data"].as_array().unwrap() {
            if let Some(uuid) = user["uuid"].as_str() {
                people.insert(uuid.to_owned(), user["id"].as_i64().unwrap());
            }
        }
        let (_, classrooms) = send(whole.get("/classrooms?per_page=1000")).await;
        let sections = classrooms["data"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| Some((c["branch_id"].as_i64()?, c["id"].as_i64()?)))
            .collect();
        Self {
            whole,
            north,
            people,
            sections,
        }
    }

    pub fn id(&self, key: &str) -> i64 {
        self.people[key]
    }
}

async fn call(
    tenant: &TestTenant,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = tenant.request(method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    send(request).await
}

async fn a_branch_credential_reaches_only_its_branchs_people(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = TwoBranches::new(&app, "alpha").await;
    let north = &school.north;
    let (status, list) = send(north.get("/users?per_page=1000")).await;
    assert_eq!(status, 200, "{list}");
    let mut uuids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["uuid"].as_str().unwrap_or("-"))
        .collect();
    uuids.sort_unstable();
    assert_eq!(uuids, ["n-s1", "n-s2", "n-t"], "{list}");
    assert_eq!(list["meta"]["total"], 3);
    let south = school.id("s-s1");
    for path in [
        format!("/users/{south}"),
        format!("/users/{south}/classrooms"),
    ] {
        assert_eq!(call(north, Method::GET, &path, None).await.0, 404, "{path}");
    }
    let (status, _) = call(
        north,
        Method::PUT,
        &format!("/users/{south}"),
        Some(json!({"name": "Renamed"})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(north, Method::DELETE, &format!("/users/{south}"), None).await;
    assert_eq!(status, 404, "DELETE of another branch's person");
    let (status, still) = send(school.whole.get(&format!("/users/{south}"))).await;
    assert_eq!((status, still["name"].as_str()), (200, Some("Student One")));
    for method in [Method::PUT, Method::DELETE] {
        let (status, _) = call(
            north,
            method,
            "/api/v2/mirror-data/users/s-s2",
            Some(json!({"name": "X"})),
        )
        .await;
        assert_eq!(status, 404);
    }
    // Its own people it reads and changes, and their classrooms of other branches stay out of sight.
    let own = school.id("n-s1");
    let (status, renamed) = call(
        north,
        Method::PUT,
        &format!("/users/{own}"),
        Some(json!({"name": "Nour"})),
    )
    .await;
    assert_eq!(
        (status, renamed["name"].as_str()),
        (200, Some("Nour")),
        "{renamed}"
    );
    let both = school.id("n-s2");
    let (status, _) = call(
        &school.whole,
        Method::PUT,
        &format!("/users/{both}"),
        Some(json!({"student_of": [school.sections[&1], school.sections[&2]]})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, seen) = send(north.get(&format!("/users/{both}/classrooms"))).await;
    assert_eq!(seen["classrooms"].as_array().unwrap().len(), 1, "{seen}");
    assert_eq!(seen["classrooms"][0]["branch_id"], 1);
    // Replacing its classrooms leaves the other branch's membership as it was.
    let (status, _) = call(
        north,
        Method::PUT,
        &format!("/users/{both}"),
        Some(json!({"student_of": []})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, kept) = send(school.whole.get(&format!("/users/{both}/classrooms"))).await;
    assert_eq!(kept["classrooms"].as_array().unwrap().len(), 1, "{kept}");
    assert_eq!(kept["classrooms"][0]["branch_id"], 2);
    let (status, _) = call(north, Method::DELETE, &format!("/users/{own}"), None).await;
    assert_eq!(status, 200);
}

async fn a_branch_credential_never_acts_on_admins_or_tenant_wide_users(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = TwoBranches::new(&app, "alpha").await;
    let north = &school.north;
    let admin = school.id("admin");
    let (status, _) = call(
        north,
        Method::PUT,
        &format!("/users/{admin}"),
        Some(json!({"password": "taken over!"})),
    )
    .await;
    assert_eq!(status, 404, "an admin outside the branch is not there");
    // An admin who teaches in the branch is seen but not changed, deleted or given a password.
    let (status, _) = call(
        &school.whole,
        Method::PUT,
        &format!("/users/{admin}"),
        Some(json!({"teacher_of": [school.sections[&1]]})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(send(north.get(&format!("/users/{admin}"))).await.0, 200);
    let hash = app.password_hash_of(admin).await;
    for (method, body) in [
        (Method::PUT, Some(json!({"password": "taken over!"}))),
        (Method::PATCH, Some(json!({"name": "Nobody"}))),
        (Method::DELETE, None),
    ] {
        let (status, refused) = call(north, method.clone(), &format!("/users/{admin}"), body).await;
        assert_eq!(status, 403, "{method} {refused}");
        assert!(
            refused["message"].as_str().unwrap().contains("branch 1"),
            "{refused}"
        );
    }
    assert_eq!(app.password_hash_of(admin).await, hash);
    let own = school.id("n-s1");
    for role in [json!([1]), json!(["supervisor"]), json!("admin")] {
        let (status, _) = call(
            north,
            Method::PUT,
            &format!("/users/{own}"),
            Some(json!({"role": role})),
        )
        .await;
        assert_eq!(status, 403, "promoting to {role}");
    }
    let new = |extra: Value| {
        let mut body = json!({"name": "New", "username": format!("new{}", ulid::Ulid::new()),
                              "email": format!("{}@school.example", ulid::Ulid::new().to_string().to_lowercase())});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        body
    };
    let (status, _) = send(north.post_json(
        "/users",
        &new(json!({"role": [1], "student_of": [school.sections[&1]]})),
    ))
    .await;
    assert_eq!(status, 403, "an admin made by a branch credential");
    let (status, refused) = send(north.post_json("/users", &new(json!({})))).await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["errors"]["student_of"].is_array(), "{refused}");
    let (status, refused) =
        send(north.post_json("/users", &new(json!({"student_of": [school.sections[&2]]})))).await;
    assert_eq!(status, 422, "another branch's section is no section");
    assert!(refused["errors"]["student_of.0"].is_array(), "{refused}");
    let (status, refused) = call(
        north,
        Method::PUT,
        &format!("/users/{own}"),
        Some(json!({"teacher_of": [school.sections[&2]]})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, made) = send(north.post_json(
        "/users",
        &new(json!({"teacher_of": [school.sections[&1]], "role": [2]})),
    ))
    .await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(
        send(north.get(&format!("/users/{}", made["id"]))).await.0,
        200
    );
    let (status, refused) = send(north.post_json(
        "/students/transfer",
        &json!({"data": [{"id": 9001, "name": "Outside", "username": "outside"}]}),
    ))
    .await;
    assert_eq!(status, 403, "{refused}");
    let (_, lms) = send(school.whole.get("/lms-user/all")).await;
    assert_eq!(lms["meta"]["total"], 0, "nothing was transferred");
}

async fn a_branch_credential_sees_only_its_classrooms_groups_and_jobs(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = TwoBranches::new(&app, "alpha").await;
    let north = &school.north;
    let (status, list) = send(north.get("/classrooms")).await;
    assert_eq!(status, 200);
    assert_eq!(list["meta"]["total"], 1, "{list}");
    assert_eq!(list["data"][0]["branch_id"], 1);
    let south = school.sections[&2];
    assert_eq!(
        send(north.get(&format!("/classrooms/{south}"))).await.0,
        404
    );
    for method in [Method::PUT, Method::DELETE] {
        let (status, _) = call(
            north,
            method,
            &format!("/classrooms/{south}"),
            Some(json!({"name": "X"})),
        )
        .await;
        assert_eq!(status, 404);
    }
    let (status, _) = send(north.post_json("/classrooms", &json!({"name": "Annex"}))).await;
    assert_eq!(status, 403, "hand-made classrooms are the tenant's");
    // Groups: the tenant's are out of sight; the branch's own are its.
    let (status, tenant_group) =
        send(school.whole.post_json("/groups", &json!({"name": "Staff"}))).await;
    assert_eq!(status, 201);
    let tenant_group = tenant_group["id"].as_i64().unwrap();
    assert_eq!(
        send(north.get(&format!("/groups/{tenant_group}"))).await.0,
        404
    );
    let (status, _) = call(
        north,
        Method::DELETE,
        &format!("/groups/{tenant_group}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, own_group) =
        send(north.post_json("/groups", &json!({"name": "North club"}))).await;
    assert_eq!(status, 201, "{own_group}");
    let own_group = own_group["id"].as_i64().unwrap();
    let (_, groups) = send(north.get("/groups")).await;
    assert_eq!(groups["meta"]["total"], 1, "{groups}");
    let own = school.id("n-s1");
    let (status, refused) = call(
        north,
        Method::PUT,
        &format!("/users/{own}"),
        Some(json!({"groups": [tenant_group]})),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    let (status, _) = call(
        &school.whole,
        Method::PUT,
        &format!("/users/{own}"),
        Some(json!({"groups": [tenant_group]})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        north,
        Method::PUT,
        &format!("/users/{own}"),
        Some(json!({"groups": [own_group]})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, everything) = send(school.whole.get(&format!("/users/{own}/groups"))).await;
    assert_eq!(
        everything["groups"].as_array().unwrap().len(),
        2,
        "the tenant's group stays: {everything}"
    );
    let (_, seen) = send(north.get(&format!("/users/{own}/groups"))).await;
    assert_eq!(
        seen["groups"],
        json!([{"id": own_group, "name": "North club"}])
    );
    // Jobs: the tenant-wide credential's mirror is not the branch's to read.
    let (_, jobs) = send(school.whole.get("/api/v2/mirror-data/jobs")).await;
    let job = jobs["data"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        send(north.get(&format!("/api/v2/mirror-data/jobs/{job}")))
            .await
            .0,
        404
    );
    let (_, listed) = send(north.get("/api/v2/mirror-data/jobs")).await;
    assert_eq!(listed["meta"]["total"], 0, "{listed}");
    let own_job = mirror(north, &json!({"branches": [branch(1, "n")]})).await;
    assert_eq!(own_job["status"], "succeeded");
}

async fn a_branch_credential_signs_in_only_its_people(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let school = TwoBranches::new(&app, "alpha").await;
    let north = &school.north;
    let (status, _) =
        send(north.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": "s-s1"}))).await;
    assert_eq!(status, 404, "another branch's person");
    let (status, _) = send(north.post_json("/sso-token", &json!({"user_id": "s-t"}))).await;
    assert_eq!(status, 404);
    let admin = school.id("admin");
    let (status, _) = send(north.post_json("/sso-token", &json!({"jusoor_id": admin}))).await;
    assert_eq!(status, 404, "the tenant admin is no person of the branch");
    let (status, _) = call(
        &school.whole,
        Method::PUT,
        &format!("/users/{admin}"),
        Some(json!({"teacher_of": [school.sections[&1]]})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, refused) = send(north.post_json("/sso-token", &json!({"jusoor_id": admin}))).await;
    assert_eq!(status, 403, "{refused}");
    let (status, link) =
        send(north.post_json("/api/v2/mirror-data/sso-token", &json!({"uuid": "n-s1"}))).await;
    assert_eq!(status, 200, "{link}");
    let (status, _) = send(
        school
            .whole
            .post_json("/sso-token", &json!({"jusoor_id": admin})),
    )
    .await;
    assert_eq!(status, 200, "the tenant-wide credential signs in anyone");
}

async fn a_branch_credential_books_and_reads_only_its_branchs_lessons(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let classin = school(&app, "alpha").await;
    let school = TwoBranches::new(&app, "alpha").await;
    let north = &school.north;
    let mut lessons = HashMap::new();
    let mut courses = HashMap::new();
    for (branch, telephone) in [(1, "13800000101"), (2, "13800000102")] {
        let teacher = classin
            .register(telephone, &format!("Teacher {branch}"), 2)
            .await;
        let (status, _) = call(
            &school.whole,
            Method::PUT,
            &format!("/users/{teacher}"),
            Some(json!({"teacher_of": [school.sections[&branch]]})),
        )
        .await;
        assert_eq!(status, 200);
        let course = classin
            .ok(
                "addCourse",
                json!({"courseName": format!("Course {branch}"), "mainTeacherUid": teacher}),
            )
            .await
            .as_i64()
            .unwrap();
        let lesson = lesson_at(
            &classin,
            course,
            teacher,
            "Lab",
            3600,
            60,
            json!({"bookable": 1, "seatNum": 5}),
        )
        .await;
        courses.insert(branch, course);
        lessons.insert(branch, lesson);
    }
    let (_, listed) = send(north.get("/api/v2/courses")).await;
    assert_eq!(listed["meta"]["total"], 1, "{listed}");
    assert_eq!(listed["data"][0]["id"], courses[&1]);
    assert_eq!(
        send(north.get(&format!("/api/v2/courses/{}", courses[&2])))
            .await
            .0,
        404
    );
    assert_eq!(
        send(north.get(&format!("/api/v2/courses/{}/outline", courses[&2])))
            .await
            .0,
        404
    );
    assert_eq!(
        send(north.get(&format!("/api/v2/lessons/{}", lessons[&2])))
            .await
            .0,
        404
    );
    let (_, listed) = send(north.get("/api/v2/lessons")).await;
    assert_eq!(listed["meta"]["total"], 1, "{listed}");
    let book = |lesson: i64, uid: i64| {
        north.post_json(
            &format!("/api/v2/lessons/{lesson}/bookings"),
            &json!({"uid": uid}),
        )
    };
    let (status, refused) = send(book(lessons[&1], school.id("s-s1"))).await;
    assert_eq!(status, 422, "another branch's student: {refused}");
    assert!(refused["errors"]["uid"].is_array());
    let (status, _) = send(book(lessons[&2], school.id("n-s1"))).await;
    assert_eq!(status, 404, "another branch's lesson");
    let (status, booked) = send(book(lessons[&1], school.id("n-s1"))).await;
    assert_eq!(status, 201, "{booked}");
    // The tenant books a south student into the north lesson: the branch sees only its own people there.
    let (status, _) = send(school.whole.post_json(
        &format!("/api/v2/lessons/{}/bookings", lessons[&1]),
        &json!({"uid": school.id("s-s1")}),
    ))
    .await;
    assert_eq!(status, 201);
    let (_, lesson) = send(north.get(&format!("/api/v2/lessons/{}", lessons[&1]))).await;
    let booked: Vec<i64> = lesson["bookings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["uid"].as_i64().unwrap())
        .collect();
    assert_eq!(booked, [school.id("n-s1")], "{lesson}");
    let (status, _) = call(
        north,
        Method::DELETE,
        &format!(
            "/api/v2/lessons/{}/bookings/{}",
            lessons[&1],
            school.id("s-s1")
        ),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (_, lesson) = send(
        school
            .whole
            .get(&format!("/api/v2/lessons/{}", lessons[&1])),
    )
    .await;
    assert_eq!(lesson["bookings"].as_array().unwrap().len(), 2);
}
