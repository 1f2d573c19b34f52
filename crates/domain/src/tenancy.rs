//! Tenants and credentials as types: a `TenantId` cannot be made up from a request, only read from storage.

use std::fmt;

/// The id of a tenant row. Store methods take it first, so no query can forget whose data it reads.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, sqlx::Type,
)]
#[sqlx(transparent)]
pub struct TenantId(i64);

impl TenantId {
    /// Only the store creates tenant ids, from rows it has read.
    pub fn from_row(id: i64) -> Self {
        Self(id)
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The id of a partner credential row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct CredentialId(pub i64);

/// What a partner credential may touch: the whole tenant, or one branch (the partner's branch id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchScope {
    Tenant,
    Branch(i64),
}

impl BranchScope {
    pub fn from_column(branch_id: Option<i64>) -> Self {
        branch_id.map_or(Self::Tenant, Self::Branch)
    }

    pub fn branch_id(self) -> Option<i64> {
        match self {
            Self::Tenant => None,
            Self::Branch(id) => Some(id),
        }
    }

    /// Whether this scope may change the branch with the partner's id `branch_id`.
    pub fn allows_branch(self, branch_id: i64) -> bool {
        match self {
            Self::Tenant => true,
            Self::Branch(own) => own == branch_id,
        }
    }
}

/// A tenant's slug: `[a-z0-9][a-z0-9-]{0,62}`, the subdomain of its endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a tenant slug is 1 to 63 characters of a-z, 0-9 and '-', starting with a letter or digit (got `{0}`)")]
pub struct InvalidSlug(pub String);

impl Slug {
    pub fn parse(text: &str) -> Result<Self, InvalidSlug> {
        let bytes = text.as_bytes();
        let valid_first = bytes
            .first()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let valid_rest = bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-');
        if valid_first && valid_rest && bytes.len() <= 63 {
            Ok(Self(text.to_owned()))
        } else {
            Err(InvalidSlug(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slug_accepts_the_documented_alphabet() {
        for good in ["demo", "a", "school-7", "0abc", &"a".repeat(63)] {
            assert!(Slug::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn slug_refuses_everything_else() {
        for bad in ["", "-demo", "Demo", "de mo", "dé", "a.b", &"a".repeat(64)] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn branch_scope_allows_only_its_branch() {
        assert!(BranchScope::Tenant.allows_branch(4));
        assert!(BranchScope::Branch(4).allows_branch(4));
        assert!(!BranchScope::Branch(4).allows_branch(5));
    }
}
