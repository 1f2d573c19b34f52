//! `GET /api/v2/me`: which tenant the credential belongs to, what it may touch, and its rate limit.

use axum::{extract::State, Json};
use classbridge_domain::BranchScope;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{extract::Partner, state::AppState, time::rfc3339};

#[derive(Serialize, ToSchema)]
pub struct MeResponse {
    pub tenant: MeTenant,
    pub credential: MeCredential,
    pub scope: MeScope,
    pub rate_limit: MeRateLimit,
}

#[derive(Serialize, ToSchema)]
pub struct MeTenant {
    /// The tenant's slug: the subdomain of its endpoint.
    pub slug: String,
    pub name: String,
    pub time_zone: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeCredential {
    pub id: i64,
    pub name: String,
    /// The origin the `referer` header must carry.
    pub referer: String,
    /// The first characters of the token, to tell credentials apart.
    pub token_hint: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Updated in batches every few seconds; null before the first use.
    #[schema(required)]
    pub last_used_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeScope {
    /// `tenant` (every branch) or `branch` (only `branch_id`, the partner's branch id).
    #[schema(value_type = ScopeType, example = "tenant")]
    pub r#type: &'static str,
    /// The partner's id of the branch of a `branch` credential; null for `tenant`.
    #[schema(required)]
    pub branch_id: Option<i64>,
}

/// `tenant` (every branch) or `branch` (one branch).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum ScopeType {
    Tenant,
    Branch,
}

#[derive(Serialize, ToSchema)]
pub struct MeRateLimit {
    /// Requests per minute; null when the credential has no limit.
    #[schema(required)]
    pub requests_per_minute: Option<u64>,
    /// Requests that may be made right now; null without a limit.
    #[schema(required)]
    pub remaining: Option<u64>,
}

/// The calling credential, its tenant, scope and rate limit.
#[utoipa::path(get, path = "/api/v2/me", tag = "partner", operation_id = "get_me",
    security(("token" = [])),
    responses((status = 200, description = "The calling credential", body = MeResponse)))]
pub async fn get_me(
    State(state): State<AppState>,
    partner: Partner,
) -> crate::error::ApiResult<Json<MeResponse>> {
    // Read again: the credential that authenticated the call may come from the cache, a few seconds old.
    let credential =
        &classbridge_service::auth::current_credential(&state.service, partner.credential.id)
            .await?;
    let limit = (partner.rate_limit_per_minute > 0).then_some(partner.rate_limit_per_minute);
    Ok(Json(MeResponse {
        tenant: MeTenant {
            slug: partner.tenant.slug.clone(),
            name: partner.tenant.name.clone(),
            time_zone: partner.tenant.time_zone.clone(),
        },
        credential: MeCredential {
            id: credential.id.0,
            name: credential.name.clone(),
            referer: credential.referer_origin.clone(),
            token_hint: credential.token_hint.clone(),
            created_at: rfc3339(credential.created_at),
            last_used_at: credential.last_used_at.map(rfc3339),
        },
        scope: match credential.scope {
            BranchScope::Tenant => MeScope {
                r#type: "tenant",
                branch_id: None,
            },
            BranchScope::Branch(id) => MeScope {
                r#type: "branch",
                branch_id: Some(id),
            },
        },
        rate_limit: MeRateLimit {
            requests_per_minute: limit,
            remaining: state
                .rate_limiter
                .remaining(credential.id, partner.rate_limit_per_minute),
        },
    }))
}
