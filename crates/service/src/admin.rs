//! The operator's administration of tenants and credentials, as the command line (and quickstart) use it.

use classbridge_domain::{BranchScope, CredentialId, Slug};
use classbridge_store::{
    ClassinCredential, NewPartnerCredential, PartnerCredential, Store, StoreError, Tenant,
};
use rand::{distributions::Alphanumeric, Rng};

use crate::{
    credential_cache::{MAX_STALENESS, POLL_INTERVAL},
    origin,
    secrets::MasterKey,
    tokens,
};

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    InvalidSlug(#[from] classbridge_domain::tenancy::InvalidSlug),
    #[error("no tenant `{0}`")]
    TenantNotFound(String),
    #[error("a tenant `{0}` already exists")]
    TenantExists(String),
    #[error("the referer must be an http(s) origin such as https://sis.example.org (got `{0}`)")]
    InvalidReferer(String),
    #[error("{0}")]
    Invalid(String),
    #[error("no {0}")]
    NotFound(String),
    #[error("{0} is already taken")]
    Conflict(String),
    #[error(transparent)]
    Secret(#[from] crate::secrets::SecretError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for AdminError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Conflict { constraint } => Self::Conflict(constraint),
            other => Self::Store(other),
        }
    }
}

pub type AdminResult<T> = Result<T, AdminError>;

/// What a new partner credential should be.
#[derive(Debug, Clone)]
pub struct PartnerCredentialRequest {
    pub tenant_slug: String,
    pub name: String,
    pub referer: String,
    pub branch_id: Option<i64>,
    pub rate_limit_per_minute: Option<i64>,
}

pub async fn create_tenant(store: &Store, slug: &str, name: &str) -> AdminResult<Tenant> {
    let slug = Slug::parse(slug)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AdminError::Invalid(
            "a tenant name is 1 to 255 characters".into(),
        ));
    }
    match store.create_tenant(&slug, name).await {
        Err(StoreError::Conflict { .. }) => Err(AdminError::TenantExists(slug.to_string())),
        other => Ok(other?),
    }
}

pub async fn tenant_by_slug(store: &Store, slug: &str) -> AdminResult<Tenant> {
    store
        .find_tenant_by_slug(slug)
        .await?
        .ok_or_else(|| AdminError::TenantNotFound(slug.to_owned()))
}

pub async fn set_tenant_disabled(store: &Store, slug: &str, disabled: bool) -> AdminResult<Tenant> {
    let tenant = match store.set_tenant_disabled(slug, disabled).await {
        Err(StoreError::NotFound) => Err(AdminError::TenantNotFound(slug.to_owned())),
        other => Ok(other?),
    }?;
    until_caches_forget().await;
    Ok(tenant)
}

/// Waits until every server process has let go of what it cached before a change that refuses credentials, so
/// that the change holds everywhere once the caller returns.
async fn until_caches_forget() {
    tokio::time::sleep(MAX_STALENESS + POLL_INTERVAL).await;
}

/// Creates a partner credential and returns it with its token, which is never shown again.
pub async fn create_partner_credential(
    store: &Store,
    request: &PartnerCredentialRequest,
) -> AdminResult<(PartnerCredential, String)> {
    let tenant = tenant_by_slug(store, &request.tenant_slug).await?;
    let referer_origin = origin::origin_of(&request.referer)
        .ok_or_else(|| AdminError::InvalidReferer(request.referer.clone()))?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 255 {
        return Err(AdminError::Invalid(
            "a credential name is 1 to 255 characters".into(),
        ));
    }
    if request.rate_limit_per_minute.is_some_and(|limit| limit < 0) {
        return Err(AdminError::Invalid(
            "the rate limit is a number of requests per minute, 0 for none".into(),
        ));
    }
    if request.branch_id == Some(classbridge_store::classrooms::DEFAULT_BRANCH_PARTNER_ID) {
        return Err(AdminError::Invalid(
            "this branch id is reserved by classbridge for the tenant's default branch".into(),
        ));
    }
    let issued = tokens::issue_partner_token();
    let credential = store
        .insert_partner_credential(
            tenant.id,
            &NewPartnerCredential {
                name: name.to_owned(),
                referer_origin,
                token_sha256: issued.sha256,
                token_hint: issued.hint,
                scope: BranchScope::from_column(request.branch_id),
                rate_limit_per_minute: request.rate_limit_per_minute,
            },
        )
        .await?;
    Ok((credential, issued.token))
}

