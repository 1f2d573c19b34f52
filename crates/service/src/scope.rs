//! The rules of branch-scoped credentials, in one place. The authentication path makes a [`Scope`] (the tenant, or
//! one of its branches); the store narrows every read and write of people, classrooms, groups, courses, lessons,
//! bookings, jobs and sign-in links to it; and these rules say what a branch's credential may never do: act on
//! admins or supervisors, give those roles, or act on what belongs to the whole tenant.

use classbridge_domain::{Role, Scope, UserId};
use classbridge_store::{Store, StoreError};

/// Why a scope refuses an action.
#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    /// A category of action the scope may never take (403).
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn limited_to(scope: Scope) -> String {
    format!(
        "This credential is limited to branch {}",
        scope.branch_partner_id().unwrap_or_default()
    )
}

/// Refuses a branch's credential an action on what belongs to the whole tenant (`what`: "create classrooms").
pub fn require_tenant_wide(scope: Scope, what: &str) -> Result<(), ScopeError> {
    if scope.is_tenant_wide() {
        Ok(())
    } else {
        Err(ScopeError::Forbidden(format!(
            "{}: it cannot {what}; use a tenant-wide credential.",
            limited_to(scope)
        )))
    }
}

/// Refuses a branch's credential the roles admin and supervisor.
pub fn check_roles_given(scope: Scope, roles: &[Role]) -> Result<(), ScopeError> {
    if scope.is_tenant_wide() || !roles.iter().any(|role| role.is_tenant_wide()) {
        return Ok(());
    }
    Err(ScopeError::Forbidden(format!(
        "{}: it cannot give the admin or supervisor role.",
        limited_to(scope)
    )))
}

/// Refuses a branch's credential any change to (or sign-in of) an admin or a supervisor, `what` saying which.
pub async fn check_person_reachable(
    store: &Store,
    scope: Scope,
    user_id: UserId,
    what: &str,
) -> Result<(), ScopeError> {
    if scope.is_tenant_wide() {
        return Ok(());
    }
    let roles = store.roles_of(scope.tenant_id(), &[user_id]).await?;
    let holds_tenant_wide_role = roles
        .get(&user_id)
        .is_some_and(|roles| roles.iter().any(|role| role.is_tenant_wide()));
    if holds_tenant_wide_role {
        return Err(ScopeError::Forbidden(format!(
            "{}: it cannot {what} an admin or a supervisor.",
            limited_to(scope)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use classbridge_domain::{BranchScope, TenantId};

    #[test]
    fn a_branch_scope_gives_no_tenant_wide_role() {
        let tenant = Scope::tenant_wide(TenantId::from_row(1));
        let branch = Scope::new(TenantId::from_row(1), BranchScope::Branch(5));
        assert!(check_roles_given(tenant, &[Role::Admin]).is_ok());
        assert!(check_roles_given(branch, &[Role::Teacher, Role::Student]).is_ok());
        assert!(check_roles_given(branch, &[Role::Student, Role::Supervisor]).is_err());
        assert!(require_tenant_wide(tenant, "x").is_ok());
        assert!(require_tenant_wide(branch, "x").is_err());
    }
}
