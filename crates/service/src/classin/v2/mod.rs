//! ClassIn's v2 (LMS) API rules: the header signature and its 5-minute window, the codes of `v2-lms.md`, reading
//! JSON parameters, and the course every endpoint names. Units are in `units`, activities (a classroom activity
//! is a lesson of its course) in `activities`, the two course and school endpoints in `people`.

use classbridge_domain::{CourseId, UserId};
pub mod activities;
pub mod classrooms;
pub mod outline;
pub mod people;
pub mod signature;
pub mod units;

use classbridge_store::{
    classin::courses::{self as course_store, CourseOwner, CourseRow},
    TenantTx,
};
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::{ClassinResult, Failure, School};
use crate::secrets::MasterKey;

/// The codes of `v2-lms.md` (top-level `code`; 1 is the only success).
pub mod code {
    pub const SUCCESS: i64 = 1;
    pub const LESSON_PARAMETERS: i64 = 100;
    pub const SERVER_ERROR: i64 = 104;
    pub const END_NOT_AFTER_START: i64 = 119;
    pub const START_INVALID: i64 = 120;
    pub const TEACHER_NOT_IN_SCHOOL: i64 = 136;
    pub const IN_SESSION: i64 = 140;
    pub const LESSON_ENDED: i64 = 145;
    pub const NO_SUCH_COURSE: i64 = 147;
    pub const LESSON_LENGTH: i64 = 165;
    pub const COURSE_STUDENT_AS_TEACHER: i64 = 172;
    pub const COURSE_AUDITOR_AS_TEACHER: i64 = 173;
    pub const LESSON_DELETED: i64 = 212;
    pub const START_OUT_OF_RANGE: i64 = 268;
    pub const ASSISTANT_NOT_IN_SCHOOL: i64 = 318;
    pub const TEACHER_AS_ASSISTANT: i64 = 322;
    pub const LESSON_LOCKED: i64 = 350;
    pub const TEACHER_STOPPED: i64 = 387;
    pub const ASSISTANT_STOPPED: i64 = 388;
    pub const ALREADY_IN_COURSE: i64 = 133;
    pub const ASSISTANTS_TOO_MANY: i64 = 21_317;
    pub const ACTIVITY_DELETED: i64 = 29_149;
    pub const ACTIVITY_ALREADY_PUBLISHED: i64 = 29_184;
    pub const UNIT_EXISTS: i64 = 29_208;
    pub const MOVE_SAME_UNIT: i64 = 29_046;
    pub const MOVE_UNIT_MISSING: i64 = 29_048;
    pub const TARGET_UNIT_FULL: i64 = 29_138;
    pub const ACTIVITY_MISSING: i64 = 30_002;
    pub const MEMBER_WRONG_TYPE: i64 = 30_008;
    pub const ALREADY_HEAD_TEACHER: i64 = 30_022;
    pub const COURSE_FINISHED: i64 = 30_031;
    pub const UNIT_HAS_HELD_CLASSROOM: i64 = 40_001;
    pub const UNIT_ALREADY_PUBLISHED: i64 = 40_004;
    pub const CLASSROOM_IN_SESSION: i64 = 40_005;
    pub const CLASSROOM_ENDED: i64 = 40_006;
    pub const UNIT_MISSING: i64 = 40_020;
    pub const STUDENT_NOT_IN_CLASS: i64 = 40_030;
    pub const TOO_MANY: i64 = 40_031;
    pub const UNIT_NAME_TAKEN: i64 = 50_003;
    pub const TARGET_UNIT_MISSING: i64 = 50_004;
    pub const PARAMETER: i64 = 101_001_001;
    pub const SIGNATURE: i64 = 101_002_005;
    pub const TIME_STAMP_EXPIRED: i64 = 101_002_006;
    pub const TIME_STAMP_MISSING: i64 = 101_002_008;
    pub const ACTIVITY_ENDED: i64 = 110_100_069;
    pub const ACTIVITY_WRONG_TYPE: i64 = 110_100_070;
    pub const DUAL_CAMERA: i64 = 110_100_066;
    pub const BUSINESS_PARAMETER: i64 = 121_601_020;
    pub const COURSE_OF_ANOTHER_SCHOOL: i64 = 121_601_021;
    pub const COURSE_EXPIRED: i64 = 121_601_023;
    pub const REQUIRED_MISSING: i64 = 121_601_030;
    pub const NO_SUCH_STUDENT: i64 = 121_601_059;
    pub const STUDENTS_TOO_MANY: i64 = 121_601_060;
}

