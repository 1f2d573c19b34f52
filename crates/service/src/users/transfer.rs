//! Transfers: users upserted by the partner's id (`lms_id`), all checked first and written all or nothing.

use classbridge_domain::UserId;
use std::collections::HashMap;

use classbridge_domain::{
    input::{BodyFormat, FieldReader, TextRules},
    Role, Scope, ValidationErrors,
};
use classbridge_store::{
    users::{self, NewUser, UserChanges},
    RosterWrite, Store, StoreError,
};
use serde_json::{Map, Value};

use super::{parse_role, uniqueness_error, UserError, UserResult, USERNAME};
use crate::scope;

/// What became of one transferred user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transferred {
    pub id: UserId,
    pub lms_id: String,
    pub username: String,
    pub status: &'static str,
}

#[derive(Clone)]
struct TransferItem {
    lms_id: String,
    name: String,
    username: String,
    role: Option<Role>,
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
        let taken = holders.iter().any(|holder| {
            holder.username == item.username.to_lowercase()
                && holder.lms_id.as_deref() != Some(item.lms_id.as_str())
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
    let known_ids: Vec<UserId> = known.values().map(|row| row.id).collect();
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
                    users::set_roles(&mut tx, row.id, &[item.role.unwrap_or(Role::Student)])
                        .await?;
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
        users::set_roles(&mut tx, id, &[item.role.unwrap_or(Role::Student)]).await?;
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
