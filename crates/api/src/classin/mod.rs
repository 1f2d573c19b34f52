//! The ClassIn-compatible scheduling API on the wire: `POST /partner/api/course.api.php?action=…` with a form or
//! multipart body (the official PHP SDK sends multipart), the SID/timeStamp/safeKey check, the repeat guard, and
//! the `{"error_info": {"errno", "error"}, "data"}` envelope every answer carries with HTTP 200. The rules are in
//! the service crate (`classbridge_service::classin`); the actions are dispatched by area in the submodules.

pub mod actions;
mod courses;
mod extras;
pub mod fields;
mod lesson_parameters;
mod lessons;
pub mod openapi;
mod parameters;
mod users;

use axum::{
    body::Body,
    extract::State,
    http::{header, Method, Request, StatusCode},
    response::{IntoResponse, Response},
    routing::any,
    Json, Router,
};
use classbridge_service::classin::{
    self, errno, ClassinResult, Failure, ItemOutcome, Params, School,
};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use self::actions::Area;
use crate::{
    extract::{form_body_to_json, read_limited_body},
    state::AppState,
};

pub const PATH: &str = "/partner/api/course.api.php";

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, any(course_api))
}

/// What one call is about: the state, the school it authenticated as, its parameters and the time.
pub(crate) struct Call<'a> {
    pub state: &'a AppState,
    pub school: School,
    pub params: Params<'a>,
    pub now: i64,
}

impl Call<'_> {
    /// The lesson's page, where `addCourseClass` says it can be followed.
    pub fn live_url(&self, lesson_id: i64) -> String {
        format!(
            "{}/lessons/{lesson_id}",
            self.state
                .settings
                .tenant_base_url(&self.school.tenant_slug)
        )
    }

    /// A lesson's `more_data`: `live_url` is the lesson's page; classbridge has no pull streams, so the three
    /// `live_info` URLs are empty, as ClassIn's are for a lesson without live.
    pub fn more_data(&self, lesson_id: i64) -> Option<LessonMoreData> {
        Some(LessonMoreData {
            live_url: self.live_url(lesson_id),
            live_info: LiveInfo::default(),
        })
    }
}

/// Where a lesson can be followed (`more_data` of the lesson actions).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ClassInV1LessonMoreData)]
pub struct LessonMoreData {
    /// The lesson's page.
    pub live_url: String,
    pub live_info: LiveInfo,
}

/// A lesson's pull-stream addresses: always empty, as classbridge streams no video (ClassIn's are empty for a
/// lesson without live).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
#[schema(as = ClassInV1LiveInfo)]
pub struct LiveInfo {
    #[serde(rename = "RTMP")]
    #[schema(rename = "RTMP")]
    pub rtmp: String,
    #[serde(rename = "HLS")]
    #[schema(rename = "HLS")]
    pub hls: String,
    #[serde(rename = "FLV")]
    #[schema(rename = "FLV")]
    pub flv: String,
}

/// The outcome of a call: `errno` 1 is the only success.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[schema(as = ClassInV1ErrorInfo)]
pub struct ErrorInfo {
    /// 1 on success; otherwise the action's error number (see its table).
    pub errno: i64,
    /// What happened, in words.
    pub error: String,
}

/// The envelope on the wire: `error_info`, then `data` and `more_data` when the answer has them.
#[derive(Serialize)]
struct Envelope {
    error_info: ErrorInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    more_data: Option<LessonMoreData>,
}

/// One answer in ClassIn's envelope.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    errno: i64,
    error: String,
    pub data: Option<Value>,
    more_data: Option<LessonMoreData>,
}

const SUCCESS_MESSAGE: &str = "Success";

impl Answer {
    fn success(data: Option<Value>) -> Self {
        Self {
            errno: errno::SUCCESS,
            error: SUCCESS_MESSAGE.to_owned(),
            data,
            more_data: None,
        }
    }

    fn failure(failure: Failure) -> Self {
        Self {
            errno: failure.errno,
            error: failure.error,
            data: failure.data,
            more_data: None,
        }
    }

