//! People as the users API sees them: read in pages with their roles, groups and classrooms fetched for the whole
//! page at once (never one query per user), and written field by field inside the caller's transaction.
//!
//! By concern: `list` (pages of a tenant's or branch's users, and the page checkpoints behind them), `reads` (one
//! user, and what the users API shows with a page), `roles` (roles read and replaced), `writes` (users made, changed
//! and deleted, and their groups and classrooms replaced), and `sqlite` (the SQLite point reads, the one place a
//! [`UserRow`] is decoded from rusqlite).

mod list;
mod reads;
mod roles;
mod sqlite;
mod writes;

pub use reads::{find_username_holders, find_users_by_lms_id, UsernameHolder};
pub use roles::{roles_in, set_roles};
pub use writes::{
    delete_user, insert_user, set_groups, set_student_of, set_teacher_of, update_user,
};

use classbridge_domain::{Scope, UnixMillis, UserId};
use sqlx::QueryBuilder;

use crate::{StoreError, StoreResult, TenantTx};

/// Rows per multi-row statement.
const BATCH: usize = 500;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub id: UserId,
    pub uuid: Option<String>,
    pub lms_id: Option<String>,
    pub name: String,
    pub username: Option<String>,
    pub email: Option<String>,
    pub active: bool,
    pub created_at: UnixMillis,
    pub updated_at: UnixMillis,
}

pub(crate) const USER_COLUMNS: &str =
    "id, uuid, lms_id, name, username, email, active, created_at, updated_at";

/// Which users a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserFilter {
    All,
    /// Transferred users: those with an `lms_id`.
    WithLmsId,
}

/// A classroom a user belongs to, with where it sits and how the user belongs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserClassroom {
    pub user_id: UserId,
    pub section_id: i64,
    pub section_name: String,
    pub class_name: String,
    pub branch_partner_id: i64,
    pub branch_name: String,
    /// `student` or `teacher`.
    pub membership: String,
}

/// The fields of a new user.
#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub name: String,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub lms_id: Option<String>,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub username: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
}

fn in_list<'q, DB: sqlx::Database, Id>(query: &mut QueryBuilder<'q, DB>, ids: &'q [Id])
where
    Id: sqlx::Encode<'q, DB> + sqlx::Type<DB> + Copy + 'q,
{
    query.push(" IN (");
    let mut separated = query.separated(", ");
    for id in ids {
        separated.push_bind(*id);
    }
    separated.push_unseparated(")");
}

#[derive(Debug, Clone, Copy)]
pub enum UniqueColumn {
    Username,
    Email,
}

impl UniqueColumn {
    fn name(self) -> &'static str {
        match self {
            Self::Username => "username",
            Self::Email => "email",
        }
    }
}

/// `NotFound` unless the scope is of the transaction's tenant.
fn check_scope(tx: &TenantTx, scope: Scope) -> StoreResult<()> {
    if scope.tenant_id() == tx.tenant_id() {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}
