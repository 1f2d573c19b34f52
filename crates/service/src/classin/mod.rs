//! The ClassIn-compatible scheduling API's rules: who a SID is (and whether its safeKey and time stamp hold), the
//! error numbers, reading its parameters (JSON arrays inside form fields), and the repeat guard. The actions
//! themselves are in `users`, `courses`, `lessons` and `lesson_access`; Mode B booking in `booking`, entering
//! lessons in `rooms`. Every function that depends on the time takes `now` (Unix
//! seconds), so that the rules are tested at any moment.

pub mod booking;
pub mod course_students;
pub mod course_teachers;
pub mod courses;
pub mod labels;
pub mod lesson_access;
pub mod lesson_changes;
mod lesson_fields;
pub mod lessons;
pub mod rooms;
pub mod users;
pub mod v2;

use std::{
    collections::{BTreeMap, HashMap},
    sync::Mutex,
    time::{Duration, Instant},
};

use classbridge_domain::{TenantId, UnixMillis};
use classbridge_store::StoreError;
use md5::{Digest, Md5};
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::secrets::MasterKey;

/// ClassIn's error numbers (`classin/v1-actions.md` §2), each answered for the condition ClassIn documents.
pub mod errno {
    pub const SUCCESS: i64 = 1;
    pub const BAD_PARAMETER: i64 = 100;
    pub const UNAUTHORISED: i64 = 102;
    /// "operation failed (unknown error)": the pages that list 104.
    pub const SERVER_ERROR: i64 = 104;
    /// "server exception": the pages that list 114 and not 104.
    pub const SERVER_EXCEPTION: i64 = 114;
    pub const NOT_REGISTERED: i64 = 113;
    pub const END_NOT_AFTER_BEGIN: i64 = 119;
    pub const BEGIN_TOO_SOON: i64 = 120;
    pub const TEACHER_ACCOUNT_MALFORMED: i64 = 122;
    pub const TEACHER_AS_STUDENT: i64 = 129;
    pub const TOO_MANY_AUDITORS: i64 = 130;
    pub const ALREADY_IN_SCHOOL: i64 = 133;
    /// 133 on `addCourseStudentMultiple` and `addCourseClassMultiple`: a duplicate inside the submitted list.
    pub const DUPLICATE_IN_REQUEST: i64 = 133;
    pub const TELEPHONE_MALFORMED: i64 = 134;
    pub const TELEPHONE_TAKEN: i64 = 135;
    pub const TEACHER_NOT_FOUND: i64 = 136;
    pub const PASSWORD_LENGTH: i64 = 137;
    pub const LESSON_IN_PROGRESS: i64 = 140;
    pub const LESSON_NOT_IN_COURSE: i64 = 142;
    pub const LESSON_NOT_FOUND: i64 = 143;
    pub const COURSE_NOT_FOUND: i64 = 144;
    pub const LESSON_ENDED: i64 = 145;
    pub const COURSE_FINISHED: i64 = 146;
    pub const NOT_A_MEMBER: i64 = 150;
    pub const EXPIRY_TOO_SOON: i64 = 151;
    pub const EXPIRY_BEFORE_LAST_LESSON: i64 = 152;
    /// "course has expired": also answered for a course that `endCourse` ended (see the README).
    pub const COURSE_EXPIRED: i64 = 153;
    pub const EXPIRY_TOO_LATE: i64 = 154;
    pub const ARRAY_MALFORMED: i64 = 155;
    pub const LESSON_STUDENTS_ONLY: i64 = 159;
    pub const NOT_IN_COURSE: i64 = 162;
    pub const ALREADY_IN_COURSE: i64 = 163;
    pub const ALREADY_AUDITOR: i64 = 164;
    pub const LESSON_LENGTH: i64 = 165;
    pub const ALREADY_IN_LESSON: i64 = 166;
    pub const NOT_IN_LESSON: i64 = 167;
    pub const COURSE_STUDENT_AS_TEACHER: i64 = 172;
    pub const COURSE_AUDITOR_AS_TEACHER: i64 = 173;
    pub const TEACHER_AS_AUDITOR: i64 = 174;
    pub const LESSON_STUDENT_AS_TEACHER: i64 = 187;
    pub const NO_LESSON_TO_COME: i64 = 188;
    pub const LESSON_DELETED: i64 = 212;
    pub const TEACHER_INFO_MISSING: i64 = 219;
    pub const NO_PASSWORD_PERMISSION: i64 = 227;
    pub const NOT_SCHOOL_STUDENT: i64 = 228;
    pub const NO_SUCH_LESSON_IN_SCHOOL: i64 = 233;
    pub const SEATS_OVER_MAXIMUM: i64 = 259;
    pub const BEGIN_TOO_LATE: i64 = 268;
    pub const RECORDING_NOT_IN_WINDOW: i64 = 283;
    pub const HEAD_TEACHER_IS_STUDENT: i64 = 311;
    pub const HEAD_TEACHER_IS_AUDITOR: i64 = 312;
    pub const HEAD_TEACHER_HAS_LESSONS: i64 = 314;
    pub const NOT_COURSE_TEACHER: i64 = 316;
    pub const TEACHER_HAS_LESSONS: i64 = 317;
    pub const ASSISTANT_NOT_TEACHER: i64 = 318;
    pub const COURSE_STUDENT_AS_ASSISTANT: i64 = 319;
    pub const COURSE_AUDITOR_AS_ASSISTANT: i64 = 320;
    pub const LESSON_STUDENT_AS_ASSISTANT: i64 = 321;
    pub const TEACHER_AS_ASSISTANT: i64 = 322;
    pub const LESSON_STUDENT_AS_LESSON_TEACHER: i64 = 325;
    pub const ASSISTANT_AS_TEACHER: i64 = 328;
    pub const ASSISTANT_AS_LESSON_STUDENT: i64 = 329;
    pub const COURSE_TEACHER_AS_STUDENT: i64 = 332;
    pub const HEAD_TEACHER_AS_STUDENT: i64 = 333;
    pub const HEAD_TEACHER_NOT_FOUND: i64 = 334;
    pub const SEATS_LOCKED: i64 = 348;
    pub const SEATS_NOT_CHANGED: i64 = 349;
    pub const LESSON_LOCKED: i64 = 350;
    pub const LABEL_EXISTS: i64 = 353;
    pub const TOO_MANY_SCHOOL_LABELS: i64 = 354;
    pub const LABEL_OF_OTHER_SCHOOL: i64 = 355;
    pub const LABEL_NOT_FOUND: i64 = 356;
    pub const TOO_MANY_LESSON_LABELS: i64 = 357;
    pub const LABELS_MISSING: i64 = 358;
    pub const LABELS_OF_OTHER_SCHOOL: i64 = 359;
    pub const TEACHER_CHANGE_AFTER_END: i64 = 385;
    pub const TEACHER_STOPPED: i64 = 387;
    pub const ASSISTANT_STOPPED: i64 = 388;
    pub const HEAD_TEACHER_STOPPED: i64 = 389;
    pub const LESSON_IN_SESSION_CANNOT_END: i64 = 394;
    pub const ALREADY_EXISTS: i64 = 398;
    pub const TOO_MANY_COURSE_LABELS: i64 = 399;
    pub const TOO_MANY_ITEMS: i64 = 450;
    pub const EMAIL_TAKEN: i64 = 461;
    pub const DUPLICATE_ASSISTANTS: i64 = 21_316;
    pub const TOO_MANY_ASSISTANTS: i64 = 21_317;
    pub const SUB_ACCOUNT_NOT_FOUND: i64 = 22_101;
    pub const SEATS_MALFORMED: i64 = 121_601_007;
    pub const REPEATED_REQUEST: i64 = 101_003_002;
}

