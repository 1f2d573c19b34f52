//! The ClassIn-compatible scheduling API's rules: who a SID is (and whether its safeKey and time stamp hold), the
//! error numbers, reading its parameters (JSON arrays inside form fields), and the repeat guard. The actions
//! themselves are in `users`, `courses`, `lessons` and `lesson_access`; Mode B booking in `booking`, entering
//! lessons in `rooms`. Every function that depends on the time takes `now` (Unix
//! seconds), so that the rules are tested at any moment.

pub mod booking;
pub mod courses;
pub mod lesson_access;
pub mod lessons;
pub mod rooms;
pub mod users;
pub mod v2;

use std::{
    collections::{BTreeMap, HashMap},
    sync::Mutex,
    time::{Duration, Instant},
};

use classbridge_domain::TenantId;
use classbridge_store::{Store, StoreError};
use md5::{Digest, Md5};
use serde_json::{Map, Value};
use sha2::Sha256;
use subtle::ConstantTimeEq;

use crate::secrets::MasterKey;

/// ClassIn's error numbers, as the spec's table lists them.
pub mod errno {
    pub const SUCCESS: i64 = 1;
    pub const BAD_PARAMETER: i64 = 100;
    pub const UNAUTHORISED: i64 = 102;
    pub const SERVER_ERROR: i64 = 104;
    pub const NOT_REGISTERED: i64 = 113;
    pub const END_NOT_AFTER_BEGIN: i64 = 119;
    pub const BEGIN_TOO_SOON: i64 = 120;
    pub const STUDENT_NAME: i64 = 128;
    pub const NOT_SCHOOL_STUDENT_TO_EDIT: i64 = 130;
    pub const ALREADY_IN_SCHOOL: i64 = 133;
    pub const TELEPHONE_MALFORMED: i64 = 134;
    pub const TELEPHONE_TAKEN: i64 = 135;
    pub const TEACHER_NOT_FOUND: i64 = 136;
    pub const PASSWORD_LENGTH: i64 = 137;
    pub const LESSON_IN_PROGRESS: i64 = 140;
    pub const LESSON_ENDED: i64 = 145;
    pub const NOT_A_MEMBER: i64 = 150;
    pub const EXPIRY_TOO_SOON: i64 = 151;
    pub const EXPIRY_TOO_LATE: i64 = 154;
    pub const ARRAY_MALFORMED: i64 = 155;
    pub const NOT_IN_COURSE: i64 = 162;
    pub const ALREADY_IN_COURSE: i64 = 163;
    pub const LESSON_LENGTH: i64 = 165;
    pub const LESSON_DELETED: i64 = 212;
    pub const NOT_SCHOOL_STUDENT: i64 = 228;
    pub const BEGIN_TOO_LATE: i64 = 268;
    pub const TEACHER_ALREADY_STOPPED: i64 = 317;
    pub const SEAT_COUNT: i64 = 348;
    pub const LESSON_LOCKED: i64 = 350;
    pub const COURSE_ENDED: i64 = 394;
    pub const TOO_MANY_ITEMS: i64 = 450;
    pub const EMAIL_TAKEN: i64 = 461;
    pub const REPEATED_REQUEST: i64 = 101_003_002;
}

/// Why an action (or one item of a batch) did not succeed: ClassIn's errno, a message, and for some errors data
/// all the same (the existing UID of an account already registered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub errno: i64,
    pub error: String,
    pub data: Option<i64>,
}

impl Failure {
    pub fn new(errno: i64, error: impl Into<String>) -> Self {
        Self {
            errno,
            error: error.into(),
            data: None,
        }
    }

    pub fn with_data(mut self, data: i64) -> Self {
        self.data = Some(data);
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
    store: &Store,
    key: &MasterKey,
    sid: Option<&str>,
    time_stamp: Option<&str>,
    safe_key: Option<&str>,
    now: i64,
) -> ClassinResult<School> {
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
    if (stamp - now).abs() > TIME_STAMP_WINDOW_SECONDS {
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
        .is_none_or(|at| now_ms - at >= LAST_USED_EVERY_MS)
    {
        if let Err(error) = store.touch_classin_credential(sid, now_ms).await {
            tracing::warn!(error = %error, sid, "the ClassIn credential's last use was not written");
        }
    }
    Ok(School {
        sid,
        tenant_id: TenantId::from_row(school.tenant_id),
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

pub(crate) fn custom_column(item: &Value) -> Option<Value> {
    item.get("customColumn")
        .filter(|value| !value.is_null())
        .cloned()
}

/// A name of 1 to `max` characters, with the errno to answer otherwise.
pub(crate) fn required_name(
    params: Params<'_>,
    key: &str,
    max: usize,
    errno: i64,
) -> ClassinResult<String> {
    match params.text(key) {
        Some(name) if name.chars().count() <= max && !name.chars().any(char::is_control) => {
            Ok(name)
        }
        Some(_) => Err(Failure::new(
            errno,
            format!("The {key} may have at most {max} characters."),
        )),
        None => Err(Failure::new(errno, format!("The {key} is required."))),
    }
}

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
