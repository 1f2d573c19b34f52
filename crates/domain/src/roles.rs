//! The four fixed roles of every tenant's people, stored as their id in `user_roles.role_id` (1–4) and named on the
//! wire (`admin`, `teacher`, `student`, `supervisor`).

use std::fmt;

/// A person's role. The database keeps its id; an id outside 1–4 does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Admin,
    Teacher,
    Student,
    Supervisor,
}

impl Role {
    /// Every role, in id order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Teacher, Role::Student, Role::Supervisor];

    /// The roles whose people act across the whole tenant: a branch's credential never gives them, changes their
    /// holders or signs them in.
    pub const TENANT_WIDE: [Role; 2] = [Role::Admin, Role::Supervisor];

    /// The id stored in `user_roles.role_id` and accepted on the wire.
    pub const fn id(self) -> i64 {
        match self {
            Role::Admin => 1,
            Role::Teacher => 2,
            Role::Student => 3,
            Role::Supervisor => 4,
        }
    }

    /// The role with this id, if any.
    pub fn from_id(id: i64) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.id() == id)
    }

    /// The wire name.
    pub const fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Student => "student",
            Role::Supervisor => "supervisor",
        }
    }

    /// The role with this name, in any letter case.
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.name().eq_ignore_ascii_case(name))
    }

    /// Whether people with this role act across the whole tenant ([`Role::TENANT_WIDE`]).
    pub fn is_tenant_wide(self) -> bool {
        Role::TENANT_WIDE.contains(&self)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

crate::codes::stored_as_number!(Role, id, from_id, "role");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names_go_both_ways() {
        for role in Role::ALL {
            assert_eq!(Role::from_id(role.id()), Some(role));
            assert_eq!(Role::from_name(role.name()), Some(role));
            assert_eq!(Role::from_name(&role.name().to_uppercase()), Some(role));
        }
        assert_eq!(Role::from_id(0), None);
        assert_eq!(Role::from_id(5), None);
        assert_eq!(Role::from_name("owner"), None);
        assert_eq!(
            Role::ALL.map(Role::id),
            [1, 2, 3, 4],
            "the stored ids are the migration's"
        );
    }

    #[test]
    fn admins_and_supervisors_are_tenant_wide() {
        assert!(Role::Admin.is_tenant_wide() && Role::Supervisor.is_tenant_wide());
        assert!(!Role::Teacher.is_tenant_wide() && !Role::Student.is_tenant_wide());
    }
}