/// Why an action (or one item of a batch) did not succeed: ClassIn's errno, a message, and for some errors data
/// all the same (the existing UID of an account already registered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub errno: i64,
    pub error: String,
    pub data: Option<Value>,
    /// A lesson's `more_data` (398 on a repeated lesson identity): the lesson id it is for.
    pub more_data_of: Option<i64>,
}

impl Failure {
    pub fn new(errno: i64, error: impl Into<String>) -> Self {
        Self {
            errno,
            error: error.into(),
            data: None,
            more_data_of: None,
        }
    }

    pub fn with_data(mut self, data: impl Into<Value>) -> Self {
        self.data = Some(data.into());
        self
    }

    /// 398 for a repeated `courseUniqueIdentity`: the earlier object's id in `data` (and, for a lesson, its
    /// `more_data`).
    pub fn already_exists(id: i64, lesson: bool) -> Self {
        let mut failure = Self::new(
            errno::ALREADY_EXISTS,
            "Data already exists (this courseUniqueIdentity was used before); data is the earlier id.",
        )
        .with_data(id);
        if lesson {
            failure.more_data_of = Some(id);
        }
        failure
    }

    /// An unknown lesson or course change answered with the code a page lists for unexpected failures.
    pub fn with_errno(mut self, errno: i64) -> Self {
        self.errno = errno;
        self
    }

