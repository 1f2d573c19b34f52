//! The school dashboard's push setting: an admin of the school sets (or clears) the receiving URL of one of the
//! school's SIDs.

use classbridge_domain::{Role, TenantId, UserId};

use crate::Service;

/// Why the receiving URL was not set.
#[derive(Debug, thiserror::Error)]
pub enum PushUrlRefusal {
    /// The person is not an admin of the school (or their roles could not be read).
    #[error("admins only")]
    NotAnAdmin,
    /// The SID is not one of the school's (or its credentials could not be read).
    #[error("No such SID in this school.")]
    NoSuchSid,
    /// The URL was refused, or the write failed: the reason to show.
    #[error("{0}")]
    Refused(String),
}

/// Sets the SID's receiving URL (`None` stops pushing to it) for an admin of the tenant.
pub async fn set_school_push_url(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
    sid: i64,
    url: Option<&str>,
) -> Result<(), PushUrlRefusal> {
    let store = service.store();
    let is_admin = store
        .roles_of(tenant_id, &[user_id])
        .await
        .ok()
        .and_then(|mut roles| roles.remove(&user_id))
        .is_some_and(|roles| roles.contains(&Role::Admin));
    if !is_admin {
        return Err(PushUrlRefusal::NotAnAdmin);
    }
    let ours = store
        .list_classin_credentials(Some(tenant_id))
        .await
        .map(|credentials| credentials.iter().any(|c| c.sid == sid))
        .unwrap_or(false);
    if !ours {
        return Err(PushUrlRefusal::NoSuchSid);
    }
    super::set_push_url(service, sid, url)
        .await
        .map_err(PushUrlRefusal::Refused)
}
