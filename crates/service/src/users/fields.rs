//! A create or update request's fields: read from the body with their errors by path, then checked against the
//! tenant (uniqueness) and the scope (groups and classrooms it can see).

use std::collections::HashSet;

use classbridge_domain::{
    input::{lenient_text, BodyFormat, FieldReader, TextRules},
    validation::child_path,
    GroupId, Role, RowId, Scope, SectionId, UserId, ValidationErrors,
};
use classbridge_store::{users::UniqueColumn, Store};
use serde_json::{Map, Value};

use super::{is_valid_email, parse_role, UserResult, PASSWORD_MIN, USERNAME};

/// The fields of a create or update request, read and checked (relations checked against the tenant later).
#[derive(Debug, Default)]
pub(super) struct UserFields {
    pub(super) name: Option<String>,
    pub(super) username: Option<String>,
    pub(super) email: Option<String>,
    pub(super) password: Option<String>,
    pub(super) roles: Option<Vec<Role>>,
    pub(super) groups: Option<Vec<GroupId>>,
    pub(super) student_of: Option<Vec<SectionId>>,
    pub(super) teacher_of: Option<Vec<SectionId>>,
}

pub(super) fn read_fields(
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
    let groups = id_list("groups").map(|ids| ids.into_iter().map(GroupId::new).collect());
    let student_of = id_list("student_of").map(|ids| ids.into_iter().map(SectionId::new).collect());
    let teacher_of = id_list("teacher_of").map(|ids| ids.into_iter().map(SectionId::new).collect());
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
pub(super) async fn check_against_tenant(
    store: &Store,
    scope: Scope,
    fields: &UserFields,
    user_id: Option<UserId>,
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
    if let Some(ids) = &fields.groups {
        let found = store.existing_group_ids(scope, ids).await?;
        report_unknown(errors, "groups", ids, &found, "group");
    }
    for (key, ids) in [
        ("student_of", &fields.student_of),
        ("teacher_of", &fields.teacher_of),
    ] {
        if let Some(ids) = ids {
            let found = store.existing_classroom_ids(scope, ids).await?;
            report_unknown(errors, key, ids, &found, "classroom");
        }
    }
    Ok(())
}

/// An error at `key.i` for each id asked for that is not among those `found` (a `what` the scope does not see).
fn report_unknown<Id: RowId + Eq + std::hash::Hash>(
    errors: &mut ValidationErrors,
    key: &str,
    asked: &[Id],
    found: &[Id],
    what: &str,
) {
    let found: HashSet<Id> = found.iter().copied().collect();
    for (index, id) in asked.iter().enumerate() {
        if !found.contains(id) {
            errors.add(
                child_path(key, index),
                format!(
                    "The selected {key}.{index} is invalid: no {what} with id {}.",
                    id.key()
                ),
            );
        }
    }
}