    pub fn bad_parameter(error: impl Into<String>) -> Self {
        Self::new(errno::BAD_PARAMETER, error)
    }
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        tracing::error!(error = %error, "a scheduling API action failed in the store");
        Self::new(
            errno::SERVER_ERROR,
            "Unexpected server error; retry (with courseUniqueIdentity for creations).",
        )
    }
}

pub type ClassinResult<T> = Result<T, Failure>;

/// One item of a batch action's answer, with the item's `customColumn` echoed.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemOutcome {
    pub result: ClassinResult<Option<i64>>,
    pub custom_column: Option<Value>,
    /// Fields the action's page echoes in each item (`telephone`, `className`, `courseId`, `classId`,
    /// `studentUid`), in this order.
    pub echo: Vec<(&'static str, Value)>,
}

impl ItemOutcome {
    pub fn new(result: ClassinResult<Option<i64>>, custom_column: Option<Value>) -> Self {
        Self {
            result,
            custom_column,
            echo: Vec::new(),
        }
    }

    pub fn echo(mut self, key: &'static str, value: Option<Value>) -> Self {
        if let Some(value) = value {
            self.echo.push((key, value));
        }
        self
    }
}

/// The school a request was authenticated as.
#[derive(Debug, Clone)]
pub struct School {
    pub sid: i64,
    pub tenant_id: TenantId,
    pub tenant_slug: String,
}

/// A credential's `last_used_at` is written at most this often.
const LAST_USED_EVERY_MS: i64 = 60_000;

/// How far a time stamp may be from the server's clock.
pub const TIME_STAMP_WINDOW_SECONDS: i64 = 20 * 60;

/// Checks `SID`, `timeStamp` and `safeKey` = md5(SECRET + timeStamp) (compared in constant time). Every way of
/// failing is the same errno 102, so a caller learns nothing about which SIDs exist.
pub async fn authenticate(
    service: &crate::Service,
    key: &MasterKey,
    sid: Option<&str>,
    time_stamp: Option<&str>,
    safe_key: Option<&str>,
    now: i64,
) -> ClassinResult<School> {
    let store = service.store();
    let refused = || {
        Failure::new(
            errno::UNAUTHORISED,
            "Authentication failed: check SID, timeStamp and safeKey.",
        )
    };
    let (Some(sid), Some(time_stamp), Some(safe_key)) = (sid, time_stamp, safe_key) else {
        return Err(refused());
    };
    let sid: i64 = sid.trim().parse().map_err(|_| refused())?;
    let stamp: i64 = time_stamp.trim().parse().map_err(|_| refused())?;
    if stamp.abs_diff(now) > TIME_STAMP_WINDOW_SECONDS.unsigned_abs() {
        return Err(Failure::new(
            errno::UNAUTHORISED,
            "The timeStamp is more than 20 minutes from the server's clock.",
        ));
    }
    let Some(school) = store.find_classin_school(sid).await? else {
        return Err(refused());
    };
    if school.revoked_at.is_some() || school.tenant_disabled_at.is_some() {
        return Err(refused());
    }
    let secret = key.decrypt(&school.secret_encrypted).map_err(|error| {
        tracing::error!(error = %error, sid, "a ClassIn secret cannot be decrypted");
        Failure::new(errno::SERVER_ERROR, "Unexpected server error.")
    })?;
    let expected = hex::encode(Md5::digest(format!("{secret}{}", time_stamp.trim())));
    let given = safe_key.trim().to_ascii_lowercase();
    if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(refused());
    }
    // Last use is written at most once a minute per SID, so that calls stay reads.
    let now_ms = now * 1000;
    if school
        .last_used_at
        .is_none_or(|at| now_ms - at.millis() >= LAST_USED_EVERY_MS)
    {
        if let Err(error) = store
            .touch_classin_credential(sid, UnixMillis::new(now_ms))
            .await
        {
            tracing::warn!(error = %error, sid, "the ClassIn credential's last use was not written");
        }
    }
    Ok(School {
        sid,
        tenant_id: school.tenant_id,
        tenant_slug: school.tenant_slug,
    })
}

/// The actions the repeat guard watches.
pub const GUARDED_ACTIONS: [&str; 4] = [
    "register",
    "registerMultiple",
    "addTeacher",
    "addSchoolStudent",
];

/// How long a request counts as repeated.
pub const REPEAT_WINDOW: Duration = Duration::from_secs(5);

/// Remembers, in this process only, which guarded requests came in the last five seconds: the same SID, action and
/// parameters (without `timeStamp` and `safeKey`) again within that time is a repeat (errno 101003002). Behind a
/// load balancer a repeat reaching another node is not caught; creations stay correct all the same (the database's
/// unique indexes decide).
#[derive(Debug, Default)]
pub struct RepeatGuard {
    seen: Mutex<HashMap<[u8; 32], Instant>>,
}