    /// A failure whose `more_data` is a lesson's (398 on a repeated lesson identity).
    pub fn failure_with_more(
        failure: Failure,
        more: impl Fn(i64) -> Option<LessonMoreData>,
    ) -> Self {
        let more_data = failure.more_data_of.and_then(&more);
        let mut answer = Self::failure(failure);
        answer.more_data = more_data;
        answer
    }

    fn bad_parameter(error: impl Into<String>) -> Self {
        Self::failure(Failure::bad_parameter(error))
    }

    /// An action answering an id (a UID, a course or lesson id) in `data`.
    pub fn id(result: ClassinResult<i64>) -> Self {
        result.map_or_else(Self::failure, |id| Self::success(Some(Value::from(id))))
    }

    /// An action answering a lesson id in `data` and the lesson's `more_data` (also with 398).
    pub fn lesson(
        result: ClassinResult<i64>,
        more: impl Fn(i64) -> Option<LessonMoreData>,
    ) -> Self {
        match result {
            Ok(id) => {
                let mut answer = Self::success(Some(Value::from(id)));
                answer.more_data = more(id);
                answer
            }
            Err(failure) => Self::failure_with_more(failure, more),
        }
    }

    /// An action answering no data.
    pub fn done(result: ClassinResult<()>) -> Self {
        result.map_or_else(Self::failure, |()| Self::success(None))
    }

    /// An action answering some JSON in `data`.
    pub fn value(result: ClassinResult<Value>) -> Self {
        result.map_or_else(Self::failure, |value| Self::success(Some(value)))
    }

    /// An action answering a text (a link) in `data`.
    pub fn text(result: ClassinResult<String>) -> Self {
        result.map_or_else(Self::failure, |text| Self::success(Some(Value::from(text))))
    }

    /// A batch action: one `{"errno", "error", "data"?, …echoed fields, "customColumn"?, "more_data"?}` per item,
    /// in request order; `more` adds an item's `more_data` from its lesson id (on success and on 398).
    pub fn batch(
        result: ClassinResult<Vec<ItemOutcome>>,
        more: impl Fn(i64) -> Option<LessonMoreData>,
    ) -> Self {
        let items = match result {
            Ok(items) => items,
            Err(failure) => return Self::failure(failure),
        };
        let items: Vec<Value> = items
            .into_iter()
            .map(|item| {
                let mut object = Map::new();
                let (number, error, data, more_data) = match item.result {
                    Ok(data) => (
                        errno::SUCCESS,
                        SUCCESS_MESSAGE.to_owned(),
                        data.map(Value::from),
                        data.and_then(&more),
                    ),
                    Err(failure) => {
                        let more_data = failure.more_data_of.and_then(&more);
                        (failure.errno, failure.error, failure.data, more_data)
                    }
                };
                if let Some(data) = data {
                    object.insert("data".into(), data);
                }
                for (key, value) in item.echo {
                    object.insert(key.into(), value);
                }
                if let Some(column) = item.custom_column {
                    object.insert("customColumn".into(), column);
                }
                if let Some(more_data) = more_data {
                    object.insert(
                        "more_data".into(),
                        serde_json::to_value(more_data).unwrap_or_default(),
                    );
                }
                object.insert("errno".into(), number.into());
                object.insert("error".into(), error.into());
                Value::Object(object)
            })
            .collect();
        Self::success(Some(Value::Array(items)))
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let body = Envelope {
            error_info: ErrorInfo {
                errno: self.errno,
                error: self.error,
            },
            data: self.data,
            more_data: self.more_data,
        };
        // Clients read the errno; some raise on any status but 200.
        (StatusCode::OK, Json(body)).into_response()
    }
}

