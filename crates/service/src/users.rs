//! The users API's rules: what a user may be made of, uniqueness of usernames and e-mails per tenant, roles by id
//! or name, relations that replace the old ones, and transfers that upsert by the partner's id all or nothing.

use std::collections::{HashMap, HashSet};

use classbridge_domain::{
    input::{lenient_text, BodyFormat, FieldReader, TextRules},
    validation::child_path,
    Scope, UserId, ValidationErrors,
};
use classbridge_store::{
    users::{self, NewUser, UniqueColumn, UserChanges},
    RosterWrite, Store, StoreError,
};
use serde_json::{Map, Value};

use crate::scope::{self, ScopeError};

mod reads;
pub use reads::{
    classrooms_of, find_user, find_user_by_partner_id, groups_of, list_users, roles_of,
    UserClassroom, UserFilter, UserRow, DEFAULT_BRANCH_PARTNER_ID,
};

/// The fixed roles of every tenant.
pub const ROLES: [(i64, &str); 4] = [
    (1, "admin"),
    (2, "teacher"),
    (3, "student"),
    (4, "supervisor"),
];
pub const ROLE_STUDENT: i64 = 3;

pub fn role_name(id: i64) -> &'static str {
    ROLES
        .iter()
        .find(|(known, _)| *known == id)
        .map_or("unknown", |(_, name)| name)
}

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("The given data was invalid.")]
    Invalid(ValidationErrors),
    #[error("not found")]
    NotFound,
    /// Refused to the credential's scope (403).
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<ScopeError> for UserError {
    fn from(error: ScopeError) -> Self {
        match error {
            ScopeError::Forbidden(message) => Self::Forbidden(message),
            ScopeError::Store(error) => Self::Store(error),
        }
    }
}

pub type UserResult<T> = Result<T, UserError>;

const USERNAME: TextRules = TextRules::max(255);
const PASSWORD_MIN: usize = 8;

/// A role given as an id (1–4) or a name, in a JSON number or text.
fn parse_role(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number
            .as_i64()
            .filter(|id| ROLES.iter().any(|(known, _)| known == id)),
        Value::String(text) => {
            let text = text.trim();
            text.parse::<i64>()
                .ok()
                .filter(|id| ROLES.iter().any(|(known, _)| known == id))
                .or_else(|| {
                    ROLES
                        .iter()
                        .find(|(_, name)| name.eq_ignore_ascii_case(text))
                        .map(|(id, _)| *id)
                })
        }
        _ => None,
    }
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces, at most 254 characters.
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && email.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// The fields of a create or update request, read and checked (relations checked against the tenant later).
#[derive(Debug, Default)]
struct UserFields {
    name: Option<String>,
    username: Option<String>,
    email: Option<String>,
    password: Option<String>,
    roles: Option<Vec<i64>>,
    groups: Option<Vec<i64>>,
    student_of: Option<Vec<i64>>,
    teacher_of: Option<Vec<i64>>,
}