impl RepeatGuard {
    /// Notes the request; `true` when it repeats one seen within [`REPEAT_WINDOW`].
    pub fn is_repeat(&self, sid: i64, action: &str, params: &Map<String, Value>) -> bool {
        if !GUARDED_ACTIONS.contains(&action) {
            return false;
        }
        let sorted: BTreeMap<&String, &Value> = params
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "timeStamp" | "safeKey" | "action"))
            .collect();
        let canonical = serde_json::to_string(&sorted).unwrap_or_default();
        let digest: [u8; 32] = Sha256::digest(format!("{sid}\n{action}\n{canonical}")).into();
        let now = Instant::now();
        let mut seen = self
            .seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if seen.len() > 10_000 {
            seen.retain(|_, at| now.duration_since(*at) < REPEAT_WINDOW);
        }
        match seen.insert(digest, now) {
            Some(before) => now.duration_since(before) < REPEAT_WINDOW,
            None => false,
        }
    }
}

/// The parameters of one action (or one item of a JSON array parameter): text from a form, or JSON values.
#[derive(Debug, Clone, Copy)]
pub struct Params<'a>(pub &'a Map<String, Value>);

impl<'a> Params<'a> {
    /// A text parameter, trimmed; empty counts as absent.
    pub fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(text) => Some(text.trim().to_owned()).filter(|text| !text.is_empty()),
            Value::Number(number) => Some(number.to_string()),
            _ => None,
        }
    }

    /// An integer parameter (decimal text or a JSON number); absent or empty is `None`, anything else is 100.
    pub fn integer(&self, key: &str) -> ClassinResult<Option<i64>> {
        let malformed =
            || Failure::bad_parameter(format!("The parameter {key} must be an integer."));
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number.as_i64().map(Some).ok_or_else(malformed),
            Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
            Some(Value::String(text)) => text.trim().parse().map(Some).map_err(|_| malformed()),
            Some(_) => Err(malformed()),
        }
    }

    pub fn required_integer(&self, key: &str) -> ClassinResult<i64> {
        self.integer(key)?
            .ok_or_else(|| Failure::bad_parameter(format!("The parameter {key} is required.")))
    }

    /// A row id parameter (an integer, as [`Params::integer`]), typed by `make` (`CourseId::new`, `UserId::new`, …).
    pub fn id<T>(&self, key: &str, make: fn(i64) -> T) -> ClassinResult<Option<T>> {
        Ok(self.integer(key)?.map(make))
    }

    /// A required row id parameter.
    pub fn required_id<T>(&self, key: &str, make: fn(i64) -> T) -> ClassinResult<T> {
        self.required_integer(key).map(make)
    }

    /// A 0/1 flag.
    pub fn flag(&self, key: &str) -> ClassinResult<Option<bool>> {
        match self.integer(key)? {
            None => Ok(None),
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            Some(_) => Err(Failure::bad_parameter(format!(
                "The parameter {key} must be 0 or 1."
            ))),
        }
    }

    /// A text of at most `max` characters (100 when longer).
    pub fn bounded_text(&self, key: &str, max: usize) -> ClassinResult<Option<String>> {
        match self.text(key) {
            Some(text) if text.chars().count() > max || text.chars().any(char::is_control) => {
                Err(Failure::bad_parameter(format!(
                    "The parameter {key} may have at most {max} characters."
                )))
            }
            other => Ok(other),
        }
    }

    /// A text cut silently to `max` characters, as ClassIn's pages say for names and introductions (control
    /// characters other than line breaks are 100).
    pub fn truncated_text(&self, key: &str, max: usize) -> ClassinResult<Option<String>> {
        match self.text(key) {
            Some(text)
                if text
                    .chars()
                    .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') =>
            {
                Err(Failure::bad_parameter(format!(
                    "The parameter {key} must not contain control characters."
                )))
            }
            Some(text) => Ok(
                Some(text.chars().take(max).collect::<String>().trim().to_owned())
                    .filter(|text| !text.is_empty()),
            ),
            None => Ok(None),
        }
    }

    /// A switch where ClassIn reads 1 as on and any other number as off (`record`, `live`, `replay`).
    pub fn switch(&self, key: &str) -> ClassinResult<Option<bool>> {
        Ok(self.integer(key)?.map(|value| value == 1))
    }

    /// A JSON array sent as the text of one field (or, from a PHP-style form, as an array already): missing is
    /// 100; not JSON, not an array or empty is 155; more than `max` items is 450.
    pub fn json_array(&self, key: &str, max: usize) -> ClassinResult<Vec<Value>> {
        let malformed = || {
            Failure::new(
                errno::ARRAY_MALFORMED,
                format!("The parameter {key} must be a non-empty JSON array."),
            )
        };
        let items = match self.0.get(key) {
            None | Some(Value::Null) => {
                return Err(Failure::bad_parameter(format!(
                    "The parameter {key} is required."
                )))
            }
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => items,
                _ => return Err(malformed()),
            },
            Some(_) => return Err(malformed()),
        };
        if items.is_empty() {
            return Err(malformed());
        }
        if items.len() > max {
            return Err(Failure::new(
                errno::TOO_MANY_ITEMS,
                format!("The parameter {key} may have at most {max} items; send them in parts."),
            ));
        }
        Ok(items)
    }
}

