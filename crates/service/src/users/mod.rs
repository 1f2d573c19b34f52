//! The users API's rules: what a user may be made of, uniqueness of usernames and e-mails per tenant, roles by id
//! or name, relations that replace the old ones, and transfers that upsert by the partner's id all or nothing.
//!
//! By concern: `reads` (a user, a page of users, and what is shown with them), `fields` (a request body read and
//! checked against the tenant), `writes` (users created, changed and deleted) and `transfer` (users upserted by the
//! partner's id). This file keeps the roles, the errors and the checks they share.

mod fields;
mod reads;
mod transfer;
mod writes;

pub use reads::{
    classrooms_of, find_user, find_user_by_partner_id, groups_of, list_users, roles_of,
    UserClassroom, UserFilter, UserRow, DEFAULT_BRANCH_PARTNER_ID,
};
pub use transfer::{transfer, Transferred, MAX_TRANSFER};
pub use writes::{create_user, delete_user, hash_password, update_user};

use classbridge_domain::{input::TextRules, Role, ValidationErrors};
use classbridge_store::StoreError;
use serde_json::Value;

use crate::scope::ScopeError;

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
fn parse_role(value: &Value) -> Option<Role> {
    match value {
        Value::Number(number) => number.as_i64().and_then(Role::from_id),
        Value::String(text) => {
            let text = text.trim();
            match text.parse::<i64>() {
                Ok(id) => Role::from_id(id),
                Err(_) => Role::from_name(text),
            }
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
