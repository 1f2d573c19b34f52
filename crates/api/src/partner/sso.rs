//! Sign-in links for partners: `POST /api/v2/mirror-data/sso-token` (by the person's uuid) and the older
//! `POST /sso-token` (by `user_id`, the partner's id, or `jusoor_id`, classbridge's id).

use axum::{extract::State, Json};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    ValidationErrors,
};
use classbridge_service::sso::{self, LinkType, LANGUAGES};
use classbridge_store::users::UserRow;
use serde_json::{json, Value};

use crate::{
    error::{ApiError, ApiResult},
    extract::{Partner, PartnerInput},
    state::AppState,
    time::rfc3339,
};

fn read_type_and_lang(
    input: &PartnerInput,
    reader: &mut FieldReader,
) -> (Option<LinkType>, Option<String>) {
    let link_type = match reader
        .optional_text(&input.fields, "", "type", TextRules::max(16))
        .as_deref()
    {
        None | Some("website") => Some(LinkType::Website),
        Some("mobile") => Some(LinkType::Mobile),
        Some(_) => {
            reader
                .errors
                .add("type", "The selected type is invalid: website or mobile.");
            None
        }
    };
    let lang = match reader.optional_text(&input.fields, "", "lang", TextRules::max(8)) {
        None => Some("en".to_owned()),
        Some(lang) if LANGUAGES.contains(&lang.to_ascii_lowercase().as_str()) => {
            Some(lang.to_ascii_lowercase())
        }
        Some(_) => {
            reader.errors.add(
                "lang",
                format!("The selected lang is invalid: {}.", LANGUAGES.join(", ")),
            );
            None
        }
    };
    (link_type, lang)
}

async fn answer(
    state: &AppState,
    partner: &Partner,
    user: UserRow,
    link_type: LinkType,
    lang: &str,
) -> ApiResult<Json<Value>> {
    if !user.active {
        return Err(ApiError::Forbidden(
            "This user is deactivated (in no class any more); mirror them again to reactivate them.".into(),
        ));
    }
    let base = state.settings.tenant_base_url(&partner.tenant.slug);
    let issued = sso::issue_link(
        &state.store,
        partner.scope(),
        user.id,
        link_type,
        lang,
        "home",
        state.settings.sso_link_ttl_seconds,
        &base,
        &state.settings.app_scheme,
    )
    .await
    .map_err(|error| match error {
        sso::LinkError::NotInScope => unknown_uuid(),
        sso::LinkError::Forbidden(message) => ApiError::Forbidden(message),
        sso::LinkError::Store(error) => error.into(),
    })?;
    Ok(Json(json!({
        "url": issued.url, "type": link_type.as_str(),
        "expires_at": rfc3339(issued.expires_at), "expires_in": issued.expires_in,
    })))
}

fn unknown_uuid() -> ApiError {
    ApiError::not_found("No user with this uuid; mirror the user's data first.")
}

/// A single-use sign-in link for a mirrored or transferred person.
#[utoipa::path(post, path = "/api/v2/mirror-data/sso-token", tag = "sso", security(("token" = [])),
    responses((status = 200, description = "`{url, type, expires_at, expires_in}`"),
              (status = 403, description = "The person is deactivated, or an admin or supervisor asked for by a branch-scoped credential", body = crate::openapi::ErrorBody),
              (status = 404, description = "No such person", body = crate::openapi::ErrorBody),
              (status = 422, description = "Bad uuid, type or lang", body = crate::openapi::ValidationErrorBody)))]
pub async fn sso_token(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let uuid = reader.required_text(&input.fields, "", "uuid", TextRules::max(64));
    let (link_type, lang) = read_type_and_lang(&input, &mut reader);
    errors.into_result().map_err(ApiError::Validation)?;
    let (Some(uuid), Some(link_type), Some(lang)) = (uuid, link_type, lang) else {
        return Err(unknown_uuid());
    };
    let user = state
        .store
        .find_user_by_partner_id(partner.scope(), &uuid)
        .await?
        .ok_or_else(unknown_uuid)?;
    answer(&state, &partner, user, link_type, &lang).await
}

/// The older form: exactly one of `user_id` (the partner's id) and `jusoor_id` (classbridge's id).
#[utoipa::path(post, path = "/sso-token", tag = "sso", security(("token" = [])),
    responses((status = 200, description = "`{url, type, expires_at, expires_in}`"),
              (status = 422, description = "Neither or both ids given", body = crate::openapi::ValidationErrorBody)))]
pub async fn legacy_sso_token(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<Value>> {
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let given = |key: &str| FieldReader::optional(&input.fields, key).is_some();
    let user_id = match FieldReader::optional(&input.fields, "user_id") {
        Some(Value::Number(number)) => Some(number.to_string()),
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim().to_owned()),
        Some(_) => {
            reader
                .errors
                .add("user_id", "The user_id must be a string or an integer.");
            None
        }
        None => None,
    };
    let jusoor_id = reader.optional_integer(&input.fields, "", "jusoor_id");
    if given("user_id") == given("jusoor_id") {
        reader.errors.add(
            "user_id",
            "Give exactly one of user_id (your id of the user) and jusoor_id (ours).",
        );
    }
    let (link_type, lang) = read_type_and_lang(&input, &mut reader);
    errors.into_result().map_err(ApiError::Validation)?;
    let (Some(link_type), Some(lang)) = (link_type, lang) else {
        return Err(unknown_uuid());
    };
    let user = match (user_id, jusoor_id) {
        (Some(partner_id), _) => {
            state
                .store
                .find_user_by_partner_id(partner.scope(), &partner_id)
                .await?
        }
        (_, Some(id)) => state.store.find_user(partner.scope(), id).await?,
        _ => None,
    };
    answer(
        &state,
        &partner,
        user.ok_or_else(unknown_uuid)?,
        link_type,
        &lang,
    )
    .await
}
