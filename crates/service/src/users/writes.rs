//! Users created, changed and deleted through the users API, each in one roster write, with their roles, groups and
//! classrooms replaced as given.

use classbridge_domain::{input::BodyFormat, Scope, UserId, ValidationErrors};
use classbridge_store::{
    users::{self, NewUser, UserChanges},
    RosterWrite, StoreError,
};
use serde_json::{Map, Value};

use super::{
    fields::{check_against_tenant, read_fields, UserFields},
    uniqueness_error, UserError, UserResult,
};
use crate::scope;

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
    user_id: UserId,
    fields: &UserFields,
) -> UserResult<()> {
    if let Some(roles) = &fields.roles {
        users::set_roles(tx, user_id, roles).await?;
        // What the person may see changed: they sign in again.
        classbridge_store::sso::end_sessions_of(tx, &[user_id]).await?;
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

/// Creates a user from a request body; returns the new id. A branch's credential creates only people of its branch
/// (a student or teacher of one of its classrooms), never an admin or a supervisor.
pub async fn create_user(
    service: &crate::Service,
    scope: Scope,
    body: &Map<String, Value>,
    format: BodyFormat,
) -> UserResult<UserId> {
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
    id: UserId,
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
pub async fn delete_user(service: &crate::Service, scope: Scope, id: UserId) -> UserResult<()> {
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
