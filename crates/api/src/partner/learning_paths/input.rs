//! Reading the body of a learning path's create or `PATCH` (JSON or a PHP-style form), with every error at its
//! path, and the schemas that document those bodies.

use std::collections::{HashMap, HashSet};

use classbridge_domain::{
    input::{FieldReader, TextRules},
    UnixMillis, UserId, ValidationErrors,
};
use serde_json::{Map, Value};
use utoipa::{
    openapi::{schema::SchemaType, ObjectBuilder, RefOr, Schema, Type},
    ToSchema,
};

use crate::{
    error::ApiResult,
    extract::{Partner, PartnerInput},
    partner::subjects::read_uuid_value,
    state::AppState,
    time::parse_moment,
};

/// Most attempts a path may allow.
const MAX_ATTEMPTS: i64 = 100;
/// Most teachers of one path.
const MAX_TEACHERS: usize = 200;
const DESCRIPTION: TextRules = TextRules {
    max_chars: 2000,
    allow_empty: true,
};

/// The fields of a create or a `PATCH`, read; `None` where not given (or invalid: the errors say which).
#[derive(Default)]
pub struct PathFields {
    pub subject_uuid: Option<String>,
    pub subject_name: Option<String>,
    pub experiment_id: Option<String>,
    pub experiment_name: Option<String>,
    pub max_attempts: Option<i64>,
    /// `Some(None)`: cleared.
    pub description: Option<Option<String>>,
    pub start_at: Option<Option<UnixMillis>>,
    pub end_at: Option<Option<UnixMillis>>,
    /// `(index, uuid)` of each teacher given.
    pub teachers: Option<Vec<(usize, String)>>,
}

/// Reads the body; on create every required field must be there.
pub fn read_fields(
    input: &PartnerInput,
    creating: bool,
    errors: &mut ValidationErrors,
) -> PathFields {
    let fields = &input.fields;
    let mut reader = FieldReader::new(errors, input.format);
    let mut out = PathFields {
        subject_name: reader.required_text(fields, "", "subject_name", TextRules::NAME),
        ..PathFields::default()
    };
    if creating {
        out.subject_uuid = reader
            .present(fields, "", "subject_uuid")
            .and_then(|value| read_uuid_value(&mut reader, value, "subject_uuid"));
    }
    let required = |key: &str| creating || fields.contains_key(key);
    if required("experiment_id") {
        out.experiment_id = reader.required_text(fields, "", "experiment_id", TextRules::max(64));
        if let Some(id) = &out.experiment_id {
            if classbridge_labs::experiment(id).is_none() {
                reader.errors.add(
                    "experiment_id",
                    "The selected experiment_id is invalid: no experiment in the catalogue has this id.",
                );
                out.experiment_id = None;
            }
        }
    }
    if required("experiment_name") {
        out.experiment_name = reader.required_text(fields, "", "experiment_name", TextRules::NAME);
    }
    if required("max_attempts") {
        out.max_attempts = reader.required_integer(fields, "", "max_attempts");
        if let Some(max) = out.max_attempts {
            if !(1..=MAX_ATTEMPTS).contains(&max) {
                reader.errors.add(
                    "max_attempts",
                    format!("The max_attempts must be between 1 and {MAX_ATTEMPTS}."),
                );
                out.max_attempts = None;
            }
        }
    }
    if fields.contains_key("description") {
        out.description = Some(match FieldReader::optional(fields, "description") {
            None => None,
            Some(value) => reader
                .text(value, "description", DESCRIPTION)
                .filter(|d| !d.is_empty()),
        });
    }
    for key in ["start_at", "end_at"] {
        if !fields.contains_key(key) {
            continue;
        }
        let moment = match FieldReader::optional(fields, key) {
            None => Some(None),
            Some(Value::String(text)) if text.trim().is_empty() => Some(None),
            Some(value) => {
                let parsed = match value {
                    Value::String(text) => parse_moment(text),
                    Value::Number(number) => number.as_i64().and_then(|s| s.checked_mul(1000)),
                    _ => None,
                };
                if parsed.is_none() {
                    reader.errors.add(
                        key,
                        format!("The {key} must be a date (YYYY-MM-DD HH:mm:ss or RFC 3339)."),
                    );
                }
                parsed.map(|millis| Some(UnixMillis::new(millis)))
            }
        };
        if key == "start_at" {
            out.start_at = moment;
        } else {
            out.end_at = moment;
        }
    }
    out.teachers = read_teachers(&mut reader, fields, creating);
    out
}