/// One item of a JSON array parameter: an object (155 otherwise), and its `customColumn`.
pub(crate) fn item_object<'v>(item: &'v Value, key: &str) -> ClassinResult<&'v Map<String, Value>> {
    item.as_object().ok_or_else(|| {
        Failure::new(
            errno::ARRAY_MALFORMED,
            format!("Each item of {key} must be a JSON object."),
        )
    })
}

/// An item's `customColumn` as its answer echoes it: a text (ClassIn's type), cut to 50 characters; a number or
/// other JSON value is echoed as its JSON text.
pub(crate) fn custom_column(item: &Value) -> Option<Value> {
    let text = match item.get("customColumn")? {
        Value::Null => return None,
        Value::String(text) => text.clone(),
        other => other.to_string(),
    };
    (!text.is_empty())
        .then(|| Value::from(text.chars().take(CUSTOM_COLUMN_MAX).collect::<String>()))
}

/// An id an item's answer echoes (`courseId`, `classId`): an integer as a number (also when sent as decimal text),
/// other text as sent; anything else is not echoed.
pub(crate) fn echoed_id(value: Option<&Value>) -> Option<Value> {
    match value? {
        Value::Number(number) => Some(
            number
                .as_i64()
                .map_or_else(|| Value::from(number.to_string()), Value::from),
        ),
        Value::String(text) => Some(
            text.trim()
                .parse::<i64>()
                .map_or_else(|_| Value::from(text.clone()), Value::from),
        ),
        _ => None,
    }
}

/// A required name, cut silently to `max` characters as the pages say (missing: 100).
pub(crate) fn required_name(params: Params<'_>, key: &str, max: usize) -> ClassinResult<String> {
    params
        .truncated_text(key, max)?
        .ok_or_else(|| Failure::bad_parameter(format!("The parameter {key} is required.")))
}

/// `customColumn`, cut to 50 characters as the pages say.
pub const CUSTOM_COLUMN_MAX: usize = 50;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn params(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn json_arrays_in_fields_are_checked() {
        let fields = params(
            json!({"a": "[1, 2]", "b": "{\"x\": 1}", "c": "not json", "d": "[]", "e": "[1,2,3]"}),
        );
        let p = Params(&fields);
        assert_eq!(p.json_array("a", 2).unwrap().len(), 2);
        for key in ["b", "c", "d"] {
            assert_eq!(
                p.json_array(key, 10).unwrap_err().errno,
                errno::ARRAY_MALFORMED,
                "{key}"
            );
        }
        assert_eq!(
            p.json_array("e", 2).unwrap_err().errno,
            errno::TOO_MANY_ITEMS
        );
        assert_eq!(
            p.json_array("missing", 2).unwrap_err().errno,
            errno::BAD_PARAMETER
        );
    }

    #[test]
    fn the_repeat_guard_ignores_time_stamp_and_safe_key_and_other_actions() {
        let guard = RepeatGuard::default();
        let first = params(json!({"telephone": "13800000000", "timeStamp": "1", "safeKey": "a"}));
        let again = params(json!({"telephone": "13800000000", "timeStamp": "2", "safeKey": "b"}));
        let other = params(json!({"telephone": "13800000001", "timeStamp": "2", "safeKey": "b"}));
        assert!(!guard.is_repeat(1, "register", &first));
        assert!(guard.is_repeat(1, "register", &again));
        assert!(!guard.is_repeat(1, "register", &other));
        assert!(!guard.is_repeat(2, "register", &first), "another school");
        assert!(!guard.is_repeat(1, "addCourse", &first));
        assert!(
            !guard.is_repeat(1, "addCourse", &first),
            "not a guarded action"
        );
    }
}