/// The body's fields: a form or multipart body (or JSON, or nothing), as one JSON object.
async fn read_fields(
    state: &AppState,
    request: Request<Body>,
) -> Result<Map<String, Value>, Answer> {
    let (parts, body) = request.into_parts();
    let limit = state.settings.body_limit_bytes;
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        // Read a little of it, so that a client still sending reads this answer instead of a reset connection.
        crate::extract::drain_rest(&mut body.into_data_stream()).await;
        return Err(Answer::bad_parameter(format!(
            "The request body is larger than the {limit}-byte limit."
        )));
    }
    let bytes = read_limited_body(&parts.headers, body, limit)
        .await
        .map_err(|error| Answer::bad_parameter(error.to_string()))?;
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Object(Map::new())
    } else if essence == "application/x-www-form-urlencoded" || essence == "multipart/form-data" {
        form_body_to_json(content_type, bytes)
            .await
            .map_err(|error| Answer::bad_parameter(error.to_string()))?
    } else if essence == "application/json" {
        serde_json::from_slice(&bytes)
            .map_err(|_| Answer::bad_parameter("The request body is not valid JSON."))?
    } else {
        return Err(Answer::bad_parameter(
            "Send the parameters as multipart/form-data or application/x-www-form-urlencoded.",
        ));
    };
    if let Some(path) = crate::extract::first_nul(&value, String::new()) {
        return Err(Answer::bad_parameter(format!(
            "The {path} must not contain NUL characters."
        )));
    }
    match value {
        Value::Object(fields) => Ok(fields),
        _ => Err(Answer::bad_parameter(
            "The parameters must be named fields.",
        )),
    }
}

fn action_in_query(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(name, _)| name == "action")
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// `POST /partner/api/course.api.php?action=<action>`.
async fn course_api(State(state): State<AppState>, request: Request<Body>) -> Answer {
    if request.method() != Method::POST {
        return Answer::bad_parameter("Only POST is supported.");
    }
    let query_action = action_in_query(request.uri().query());
    let fields = match read_fields(&state, request).await {
        Ok(fields) => fields,
        Err(answer) => return answer,
    };
    let params = Params(&fields);
    let now = state.clock.now_seconds();
    let school = match classin::authenticate(
        &state.service,
        &state.master_key,
        params.text("SID").as_deref(),
        params.text("timeStamp").as_deref(),
        params.text("safeKey").as_deref(),
        now,
    )
    .await
    {
        Ok(school) => school,
        Err(failure) => return Answer::failure(failure),
    };
    tracing::Span::current().record("tenant", school.tenant_slug.as_str());
    let Some(action) = query_action.or_else(|| params.text("action")) else {
        return Answer::bad_parameter("The action is missing: ?action=<action>.");
    };
    if state
        .classin_repeats
        .is_repeat(school.sid, &action, &fields)
    {
        return Answer::failure(Failure::new(
            errno::REPEATED_REQUEST,
            "The same request was received less than 5 seconds ago.",
        ));
    }
    let call = Call {
        state: &state,
        school,
        params,
        now,
    };
    let mut answer = dispatch(&action, &call).await;
    // The pages of these actions list 114 ("server exception") for unexpected failures, and not 104.
    if answer.errno == errno::SERVER_ERROR && ANSWER_114.contains(&action.as_str()) {
        answer.errno = errno::SERVER_EXCEPTION;
    }
    answer
}

/// The actions whose error table lists 114 for unexpected failures and not 104.
const ANSWER_114: [&str; 5] = [
    "register",
    "registerMultiple",
    "addClassStudentMultiple",
    "delClassStudentMultiple",
    "addCourseClassStudent",
];

/// Answers the actions of [`actions::ACTIONS`] (the list the OpenAPI document is built from) and only those.
async fn dispatch(action: &str, call: &Call<'_>) -> Answer {
    let unknown = || Answer::bad_parameter(format!("Unknown action `{action}`."));
    let Some(served) = actions::find(action) else {
        if let Some(reason) = extras::unsupported(action) {
            return Answer::bad_parameter(format!(
                "The action `{action}` is not supported by this server: {reason}"
            ));
        }
        return unknown();
    };
    let answer = match served.area {
        Area::Users => users::answer(action, call).await,
        Area::Courses => courses::answer(action, call).await,
        Area::Lessons => lessons::answer(action, call).await,
        Area::Extras => extras::answer(action, call).await,
    };
    // A listed action its area does not answer: the end-to-end document test calls every action to rule it out.
    answer.unwrap_or_else(unknown)
}
