//! Single sign-on: links that are random, single-use, short-lived and bound to one tenant and person, and the
//! sessions they open. Only hashes of link tokens and session ids are stored.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use classbridge_domain::{Scope, TenantId, UnixMillis, UserId};
use classbridge_store::{sso::NewLink, StoreError};
use rand::RngCore;

use crate::tokens::token_sha256;

/// Languages the pages speak.
pub const LANGUAGES: [&str; 2] = ["en", "ar"];

/// How long a link stays valid unless configured otherwise.
pub const DEFAULT_LINK_TTL_SECONDS: i64 = 300;

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A link as the partner receives it.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub url: String,
    pub expires_at: UnixMillis,
    pub expires_in: i64,
}

/// Where links point: the website (`{base}/sso/{token}`) or the app (`{scheme}://sso?token=…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkType {
    Website,
    Mobile,
}

impl LinkType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Website => "website",
            Self::Mobile => "mobile",
        }
    }
}

/// Why no link was issued.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// The person is not in the scope (another branch's, or no one): as unknown as a person that does not exist.
    #[error("no such person in this scope")]
    NotInScope,
    /// The scope may not sign this person in (a branch's credential and an admin or supervisor).
    #[error("{0}")]
    Forbidden(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<LinkError> for StoreError {
    fn from(error: LinkError) -> Self {
        match error {
            LinkError::Store(error) => error,
            LinkError::NotInScope | LinkError::Forbidden(_) => StoreError::NotFound,
        }
    }
}

/// Issues a sign-in link for a person in the scope; a branch's credential signs in no admin or supervisor.
#[allow(clippy::too_many_arguments)]
pub async fn issue_link(
    service: &crate::Service,
    scope: Scope,
    user_id: UserId,
    link_type: LinkType,
    lang: &str,
    target: &str,
    ttl_seconds: i64,
    base_url: &str,
    app_scheme: &str,
) -> Result<IssuedLink, LinkError> {
    let store = service.store();
    if !store.is_person_in_scope(scope, user_id).await? {
        return Err(LinkError::NotInScope);
    }
    crate::scope::check_person_reachable(store, scope, user_id, "sign in")
        .await
        .map_err(|error| match error {
            crate::scope::ScopeError::Forbidden(message) => LinkError::Forbidden(message),
            crate::scope::ScopeError::Store(error) => LinkError::Store(error),
        })?;
    let tenant_id = scope.tenant_id();
    let token = random_token();
    let expires_at = UnixMillis::now().plus_millis(ttl_seconds.saturating_mul(1000));
    store
        .insert_sso_link(
            tenant_id,
            &NewLink {
                token_sha256: &token_sha256(&token),
                user_id,
                link_type: link_type.as_str(),
                lang,
                target,
                expires_at,
            },
        )
        .await?;
    let url = match link_type {
        LinkType::Website => format!("{}/sso/{token}", base_url.trim_end_matches('/')),
        LinkType::Mobile => format!("{app_scheme}://sso?token={token}"),
    };
    Ok(IssuedLink {
        url,
        expires_at,
        expires_in: ttl_seconds,
    })
}

/// What opening a link came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consumed {
    /// A new session: its id (for the cookie or bearer token; never stored), language and where to go.
    SignedIn {
        session: String,
        lang: String,
        target: String,
        tenant_id: TenantId,
        user_id: UserId,
    },
    Used,
    Expired,
    Unknown,
    /// The person was deactivated after the link was made.
    Inactive,
    /// The link's tenant was disabled after the link was issued: no link of it works any more.
    TenantDisabled,
}

/// Consumes a link: `host_slug` is the tenant the request's Host names (with a base domain), which must be the
/// link's. `only_type` restricts which links count (the app's exchange takes mobile links only).
pub async fn consume(
    service: &crate::Service,
    token: &str,
    host_slug: Option<&str>,
    only_type: Option<LinkType>,
    session_kind: &str,
) -> Result<Consumed, StoreError> {
    let store = service.store();
    let hash = token_sha256(token);
    let session = random_token();
    let csrf = random_token();
    let only = only_type.map(LinkType::as_str);
    if let Some(link) = store
        .consume_sso_link(
            &hash,
            &token_sha256(&session),
            &csrf,
            session_kind,
            host_slug,
            only,
        )
        .await?
    {
        return Ok(Consumed::SignedIn {
            session,
            lang: link.lang,
            target: link.target,
            tenant_id: link.tenant_id,
            user_id: link.user_id,
        });
    }
    // Refused: read the link only now, to say why.
    let Some(link) = store.find_sso_link(&hash).await? else {
        return Ok(Consumed::Unknown);
    };
    if host_slug.is_some_and(|slug| slug != link.tenant_slug)
        || only.is_some_and(|t| t != link.link_type)
    {
        // Another tenant's link is no link here.
        return Ok(Consumed::Unknown);
    }
    Ok(if link.tenant_disabled {
        Consumed::TenantDisabled
    } else if link.used_at.is_some() {
        Consumed::Used
    } else if link.expires_at <= UnixMillis::now() {
        Consumed::Expired
    } else {
        Consumed::Inactive
    })
}

/// The stored form of a session id.
pub fn session_hash(session: &str) -> String {
    token_sha256(session)
}

/// A web session with its person and tenant.
pub use classbridge_store::sso::SessionRow;

/// The open session with this id hash.
pub async fn find_session(
    service: &crate::Service,
    session_sha256: &str,
) -> Result<Option<SessionRow>, StoreError> {
    service.store().find_session(session_sha256).await
}

/// Ends the session (signing out, or a new sign-in on the same browser).
pub async fn end_session(service: &crate::Service, session_sha256: &str) -> Result<(), StoreError> {
    service.store().end_session(session_sha256).await
}

/// Sets the session's language (`en` or `ar`).
pub async fn set_session_lang(
    service: &crate::Service,
    tenant_id: TenantId,
    session_sha256: &str,
    lang: &str,
) -> Result<(), StoreError> {
    service
        .store()
        .set_session_lang(tenant_id, session_sha256, lang)
        .await
}
