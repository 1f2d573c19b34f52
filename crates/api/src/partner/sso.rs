//! Sign-in links for partners: `POST /api/v2/mirror-data/sso-token` (by the person's uuid) and the older
//! `POST /sso-token` (by `user_id`, the partner's id, or `jusoor_id`, classbridge's id).

use axum::{extract::State, Json};
use classbridge_domain::{
    input::{FieldReader, TextRules},
    UserId, ValidationErrors,
};
use classbridge_service::{
    sso::{self, LinkType, LANGUAGES},
    users::{self, UserRow},
};
use serde::Serialize;
use serde_json::Value;
use utoipa::{
    openapi::{schema::OneOfBuilder, AllOfBuilder, ObjectBuilder, Ref, RefOr, Schema},
    PartialSchema, ToSchema,
};

use crate::{
    error::{ApiError, ApiResult},
    extract::{Partner, PartnerInput},
    openapi::{ErrorBody, ValidationErrorBody},
    state::AppState,
    time::Rfc3339,
};

/// A single-use sign-in link.
#[derive(Serialize, ToSchema)]
pub struct SsoLink {
    /// Open it in a browser (`website`) or hand it to the app (`mobile`: `{scheme}://sso?token=…`).
    pub url: String,
    #[schema(value_type = LinkTypeName)]
    pub r#type: &'static str,
    pub expires_at: Rfc3339,
    /// Seconds from now until the link expires.
    #[schema(minimum = 0)]
    pub expires_in: i64,
}

/// Where the link leads: `website` (the default) or `mobile` (the app).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum LinkTypeName {
    Website,
    Mobile,
}

/// The language the person lands in: `en` (the default) or `ar` (any case).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum LinkLanguage {
    En,
    Ar,
}

/// The body of `POST /api/v2/mirror-data/sso-token`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SsoTokenBody {
    /// The partner's id of a mirrored person (or of a transferred user).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    uuid: String,
    r#type: Option<LinkTypeName>,
    lang: Option<LinkLanguage>,
}

/// The fields of `POST /sso-token`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct LegacySsoTokenFields {
    /// The partner's id of the user (a mirrored person's uuid or a transferred user's id): a text or an integer.
    #[schema(schema_with = partner_id_schema)]
    user_id: Option<String>,
    /// classbridge's id of the user.
    #[schema(minimum = 1)]
    jusoor_id: Option<i64>,
    r#type: Option<LinkTypeName>,
    lang: Option<LinkLanguage>,
}

fn partner_id_schema() -> Schema {
    use utoipa::openapi::Type;
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .pattern(Some(r"\S")),
        )
        .item(ObjectBuilder::new().schema_type(Type::Integer))
        .description(Some(
            "The partner's id of the user (a mirrored person's uuid or a transferred user's id).",
        ))
        .into()
}

/// The body of `POST /sso-token`: the fields of `LegacySsoTokenFields`, with exactly one of `user_id` and
/// `jusoor_id`.
pub struct LegacySsoTokenBody;

impl PartialSchema for LegacySsoTokenBody {
    fn schema() -> RefOr<Schema> {
        let requires = |field: &str| ObjectBuilder::new().required(field);
        AllOfBuilder::new()
            .item(Ref::from_schema_name(LegacySsoTokenFields::name()))
            .item(
                OneOfBuilder::new()
                    .item(requires("user_id"))
                    .item(requires("jusoor_id")),
            )
            .description(Some(
                "Exactly one of `user_id` (the partner's id) and `jusoor_id` (classbridge's), and optionally \
                 `type` and `lang`.",
            ))
            .into()
    }
}

impl ToSchema for LegacySsoTokenBody {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((
            LegacySsoTokenFields::name().into_owned(),
            LegacySsoTokenFields::schema(),
        ));
        LegacySsoTokenFields::schemas(schemas);
    }
}

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
) -> ApiResult<Json<SsoLink>> {
    if !user.active {
        return Err(ApiError::Forbidden(
            "This user is deactivated (in no class any more); mirror them again to reactivate them.".into(),
        ));
    }
    let base = state.settings.tenant_base_url(&partner.tenant.slug);
    let issued = sso::issue_link(
        &state.service,
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
    Ok(Json(SsoLink {
        url: issued.url,
        r#type: link_type.as_str(),
        expires_at: Rfc3339(issued.expires_at.millis()),
        expires_in: issued.expires_in,
    }))
}

fn unknown_uuid() -> ApiError {
    ApiError::not_found("No user with this uuid; mirror the user's data first.")
}

/// A single-use sign-in link for a mirrored or transferred person.
#[utoipa::path(post, path = "/api/v2/mirror-data/sso-token", tag = "sso", operation_id = "create_sso_link", security(("token" = [])),
    request_body(description = "JSON, or the same fields as a form.",
        content((SsoTokenBody = "application/json"), (SsoTokenBody = "application/x-www-form-urlencoded"),
                (SsoTokenBody = "multipart/form-data"))),
    responses((status = 200, description = "The link", body = SsoLink),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 403, description = "The person is deactivated, or an admin or supervisor asked for by a branch-scoped credential; or the credential check failed", body = ErrorBody),
              (status = 404, description = "No person with this uuid (in the credential's branch)", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Missing or bad `uuid`, `type` or `lang`", body = ValidationErrorBody)))]
pub async fn sso_token(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<SsoLink>> {
    let mut errors = ValidationErrors::new();
    let mut reader = FieldReader::new(&mut errors, input.format);
    let uuid = reader.required_text(&input.fields, "", "uuid", TextRules::max(64));
    let (link_type, lang) = read_type_and_lang(&input, &mut reader);
    errors.into_result().map_err(ApiError::Validation)?;
    let (Some(uuid), Some(link_type), Some(lang)) = (uuid, link_type, lang) else {
        return Err(unknown_uuid());
    };
    let user = users::find_user_by_partner_id(&state.service, partner.scope(), &uuid)
        .await?
        .ok_or_else(unknown_uuid)?;
    answer(&state, &partner, user, link_type, &lang).await
}

/// The older form: exactly one of `user_id` (the partner's id) and `jusoor_id` (classbridge's id).
#[utoipa::path(post, path = "/sso-token", tag = "sso", operation_id = "create_sso_link_legacy", security(("token" = [])),
    request_body(description = "JSON, or the same fields as a form.",
        content((LegacySsoTokenBody = "application/json"), (LegacySsoTokenBody = "application/x-www-form-urlencoded"),
                (LegacySsoTokenBody = "multipart/form-data"))),
    responses((status = 200, description = "The link", body = SsoLink),
              (status = 400, description = "The body is not valid JSON, or not an object, or a malformed form", body = ErrorBody),
              (status = 403, description = "The person is deactivated, or an admin or supervisor asked for by a branch-scoped credential; or the credential check failed", body = ErrorBody),
              (status = 404, description = "No such user (in the credential's branch)", body = ErrorBody),
              (status = 415, description = "A body in another format", body = ErrorBody),
              (status = 422, description = "Neither or both ids given, or a bad `type` or `lang`", body = ValidationErrorBody)))]
pub async fn legacy_sso_token(
    State(state): State<AppState>,
    partner: Partner,
    input: PartnerInput,
) -> ApiResult<Json<SsoLink>> {
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
            users::find_user_by_partner_id(&state.service, partner.scope(), &partner_id).await?
        }
        (_, Some(id)) => users::find_user(&state.service, partner.scope(), UserId::new(id)).await?,
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
