//! ClassIn's v2 (LMS) API on the wire: `POST` JSON to one path per endpoint, signed with the headers `X-EEO-SIGN`,
//! `X-EEO-UID` and `X-EEO-TS`, answered with HTTP 200 and `{"code", "msg", "data"}`. The rules are in
//! `classbridge_service::classin::v2`; endpoints that have nothing to act on in classbridge answer a code and a
//! `msg` that says so (listed in the README).

use axum::{
    body::Body as HttpBody,
    extract::State,
    http::{HeaderMap, Method, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::any,
    Json, Router,
};
use classbridge_service::classin::{
    v2::{self, activities, classrooms, code, people, units, Body, SignedHeaders},
    ClassinResult, Failure, School,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{extract::read_limited_body, state::AppState};

mod bodies;
pub mod openapi;

/// The endpoints served, by path.
pub const ENDPOINTS: [&str; 13] = [
    "/lms/unit/create",
    "/lms/unit/update",
    "/lms/unit/delete",
    "/lms/unit/move",
    "/lms/activity/createClass",
    "/lms/activity/updateClass",
    "/lms/activity/release",
    "/lms/activity/delete",
    "/lms/activity/addStudent",
    "/lms/activity/deleteStudent",
    "/lms/activity/createActivityNoClass",
    "/course/addCourseTeacher",
    "/schooluser/modifyCourseStudentNickName",
];

/// Endpoints of ClassIn's v2 that classbridge has nothing to act on: the code answered and why.
pub const NOT_SUPPORTED: [(&str, i64, &str); 8] = [
    (
        "/school/modifySchoolConf",
        code::BUSINESS_PARAMETER,
        "not supported by this server: classbridge keeps no replays, so there is no replay setting to change",
    ),
    (
        "/lms/onlineDoubleTeacher/addClass",
        121_601_032,
        "not supported by this server: online dual-teacher lessons are not available",
    ),
    (
        "/lms/onlineDoubleTeacher/editClass",
        121_601_032,
        "not supported by this server: online dual-teacher lessons are not available",
    ),
    (
        "/lms/onlineDoubleTeacher/deleteClass",
        121_601_032,
        "not supported by this server: online dual-teacher lessons are not available",
    ),
    (
        "/playback/addPlaybackUser",
        121_609_006,
        "not supported by this server: classbridge records no lessons, so there is no replay",
    ),
    (
        "/playback/deletePlaybackUser",
        121_609_006,
        "not supported by this server: classbridge records no lessons, so there is no replay",
    ),
    (
        "/playback/setPlaybackAllForbidden",
        121_609_006,
        "not supported by this server: classbridge records no lessons, so there is no replay",
    ),
    (
        "/playback/setPlaybackAllViewable",
        121_609_006,
        "not supported by this server: classbridge records no lessons, so there is no replay",
    ),
];

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for path in ENDPOINTS
        .iter()
        .copied()
        .chain(NOT_SUPPORTED.iter().map(|(path, _, _)| *path))
    {
        router = router.route(path, any(endpoint));
    }
    router
}

/// One v2 answer: HTTP 200 with `{"code", "msg", "data"}` (`data` null on a failure).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct V2Answer {
    code: i64,
    msg: String,
    data: Value,
}

impl V2Answer {
    fn of(result: ClassinResult<Value>) -> Self {
        match result {
            Ok(data) => Self {
                code: code::SUCCESS,
                msg: v2::SUCCESS_MESSAGE.to_owned(),
                data,
            },
            Err(failure) => Self::failure(failure),
        }
    }

    fn failure(failure: Failure) -> Self {
        Self {
            code: failure.errno,
            msg: failure.error,
            data: Value::Null,
        }
    }
}

impl IntoResponse for V2Answer {
    fn into_response(self) -> Response {
        (StatusCode::OK, Json(self)).into_response()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// Any v2 path: POST only, a JSON object body, signed.
async fn endpoint(State(state): State<AppState>, request: Request<HttpBody>) -> V2Answer {
    let path = request.uri().path().to_owned();
    if request.method() != Method::POST {
        return V2Answer::failure(Failure::new(code::PARAMETER, "Only POST is supported."));
    }
    let (parts, body) = request.into_parts();
    let bytes = match read_limited_body(&parts.headers, body, state.settings.body_limit_bytes).await
    {
        Ok(bytes) => bytes,
        Err(error) => return V2Answer::failure(Failure::new(code::PARAMETER, error.to_string())),
    };
    let fields: Map<String, Value> = if bytes.iter().all(u8::is_ascii_whitespace) {
        Map::new()
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(Value::Object(fields)) => fields,
            _ => {
                return V2Answer::failure(Failure::new(
                    code::PARAMETER,
                    "The body must be a JSON object (Content-Type: application/json).",
                ))
            }
        }
    };
    let now = state.clock.now_seconds();
    let headers = SignedHeaders {
        sign: header(&parts.headers, "x-eeo-sign"),
        uid: header(&parts.headers, "x-eeo-uid"),
        time_stamp: header(&parts.headers, "x-eeo-ts"),
    };
    let school =
        match v2::authenticate(&state.service, &state.master_key, headers, &fields, now).await {
            Ok(school) => school,
            Err(failure) => return V2Answer::failure(failure),
        };
    tracing::Span::current().record("tenant", school.tenant_slug.as_str());
    if let Some((_, code, msg)) = NOT_SUPPORTED.iter().find(|(known, _, _)| *known == path) {
        return V2Answer::failure(Failure::new(*code, *msg));
    }
    V2Answer::of(dispatch(&state, &school, &path, Body(&fields), now).await)
}

async fn dispatch(
    state: &AppState,
    school: &School,
    path: &str,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<Value> {
    let store = &state.service;
    match path {
        "/lms/unit/create" => units::create(store, school, body, now).await,
        "/lms/unit/update" => units::update(store, school, body, now).await,
        "/lms/unit/delete" => units::delete(store, school, body, now).await,
        "/lms/unit/move" => units::move_activities(store, school, body, now).await,
        "/lms/activity/createClass" => {
            let base = state.settings.tenant_base_url(&school.tenant_slug);
            classrooms::create(store, school, body, now, |id| {
                format!("{base}/lessons/{id}")
            })
            .await
        }
        "/lms/activity/updateClass" => classrooms::update(store, school, body, now).await,
        "/lms/activity/release" => activities::release(store, school, body, now).await,
        "/lms/activity/delete" => activities::delete(store, school, body, now).await,
        "/lms/activity/addStudent" => activities::add_students(store, school, body, now).await,
        "/lms/activity/deleteStudent" => {
            activities::delete_students(store, school, body, now).await
        }
        "/lms/activity/createActivityNoClass" => {
            activities::create_without_classroom(store, school, body, now).await
        }
        "/course/addCourseTeacher" => people::add_course_teachers(store, school, body, now).await,
        "/schooluser/modifyCourseStudentNickName" => {
            people::copy_nicknames(store, school, body, now).await
        }
        _ => Err(Failure::new(
            code::PARAMETER,
            format!("Unknown endpoint {path}."),
        )),
    }
}
