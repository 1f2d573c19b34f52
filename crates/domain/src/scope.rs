//! `Scope`: what one request may touch, a whole tenant or one of its branches. Every read and write of people,
//! sections, classrooms, groups, courses, lessons, bookings, learning paths and sign-in links takes one, so no path
//! can forget the branch a partner credential is limited to.

use crate::{BranchScope, TenantId};

/// A tenant, whole or limited to one branch (by the partner's branch id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    tenant_id: TenantId,
    branch: BranchScope,
}

impl Scope {
    /// The scope of a credential: its tenant, limited to its branch when it has one.
    pub fn new(tenant_id: TenantId, branch: BranchScope) -> Self {
        Self { tenant_id, branch }
    }

    /// The whole tenant: ClassIn SIDs, the operator, the pages (which check the signed-in person themselves).
    pub fn tenant_wide(tenant_id: TenantId) -> Self {
        Self::new(tenant_id, BranchScope::Tenant)
    }

    pub fn tenant_id(self) -> TenantId {
        self.tenant_id
    }

    pub fn branch(self) -> BranchScope {
        self.branch
    }

    /// The partner's id of the branch this scope is limited to; `None` for the whole tenant.
    pub fn branch_partner_id(self) -> Option<i64> {
        self.branch.branch_id()
    }

    pub fn is_tenant_wide(self) -> bool {
        self.branch == BranchScope::Tenant
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_names_its_tenant_and_branch() {
        let tenant = TenantId::from_row(3);
        assert!(Scope::tenant_wide(tenant).is_tenant_wide());
        let limited = Scope::new(tenant, BranchScope::Branch(7));
        assert!(!limited.is_tenant_wide());
        assert_eq!(limited.branch_partner_id(), Some(7));
        assert_eq!(limited.tenant_id(), tenant);
    }
}