/// The success text ClassIn answers (clients may show it).
pub const SUCCESS_MESSAGE: &str = "程序正常执行";

/// How far `X-EEO-TS` may be from the server's clock.
pub const TIME_STAMP_WINDOW_SECONDS: i64 = 5 * 60;

/// The three headers of a v2 call, as received.
#[derive(Debug, Clone, Copy, Default)]
pub struct SignedHeaders<'a> {
    pub sign: Option<&'a str>,
    pub uid: Option<&'a str>,
    pub time_stamp: Option<&'a str>,
}

/// Checks the headers and the signature over `body`: a missing time stamp is 101002008, one more than five
/// minutes away 101002006, any other failure (no such SID, revoked, wrong or missing signature) 101002005.
pub async fn authenticate(
    service: &crate::Service,
    key: &MasterKey,
    headers: SignedHeaders<'_>,
    body: &Map<String, Value>,
    now: i64,
) -> ClassinResult<School> {
    let store = service.store();
    let refused = || {
        Failure::new(
            code::SIGNATURE,
            "Signature error: check X-EEO-SIGN, X-EEO-UID and the signed parameters.",
        )
    };
    let Some(time_stamp) = headers
        .time_stamp
        .map(str::trim)
        .filter(|text| !text.is_empty())
    else {
        return Err(Failure::new(
            code::TIME_STAMP_MISSING,
            "The X-EEO-TS header is missing.",
        ));
    };
    let stamp: i64 = time_stamp.parse().map_err(|_| {
        Failure::new(
            code::TIME_STAMP_EXPIRED,
            "X-EEO-TS must be Unix seconds within ±5 minutes of the server's time.",
        )
    })?;
    if stamp.abs_diff(now) > TIME_STAMP_WINDOW_SECONDS.unsigned_abs() {
        return Err(Failure::new(
            code::TIME_STAMP_EXPIRED,
            "X-EEO-TS must be Unix seconds within ±5 minutes of the server's time.",
        ));
    }
    let (Some(sid_text), Some(given)) = (headers.uid.map(str::trim), headers.sign.map(str::trim))
    else {
        return Err(refused());
    };
    let sid: i64 = sid_text.parse().map_err(|_| refused())?;
    let Some(school) = store.find_classin_school(sid).await? else {
        return Err(refused());
    };
    if school.revoked_at.is_some() || school.tenant_disabled_at.is_some() {
        return Err(refused());
    }
    let secret = key.decrypt(&school.secret_encrypted).map_err(|error| {
        tracing::error!(error = %error, sid, "a ClassIn secret cannot be decrypted");
        Failure::new(code::SERVER_ERROR, "Unexpected server error.")
    })?;
    let given = given.to_ascii_lowercase();
    let matched = signature::DIALECTS.iter().any(|dialect| {
        let expected = signature::sign(body, sid_text, time_stamp, &secret, *dialect);
        bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
    });
    if !matched {
        return Err(refused());
    }
    Ok(School {
        sid,
        tenant_id: school.tenant_id,
        tenant_slug: school.tenant_slug,
    })
}

/// A v2 JSON body's members.
#[derive(Debug, Clone, Copy)]
pub struct Body<'a>(pub &'a Map<String, Value>);

fn parameter(text: String) -> Failure {
    Failure::new(code::PARAMETER, text)
}