fn read_fields(
    fields: &Map<String, Value>,
    format: BodyFormat,
    creating: bool,
    errors: &mut ValidationErrors,
) -> UserFields {
    let mut reader = FieldReader::new(errors, format);
    let text = |reader: &mut FieldReader, key: &str, rules: TextRules| {
        if creating {
            reader.required_text(fields, "", key, rules)
        } else {
            reader.optional_text(fields, "", key, rules)
        }
    };
    let name = text(&mut reader, "name", TextRules::NAME);
    let username = text(&mut reader, "username", USERNAME);
    if username
        .as_deref()
        .is_some_and(|u| u.chars().any(char::is_whitespace))
    {
        reader
            .errors
            .add("username", "The username must not contain spaces.");
    }
    let email = text(&mut reader, "email", TextRules::max(254)).map(|e| e.to_lowercase());
    if email.as_deref().is_some_and(|e| !is_valid_email(e)) {
        reader
            .errors
            .add("email", "The email must be a valid email address.");
    }
    // A number is a password's text too (Laravel reads `12345678` as "12345678").
    let password = match FieldReader::optional(fields, "password").map(lenient_text) {
        Some(Some(text)) if text.chars().count() < PASSWORD_MIN => {
            reader.errors.add(
                "password",
                format!("The password must be at least {PASSWORD_MIN} characters."),
            );
            None
        }
        Some(Some(text)) if text.chars().count() > 255 => {
            reader.errors.add(
                "password",
                "The password may not be greater than 255 characters.",
            );
            None
        }
        Some(Some(text)) => Some(text.into_owned()),
        Some(None) => {
            reader
                .errors
                .add("password", "The password must be a string.");
            None
        }
        None => None,
    };
    let roles = FieldReader::optional(fields, "role").map(|value| {
        // The seed documents an array of ids for create and one role name for update: both are accepted for both.
        let items: Vec<(String, &Value)> = match value {
            Value::Array(items) => items.iter().enumerate().map(|(i, v)| (format!("role.{i}"), v)).collect(),
            Value::String(text) if text.is_empty() && format == BodyFormat::Form => Vec::new(),
            single => vec![("role".to_owned(), single)],
        };
        let mut ids = Vec::new();
        for (path, item) in items {
            match parse_role(item) {
                Some(id) if !ids.contains(&id) => ids.push(id),
                Some(_) => {}
                None => reader.errors.add(&path, format!(
                    "The selected {path} is invalid: give a role id (1 admin, 2 teacher, 3 student, 4 supervisor) or its name.")),
            }
        }
        ids
    });
    let mut id_list = |key: &str| {
        let items = reader.optional_array(fields, "", key)?;
        let mut ids = Vec::new();
        for (index, item) in items.iter().enumerate() {
            if let Some(id) = reader.integer(item, &child_path(key, index)) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        Some(ids)
    };
    let groups = id_list("groups");
    let student_of = id_list("student_of");
    let teacher_of = id_list("teacher_of");
    UserFields {
        name,
        username,
        email,
        password,
        roles,
        groups,
        student_of,
        teacher_of,
    }
}

/// Checks relations against the scope (a classroom or group outside it is as unknown as one that does not exist)
/// and uniqueness against the tenant, adding errors by path.
async fn check_against_tenant(
    store: &Store,
    scope: Scope,
    fields: &UserFields,
    user_id: Option<i64>,
    errors: &mut ValidationErrors,
) -> UserResult<()> {
    if let Some(username) = &fields.username {
        if store
            .user_holding(scope.tenant_id(), UniqueColumn::Username, username, user_id)
            .await?
            .is_some()
        {
            errors.add("username", "The username has already been taken.");
        }
    }
    if let Some(email) = &fields.email {
        if store
            .user_holding(scope.tenant_id(), UniqueColumn::Email, email, user_id)
            .await?
            .is_some()
        {
            errors.add("email", "The email has already been taken.");
        }
    }
    for (key, ids, groups) in [
        ("groups", &fields.groups, true),
        ("student_of", &fields.student_of, false),
        ("teacher_of", &fields.teacher_of, false),
    ] {
        let Some(ids) = ids else { continue };
        let found: HashSet<i64> = if groups {
            store.existing_group_ids(scope, ids).await?
        } else {
            store.existing_classroom_ids(scope, ids).await?
        }
        .into_iter()
        .collect();
        for (index, id) in ids.iter().enumerate() {
            if !found.contains(id) {
                let what = if groups { "group" } else { "classroom" };
                errors.add(
                    child_path(key, index),
                    format!("The selected {key}.{index} is invalid: no {what} with id {id}."),
                );
            }
        }
    }
    Ok(())
}

/// Argon2id, off the async threads.
pub async fn hash_password(password: String) -> UserResult<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::{
            password_hash::{rand_core::OsRng, PasswordHasher, SaltString},
            Argon2,
        };
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
    })
    .await
    .map_err(|error| {
        UserError::Store(StoreError::Open(format!(
            "password hashing stopped: {error}"
        )))
    })?
    .map_err(|error| {
        UserError::Store(StoreError::Open(format!(
            "password hashing failed: {error}"
        )))
    })
}

async fn apply_relations(
    tx: &mut classbridge_store::TenantTx,
    scope: Scope,
    user_id: i64,
    fields: &UserFields,
) -> UserResult<()> {
    if let Some(roles) = &fields.roles {
        users::set_roles(tx, user_id, roles).await?;
        // What the person may see changed: they sign in again.
        classbridge_store::sso::end_sessions_of(tx, &[UserId::new(user_id)]).await?;
    }
    if let Some(groups) = &fields.groups {
        users::set_groups(tx, scope, user_id, groups)
            .await
            .map_err(|error| deleted_meanwhile(error, "groups"))?;
    }
    if let Some(sections) = &fields.student_of {
        users::set_student_of(tx, scope, user_id, sections)
            .await
            .map_err(|error| deleted_meanwhile(error, "student_of"))?;
    }
    if let Some(sections) = &fields.teacher_of {
        users::set_teacher_of(tx, scope, user_id, sections)
            .await
            .map_err(|error| deleted_meanwhile(error, "teacher_of"))?;
    }
    Ok(())
}