/// Gives a live credential a new token; the old one is refused from now on.
pub async fn rotate_partner_credential(
    store: &Store,
    id: i64,
) -> AdminResult<(PartnerCredential, String)> {
    let issued = tokens::issue_partner_token();
    match store
        .rotate_partner_credential(CredentialId(id), &issued.sha256, &issued.hint)
        .await
    {
        Ok(credential) => {
            until_caches_forget().await;
            Ok((credential, issued.token))
        }
        Err(StoreError::NotFound) => Err(AdminError::NotFound(format!(
            "live partner credential with id {id}"
        ))),
        Err(error) => Err(error.into()),
    }
}

pub async fn revoke_partner_credential(store: &Store, id: i64) -> AdminResult<PartnerCredential> {
    let credential = match store.revoke_partner_credential(CredentialId(id)).await {
        Err(StoreError::NotFound) => Err(AdminError::NotFound(format!(
            "partner credential with id {id}"
        ))),
        other => Ok(other?),
    }?;
    until_caches_forget().await;
    Ok(credential)
}

/// New SIDs count up from here, so they look like the seven-digit school ids partners know from ClassIn.
const FIRST_SID: i64 = 1_000_001;

/// Creates a ClassIn credential (SID and SECRET) for a tenant; the secret is stored encrypted.
pub async fn create_classin_credential(
    store: &Store,
    key: &MasterKey,
    tenant_slug: &str,
    name: &str,
    sid: Option<i64>,
) -> AdminResult<(ClassinCredential, String)> {
    let tenant = tenant_by_slug(store, tenant_slug).await?;
    if sid.is_some_and(|sid| sid <= 0) {
        return Err(AdminError::Invalid("a SID is a positive integer".into()));
    }
    let sid = match sid {
        Some(sid) => sid,
        None => store
            .max_classin_sid()
            .await?
            .map_or(FIRST_SID, |max| max.max(FIRST_SID - 1) + 1),
    };
    let secret: String = rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let credential = store
        .insert_classin_credential(tenant.id, sid, name.trim(), &key.encrypt(&secret))
        .await
        .map_err(|error| match error {
            StoreError::Conflict { .. } => AdminError::Conflict(format!("SID {sid}")),
            other => other.into(),
        })?;
    Ok((credential, secret))
}

pub async fn revoke_classin_credential(store: &Store, sid: i64) -> AdminResult<ClassinCredential> {
    match store.revoke_classin_credential(sid).await {
        Err(StoreError::NotFound) => Err(AdminError::NotFound(format!(
            "ClassIn credential with SID {sid}"
        ))),
        other => Ok(other?),
    }
}

/// Sets the URL template of the tenant's video rooms (`None` clears it): an http(s) URL naming `{lesson_id}` (one
/// room per lesson) and optionally `{tenant}` and `{course_id}`.
pub async fn set_tenant_video_room(
    store: &Store,
    slug: &str,
    template: Option<&str>,
) -> AdminResult<Tenant> {
    let template = template.map(str::trim).filter(|t| !t.is_empty());
    if let Some(template) = template {
        crate::classin::rooms::check_template(template).map_err(AdminError::Invalid)?;
    }
    match store.set_tenant_video_room(slug, template).await {
        Err(StoreError::NotFound) => Err(AdminError::TenantNotFound(slug.to_owned())),
        other => Ok(other?),
    }
}