impl Body<'_> {
    /// An integer (a JSON number, or decimal text as several clients send); absent or null is `None`.
    pub fn integer(&self, key: &str) -> ClassinResult<Option<i64>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(number)) => number
                .as_i64()
                .map(Some)
                .ok_or_else(|| parameter(format!("{key} must be an integer."))),
            Some(Value::String(text)) => text
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| parameter(format!("{key} must be an integer."))),
            Some(_) => Err(parameter(format!("{key} must be an integer."))),
        }
    }

    pub fn required_integer(&self, key: &str) -> ClassinResult<i64> {
        self.integer(key)?
            .ok_or_else(|| parameter(format!("{key} is required.")))
    }

    /// A row id member (an integer, as [`Body::integer`]), typed by `make` (`CourseId::new`, `UserId::new`, …).
    pub fn id<T>(&self, key: &str, make: fn(i64) -> T) -> ClassinResult<Option<T>> {
        Ok(self.integer(key)?.map(make))
    }

    /// A required row id member.
    pub fn required_id<T>(&self, key: &str, make: fn(i64) -> T) -> ClassinResult<T> {
        self.required_integer(key).map(make)
    }

    /// A text member (numbers are taken as their text); absent or null is `None`.
    pub fn text(&self, key: &str) -> ClassinResult<Option<String>> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.trim().to_owned())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(_) => Err(parameter(format!("{key} must be a string."))),
        }
    }

    /// A name of 1 to `max` characters (121601020 when longer or empty).
    pub fn name(&self, key: &str, max: usize) -> ClassinResult<Option<String>> {
        match self.text(key)? {
            None => Ok(None),
            Some(name)
                if name.is_empty()
                    || name.chars().count() > max
                    || name.chars().any(char::is_control) =>
            {
                Err(Failure::new(
                    code::BUSINESS_PARAMETER,
                    format!("{key} must have 1 to {max} characters."),
                ))
            }
            Some(name) => Ok(Some(name)),
        }
    }

    pub fn required_name(&self, key: &str, max: usize) -> ClassinResult<String> {
        self.name(key, max)?
            .ok_or_else(|| parameter(format!("{key} is required.")))
    }

    /// One of `allowed` (121601020 otherwise).
    pub fn choice(&self, key: &str, allowed: &[i64]) -> ClassinResult<Option<i64>> {
        match self.integer(key)? {
            Some(value) if !allowed.contains(&value) => Err(Failure::new(
                code::BUSINESS_PARAMETER,
                format!("{key} must be one of {allowed:?}."),
            )),
            other => Ok(other),
        }
    }

    /// An array of UIDs (numbers or decimal texts), in order, without repeats.
    pub fn uids(&self, key: &str) -> ClassinResult<Option<Vec<UserId>>> {
        self.id_list(key, UserId::new)
    }

    /// An array of row ids (numbers or decimal texts), typed by `make`, in order, without repeats.
    pub fn id_list<T: PartialEq>(
        &self,
        key: &str,
        make: fn(i64) -> T,
    ) -> ClassinResult<Option<Vec<T>>> {
        let items = match self.0.get(key) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(parameter(format!("{key} must be an array of UIDs."))),
        };
        let mut uids = Vec::with_capacity(items.len());
        for item in items {
            let uid = match item {
                Value::Number(number) => number.as_i64(),
                Value::String(text) => text.trim().parse().ok(),
                _ => None,
            }
            .map(make)
            .ok_or_else(|| parameter(format!("{key} must be an array of UIDs.")))?;
            if !uids.contains(&uid) {
                uids.push(uid);
            }
        }
        Ok(Some(uids))
    }
}

/// The course a v2 call names by `courseId`: 147 when there is none, 121601021 when it is another school's,
/// 121601023 when it has expired or ended.
pub(crate) async fn school_course(
    tx: &mut TenantTx,
    body: Body<'_>,
    now: i64,
) -> ClassinResult<CourseRow> {
    let course_id = body.required_id("courseId", CourseId::new)?;
    match course_store::course_owner(tx, course_id).await? {
        None => {
            return Err(Failure::new(
                code::NO_SUCH_COURSE,
                format!("There is no course {course_id}."),
            ))
        }
        Some(CourseOwner::AnotherSchool) => {
            return Err(Failure::new(
                code::COURSE_OF_ANOTHER_SCHOOL,
                "The course does not belong to this school.",
            ))
        }
        Some(_) => {}
    }
    let course = course_store::find_course(tx, course_id)
        .await?
        .ok_or_else(|| Failure::new(code::NO_SUCH_COURSE, "There is no such course."))?;
    if super::courses::course_has_ended(&course, now) {
        return Err(Failure::new(
            code::COURSE_EXPIRED,
            "The course has expired or ended.",
        ));
    }
    Ok(course)
}

/// A success's message.
pub fn success_message() -> &'static str {
    SUCCESS_MESSAGE
}