/// A relation whose target was checked, then deleted by a concurrent request before the write: the same 422 as a
/// target that never existed, not a 500.
fn deleted_meanwhile(error: StoreError, key: &str) -> UserError {
    if error.is_foreign_key_violation() {
        UserError::Invalid(ValidationErrors::single(
            key,
            format!("The selected {key} is invalid: one of them no longer exists."),
        ))
    } else {
        UserError::Store(error)
    }
}

fn uniqueness_error(error: StoreError) -> UserError {
    match &error {
        StoreError::Conflict { constraint } if constraint.contains("users_by_username") => {
            UserError::Invalid(ValidationErrors::single(
                "username",
                "The username has already been taken.",
            ))
        }
        StoreError::Conflict { constraint } if constraint.contains("users_by_email") => {
            UserError::Invalid(ValidationErrors::single(
                "email",
                "The email has already been taken.",
            ))
        }
        _ => UserError::Store(error),
    }
}

/// Creates a user from a request body; returns the new id. A branch's credential creates only people of its branch
/// (a student or teacher of one of its classrooms), never an admin or a supervisor.
pub async fn create_user(
    service: &crate::Service,
    scope: Scope,
    body: &Map<String, Value>,
    format: BodyFormat,
) -> UserResult<i64> {
    let store = service.store();
    let tenant_id = scope.tenant_id();
    let mut errors = ValidationErrors::new();
    let fields = read_fields(body, format, true, &mut errors);
    scope::check_roles_given(scope, fields.roles.as_deref().unwrap_or_default())?;
    let joins_a_classroom = [&fields.student_of, &fields.teacher_of]
        .iter()
        .any(|ids| ids.as_ref().is_some_and(|ids| !ids.is_empty()));
    if let (Some(branch), false) = (scope.branch_partner_id(), joins_a_classroom) {
        errors.add(
            "student_of",
            format!(
                "This credential is limited to branch {branch}: a user it creates is a student (student_of) or a \
                 teacher (teacher_of) of at least one classroom of that branch."
            ),
        );
    }
    check_against_tenant(store, scope, &fields, None, &mut errors).await?;
    errors.into_result().map_err(UserError::Invalid)?;
    let password_hash = match fields.password.clone() {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let new = NewUser {
        name: fields.name.clone().unwrap_or_default(),
        username: fields.username.clone(),
        email: fields.email.clone(),
        password_hash,
        lms_id: None,
    };
    // A roster write: its commit bumps the roster version (mirrors must not skip a branch this may have changed).
    let mut tx = RosterWrite::begin(store, tenant_id).await?;
    let id = users::insert_user(&mut tx, &new)
        .await
        .map_err(uniqueness_error)?;
    apply_relations(&mut tx, scope, id, &fields).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes the fields given; relation arrays given replace the old ones (of a branch's credential: those in its
/// branch). A branch's credential changes only its branch's people, never an admin or a supervisor.
pub async fn update_user(
    service: &crate::Service,
    scope: Scope,
    id: i64,
    body: &Map<String, Value>,
    format: BodyFormat,
) -> UserResult<()> {
    let store = service.store();
    let tenant_id = scope.tenant_id();
    if store.find_user(scope, id).await?.is_none() {
        return Err(UserError::NotFound);
    }
    scope::check_person_reachable(store, scope, id, "change").await?;
    let mut errors = ValidationErrors::new();
    let fields = read_fields(body, format, false, &mut errors);
    scope::check_roles_given(scope, fields.roles.as_deref().unwrap_or_default())?;
    check_against_tenant(store, scope, &fields, Some(id), &mut errors).await?;
    errors.into_result().map_err(UserError::Invalid)?;
    let password_hash = match fields.password.clone() {
        Some(password) => Some(hash_password(password).await?),
        None => None,
    };
    let changes = UserChanges {
        name: fields.name.clone(),
        username: fields.username.clone(),
        email: fields.email.clone(),
        password_hash,
    };
    // A roster write: its commit bumps the roster version (mirrors must not skip a branch this may have changed).
    let mut tx = RosterWrite::begin(store, tenant_id).await?;
    users::update_user(&mut tx, scope, id, &changes)
        .await
        .map_err(uniqueness_error)?;
    apply_relations(&mut tx, scope, id, &fields).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a user in the scope (a branch's credential: one of its people, never an admin or a supervisor).
pub async fn delete_user(service: &crate::Service, scope: Scope, id: i64) -> UserResult<()> {
    let store = service.store();
    let tenant_id = scope.tenant_id();
    if store.find_user(scope, id).await?.is_none() {
        return Err(UserError::NotFound);
    }
    scope::check_person_reachable(store, scope, id, "delete").await?;
    // A roster write: its commit bumps the roster version (mirrors must not skip a branch this may have changed).
    let mut tx = RosterWrite::begin(store, tenant_id).await?;
    if !users::delete_user(&mut tx, scope, id).await? {
        return Err(UserError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// What became of one transferred user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transferred {
    pub id: i64,
    pub lms_id: String,
    pub username: String,
    pub status: &'static str,
}

#[derive(Clone)]
struct TransferItem {
    lms_id: String,
    name: String,
    username: String,
    role: Option<i64>,
}

/// Most users in one transfer call.
pub const MAX_TRANSFER: usize = 5000;

/// Upserts users by the partner's id: all are checked first, and none is written unless all are valid. Transferred
/// users belong to no branch: only a tenant-wide credential transfers.
pub async fn transfer(
    service: &crate::Service,
    scope: Scope,
    body: &Map<String, Value>,
    format: BodyFormat,
) -> UserResult<Vec<Transferred>> {
    let store = service.store();
    scope::require_tenant_wide(scope, "transfer users (they belong to no branch)")?;
    let tenant_id = scope.tenant_id();
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, format);
    let items = reader.required_array(body, "", "data").unwrap_or(&[]);
    if body.contains_key("data") && items.is_empty() && reader.errors.is_empty() {
        reader
            .errors
            .add("data", "The data must have at least 1 item.");
    }
    if items.len() > MAX_TRANSFER {
        reader.errors.add(
            "data",
            format!("The data may not have more than {MAX_TRANSFER} items; send them in parts."),
        );
    }
    let mut parsed = Vec::with_capacity(items.len());
    let mut first_id: HashMap<String, usize> = HashMap::new();
    let mut first_username: HashMap<String, usize> = HashMap::new();
    for (index, item) in items.iter().enumerate().take(MAX_TRANSFER) {
        let path = format!("data.{index}");
        let Some(object) = reader.object(item, &path) else {
            continue;
        };
        let name = reader.required_text(object, &path, "name", TextRules::NAME);
        let username = reader.required_text(object, &path, "username", USERNAME);
        let lms_id = match reader.present(object, &path, "id") {
            Some(Value::Number(number)) if number.is_i64() || number.is_u64() => {
                Some(number.to_string())
            }
            Some(Value::String(text))
                if !text.trim().is_empty() && text.trim().chars().count() <= 64 =>
            {
                Some(text.trim().to_owned())
            }
            Some(_) => {
                reader.errors.add(
                    format!("{path}.id"),
                    format!("The {path}.id must be an integer or a text of 1 to 64 characters."),
                );
                None
            }
            None => None,
        };
        let role = match FieldReader::optional(object, "role") {
            None => None,
            Some(value) => match parse_role(value) {
                Some(role) => Some(role),
                None => {
                    reader.errors.add(format!("{path}.role"), format!("The selected {path}.role is invalid: admin, teacher, student or supervisor."));
                    None
                }
            },
        };
        if let Some(id) = &lms_id {
            if let Some(first) = first_id.get(id) {
                reader.errors.add(
                    format!("{path}.id"),
                    format!("The {path}.id has already been used by data.{first}."),
                );
            } else {
                first_id.insert(id.clone(), index);
            }
        }
        if let Some(username) = &username {
            if username.chars().any(char::is_whitespace) {
                reader.errors.add(
                    format!("{path}.username"),
                    format!("The {path}.username must not contain spaces."),
                );
            }
            let key = username.to_lowercase();
            if let Some(first) = first_username.get(&key) {
                reader.errors.add(
                    format!("{path}.username"),
                    format!("The {path}.username has already been used by data.{first}."),
                );
            } else {
                first_username.insert(key, index);
            }
        }
        if let (Some(name), Some(username), Some(lms_id)) = (name, username, lms_id) {
            parsed.push((
                index,
                TransferItem {
                    lms_id,
                    name,
                    username,
                    role,
                },
            ));
        }
    }
    if !errors.is_empty() {
        return Err(UserError::Invalid(errors));
    }

    // Two partners' retries may create the same new `lms_id` at once: the later insert meets the earlier's row (a
    // unique conflict on PostgreSQL, which does not show uncommitted rows) and runs again, finding it.
    let mut attempts = 0;
    loop {
        attempts += 1;
        match transfer_once(store, tenant_id, &parsed).await {
            Err(UserError::Store(StoreError::Conflict { .. })) if attempts < 3 => continue,
            Err(UserError::Store(conflict)) => return Err(uniqueness_error(conflict)),
            outcome => return outcome,
        }
    }
}

/// One attempt at writing checked transfer items, in one transaction.
async fn transfer_once(
    store: &Store,
    tenant_id: classbridge_domain::TenantId,
    parsed: &[(usize, TransferItem)],
) -> UserResult<Vec<Transferred>> {
    let mut errors = ValidationErrors::new();
    // A roster write: its commit bumps the roster version (mirrors must not skip a branch this may have changed).
    let mut tx = RosterWrite::begin(store, tenant_id).await?;
    let ids: Vec<String> = parsed.iter().map(|(_, item)| item.lms_id.clone()).collect();
    let known: HashMap<String, users::UserRow> = users::find_users_by_lms_id(&mut tx, &ids)
        .await?
        .into_iter()
        .filter_map(|row| row.lms_id.clone().map(|id| (id, row)))
        .collect();
    let usernames: Vec<String> = parsed
        .iter()
        .map(|(_, item)| item.username.to_lowercase())
        .collect();
    let holders = users::find_username_holders(&mut tx, &usernames).await?;
    for (index, item) in parsed {
        let taken = holders.iter().any(|(_, name, lms_id)| {
            *name == item.username.to_lowercase() && lms_id.as_deref() != Some(item.lms_id.as_str())
        });
        if taken {
            errors.add(
                format!("data.{index}.username"),
                format!("The data.{index}.username has already been taken."),
            );
        }
    }
    if !errors.is_empty() {
        return Err(UserError::Invalid(errors));
    }
    let known_ids: Vec<i64> = known.values().map(|row| row.id).collect();
    let known_roles = users::roles_in(&mut tx, &known_ids).await?;
    let mut results = Vec::with_capacity(parsed.len());
    for (_, item) in parsed {
        let item = item.clone();
        let status = match known.get(&item.lms_id) {
            Some(row) => {
                let roles_now = known_roles.get(&row.id).cloned().unwrap_or_default();
                let role_changes = item.role.is_some_and(|role| roles_now != [role]);
                let changed = row.name != item.name
                    || row.username.as_deref() != Some(item.username.as_str());
                if changed {
                    let changes = UserChanges {
                        name: Some(item.name.clone()),
                        username: Some(item.username.clone()),
                        ..Default::default()
                    };
                    users::update_user(&mut tx, Scope::tenant_wide(tenant_id), row.id, &changes)
                        .await?;
                }
                if role_changes {
                    users::set_roles(&mut tx, row.id, &[item.role.unwrap_or(ROLE_STUDENT)]).await?;
                }
                results.push(Transferred {
                    id: row.id,
                    lms_id: item.lms_id,
                    username: item.username,
                    status: if changed || role_changes {
                        "updated"
                    } else {
                        "unchanged"
                    },
                });
                continue;
            }
            None => "created",
        };
        let new = NewUser {
            name: item.name,
            username: Some(item.username.clone()),
            lms_id: Some(item.lms_id.clone()),
            ..Default::default()
        };
        let id = users::insert_user(&mut tx, &new).await?;
        users::set_roles(&mut tx, id, &[item.role.unwrap_or(ROLE_STUDENT)]).await?;
        results.push(Transferred {
            id,
            lms_id: item.lms_id,
            username: item.username,
            status,
        });
    }
    tx.commit().await?;
    Ok(results)
}