/// `teacher_uuid[i]` with `teacher_name[i]`: at least one teacher, each uuid with its name. A single value (not a
/// list) is read as a list of one.
fn read_teachers(
    reader: &mut FieldReader,
    fields: &Map<String, Value>,
    creating: bool,
) -> Option<Vec<(usize, String)>> {
    if !creating && !fields.contains_key("teacher_uuid") && !fields.contains_key("teacher_name") {
        return None;
    }
    let as_list = |value: Option<&Value>| -> Vec<Value> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items.clone(),
            Some(single) => vec![single.clone()],
        }
    };
    let uuids = as_list(fields.get("teacher_uuid"));
    let names = as_list(fields.get("teacher_name"));
    if uuids.is_empty() {
        reader.errors.add(
            "teacher_uuid",
            "The teacher_uuid field must have at least one teacher.",
        );
        return None;
    }
    if uuids.len() > MAX_TEACHERS {
        reader.errors.add(
            "teacher_uuid",
            format!("The teacher_uuid may not have more than {MAX_TEACHERS} items."),
        );
        return None;
    }
    let mut out = Vec::with_capacity(uuids.len());
    let mut seen = HashSet::new();
    for (index, value) in uuids.iter().enumerate() {
        let path = format!("teacher_uuid.{index}");
        let uuid = read_uuid_value(reader, value, &path);
        match names.get(index) {
            None | Some(Value::Null) => reader.errors.add(
                format!("teacher_name.{index}"),
                format!("The teacher_name.{index} field is required."),
            ),
            Some(name) => {
                reader.text(name, &format!("teacher_name.{index}"), TextRules::NAME);
            }
        }
        if let Some(uuid) = uuid {
            if seen.insert(uuid.clone()) {
                out.push((index, uuid));
            } else {
                reader
                    .errors
                    .add(&path, format!("The {path} is given twice."));
            }
        }
    }
    Some(out)
}

/// The ids of the teachers given, in order; unknown uuids (or, under a branch scope, teachers who do not teach in
/// its branch) are errors at their paths.
pub async fn resolve_teachers(
    state: &AppState,
    partner: &Partner,
    teachers: &[(usize, String)],
    errors: &mut ValidationErrors,
) -> ApiResult<Vec<UserId>> {
    let uuids: Vec<String> = teachers.iter().map(|(_, uuid)| uuid.clone()).collect();
    let found: HashMap<String, UserId> = classbridge_service::learning_paths::teachers_by_uuid(
        &state.service,
        partner.scope(),
        &uuids,
    )
    .await?
    .into_iter()
    .map(|teacher| (teacher.uuid, teacher.user_id))
    .collect();
    let mut ids = Vec::with_capacity(teachers.len());
    for (index, uuid) in teachers {
        match found.get(uuid) {
            Some(id) => ids.push(*id),
            None => {
                let path = format!("teacher_uuid.{index}");
                errors.add(
                    &path,
                    format!(
                        "The selected {path} is invalid: no teacher of this school has this uuid."
                    ),
                );
            }
        }
    }
    Ok(ids)
}

pub fn check_window(
    start_at: Option<UnixMillis>,
    end_at: Option<UnixMillis>,
    errors: &mut ValidationErrors,
) {
    if let (Some(start), Some(end)) = (start_at, end_at) {
        if end <= start {
            errors.add("end_at", "The end_at must be a date after start_at.");
        }
    }
}

/// The `experiment_id` of a body: one of the catalogue's ids (the catalogue is the enum).
fn experiment_id_schema() -> Schema {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .enum_values(Some(
            classbridge_labs::catalogue()
                .iter()
                .map(|experiment| experiment.id),
        ))
        .max_length(Some(64))
        .description(Some(
            "The catalogue's id of the experiment (`GET /api/v2/experiments`); any other is a 422.",
        ))
        .into()
}

/// `teacher_uuid`: the partner's ids of the path's teachers.
fn teacher_uuids_schema() -> RefOr<Schema> {
    utoipa::openapi::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .min_length(Some(1))
                .max_length(Some(64))
                .pattern(Some(UUID_PATTERN)),
        )
        .min_items(Some(1))
        .max_items(Some(MAX_TEACHERS))
        .unique_items(true)
        .description(Some(
            "The partner's ids of the teachers (each a teacher of the school; under a branch-scoped credential, \
             teaching in its branch). Their sections' students get the lab. In a form: `teacher_uuid[0]=…`; a single \
             value is read as a list of one.",
        ))
        .into()
}

/// `teacher_name`: one name for each `teacher_uuid`, at the same index.
fn teacher_names_schema() -> RefOr<Schema> {
    utoipa::openapi::ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::String))
                .min_length(Some(1))
                .max_length(Some(255))
                .pattern(Some(NAME_PATTERN)),
        )
        .min_items(Some(1))
        .max_items(Some(MAX_TEACHERS))
        .description(Some(
            "The teachers' names, one for each `teacher_uuid` at the same index. In a form: `teacher_name[0]=…`.",
        ))
        .into()
}

/// A name: not blank, no control characters (surrounding white space is trimmed).
pub const NAME_PATTERN: &str =
    r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$";
/// A partner's id of a person or path: no white space or control characters.
pub const UUID_PATTERN: &str = r"^[^\s\x00-\x1f\x7f-\x9f]+$";

/// The body of `POST /api/v2/learning-path/teacher/experiment`. Form bodies carry the same fields with PHP-style
/// keys (`teacher_uuid[0]=t1&teacher_name[0]=Mr%20Karim`); numbers may be sent as their text.
#[derive(Debug, ToSchema)]
pub struct NewLearningPathBody {
    /// The path's subject name, as the partner shows it.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub subject_name: String,
    /// The partner's id of the path: unique in the tenant (409 when taken) and immutable; it names the path in
    /// the URLs of the other calls.
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$"
    )]
    pub subject_uuid: String,
    #[schema(schema_with = experiment_id_schema)]
    pub experiment_id: String,
    /// The experiment's name as the partner shows it.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub experiment_name: String,
    /// Attempts each student may make.
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: i64,
    #[schema(schema_with = teacher_uuids_schema)]
    pub teacher_uuid: Vec<String>,
    #[schema(schema_with = teacher_names_schema)]
    pub teacher_name: Vec<String>,
    /// What the students are asked to do, on one line (control characters are refused); `null` or empty for none.
    #[schema(max_length = 2000, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub description: Option<String>,
    /// When students may start: RFC 3339, `YYYY-MM-DD HH:mm:ss` or `YYYY-MM-DD` (UTC), or Unix seconds (also as a
    /// number); `null` or empty: open now.
    #[schema(example = "2026-09-01 08:00:00")]
    pub start_at: Option<String>,
    /// When the path closes, after `start_at` (same forms); `null` or empty: never.
    #[schema(example = "2026-09-30 23:59:59")]
    pub end_at: Option<String>,
}

/// The body of `PATCH /api/v2/learning-path/teacher/{subject_uuid}`: `subject_name` and whatever else changes.
/// Teachers given replace the old ones; `null` clears `description`, `start_at` and `end_at`. Form bodies as for
/// the create.
#[derive(Debug, ToSchema)]
pub struct LearningPathChange {
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub subject_name: String,
    /// Immutable: when given, it must be the path's own (422 otherwise).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^[^\s\x00-\x1f\x7f-\x9f]+$"
    )]
    pub subject_uuid: Option<String>,
    /// Another experiment of the catalogue; 409 once students have attempted the path.
    #[schema(schema_with = experiment_id_schema)]
    pub experiment_id: Option<String>,
    #[schema(
        nullable = false,
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub experiment_name: Option<String>,
    #[schema(nullable = false, minimum = 1, maximum = 100)]
    pub max_attempts: Option<i64>,
    /// The new teachers, replacing the old ones (with `teacher_name`).
    #[schema(schema_with = teacher_uuids_schema)]
    pub teacher_uuid: Option<Vec<String>>,
    #[schema(schema_with = teacher_names_schema)]
    pub teacher_name: Option<Vec<String>>,
    /// `null` or empty clears it.
    #[schema(max_length = 2000, pattern = r"^[^\x00-\x1f\x7f-\x9f]*$")]
    pub description: Option<String>,
    /// As for the create; `null` or empty clears it.
    pub start_at: Option<String>,
    /// As for the create, after `start_at`; `null` or empty clears it.
    pub end_at: Option<String>,
}
