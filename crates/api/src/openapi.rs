//! The OpenAPI 3 document, generated from the handlers' annotations; the `/docs` reference page is rendered from it
//! by [`docs_page`].

mod body_encodings;
mod docs_example;
pub mod docs_page;
mod docs_schema;

use std::sync::OnceLock;

use serde::Serialize;
use utoipa::{
    openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi, ToSchema,
};

/// Every error answer: `{"message": "…"}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    #[schema(example = "Unauthenticated.")]
    pub message: String,
}

/// A success answer that only says what was done: `{"message": "User deleted."}`.
#[derive(Serialize, ToSchema)]
pub struct MessageBody {
    #[schema(example = "User deleted.")]
    pub message: &'static str,
}

/// A 422 answer: the message and the errors by dot path into the request.
#[derive(Serialize, ToSchema)]
pub struct ValidationErrorBody {
    #[schema(example = "The given data was invalid.")]
    pub message: String,
    /// Dot path (zero-based indexes) → messages.
    #[schema(example = json!({"data.0.name": ["The data.0.name field is required."]}))]
    pub errors: std::collections::BTreeMap<String, Vec<String>>,
}

struct TokenSecurity;

impl Modify for TokenSecurity {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "token",
                "The partner credential's token (`Authorization: Bearer <token>` works too). Send also `referer` \
                 with the registered origin and `accept: application/json`.",
            ))),
        );
        // The signed-in person's session (the lab page's JSON calls): the cookie a sign-in link sets, or, for the
        // app, the same session id as a bearer token.
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::web::SESSION_COOKIE,
                "The session cookie set when a person opens a sign-in link.",
            ))),
        );
        components.add_security_scheme(
            "session_bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The session as `Authorization: Bearer <session_token>`, the token `POST /api/v2/sso/exchange` gives the app.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "classbridge",
        description = "The partner API (Jusoor-compatible) and classbridge's own reads. Errors are \
                       `{\"message\": …}`, with `errors` by dot path for 422. The ClassIn-compatible scheduling \
                       API is served at `POST /partner/api/course.api.php?action=<action>` (form or multipart \
                       bodies, `SID`/`timeStamp`/`safeKey`, every answer HTTP 200 with ClassIn's `error_info` \
                       envelope); it follows ClassIn's documentation rather than this reference."
    ),
    components(schemas(ErrorBody, ValidationErrorBody, MessageBody)),
    modifiers(&TokenSecurity),
    tags(
        (name = "partner", description = "Who is calling"),
        (name = "mirror", description = "Mirror data: branches, classes, sections, subjects, people; jobs"),
        (name = "users", description = "Users, transfers, classrooms"),
        (name = "sso", description = "Single sign-on links and the app's token exchange"),
        (name = "groups", description = "The tenant's groups of users"),
        (name = "scheduling", description = "Courses and lessons read back; Mode B booking"),
        (name = "subjects", description = "The mirrored subjects, and the supervisors of subjects"),
        (name = "learning paths", description = "Experiments assigned to teachers and their students; the grades"),
        (name = "labs", description = "The catalogue of virtual labs, and the lab page's calls (with the student's session)"),
        (name = "operations", description = "Health and readiness")
    )
)]
pub struct ApiDoc;

/// The whole document: the title, tags and shared schemas of [`ApiDoc`], the operations that the router's
/// documented routes carry (see `crate::routes`), ClassIn's v1 and v2 APIs, the answers every partner operation may
/// give, and a schema of its own for each form encoding of a body (see [`body_encodings`]).
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(crate::routes().split_for_parts().1);
    document.merge(crate::classin::openapi::openapi());
    document.merge(crate::classin_v2::openapi::openapi());
    add_common_answers(&mut document);
    body_encodings::name_each_encoding(&mut document);
    document
}

/// Answers any operation may give, whatever its own are: the refusals of what wraps every request (body limits,
/// timeouts, text that cannot be stored, a busy database), of the body readers (bad JSON or form, a content type not
/// read) for operations with a body, and, for operations with the partner `token`, of the credential check and its rate
/// limit. An operation's own answer for a status is kept.
fn add_common_answers(document: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{
        header::HeaderBuilder, ContentBuilder, KnownFormat, ObjectBuilder, Ref, ResponseBuilder,
        SchemaFormat, Type,
    };
    let answer = |schema: &str, description: &str, retry_after: bool| {
        let mut response = ResponseBuilder::new().description(description).content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name(schema)))
                .build(),
        );
        if retry_after {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                            .minimum(Some(0)),
                    )
                    .description(Some("Seconds to wait before sending the request again."))
                    .build(),
            );
        }
        response.build()
    };
    let error =
        |description: &str, retry_after: bool| answer("ErrorBody", description, retry_after);
    let with_body = [
        (
            "400",
            error("The body is not well-formed JSON or form data.", false),
        ),
        (
            "415",
            error(
                "The body's `content-type` is not one this operation reads.",
                false,
            ),
        ),
    ];
    let everywhere = [
        (
            "422",
            answer(
                "ValidationErrorBody",
                "Invalid parameters or body fields, by dot path (a NUL or invalid UTF-8 in any text included).",
                false,
            ),
        ),
        (
            "408",
            error(
                "The request body stopped arriving before it was complete.",
                false,
            ),
        ),
        (
            "413",
            error(
                "The request body is larger than this endpoint's limit.",
                false,
            ),
        ),
        (
            "503",
            error(
                "The database is busy; send the request again after `Retry-After`.",
                true,
            ),
        ),
    ];
    let with_token = [
        ("401", error("Missing, unknown or revoked token.", false)),
        (
            "403",
            error(
                "The `referer` is not the credential's origin, or the credential may not do this.",
                false,
            ),
        ),
        ("406", error("`accept` excludes JSON.", false)),
        (
            "429",
            error(
                "Over the credential's rate limit; retry after `Retry-After`.",
                true,
            ),
        ),
    ];
    for item in document.paths.paths.values_mut() {
        for operation in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            // ClassIn's APIs answer every refusal with HTTP 200 in their own envelope: their operations say so.
            let classin = operation
                .tags
                .as_ref()
                .is_some_and(|tags| tags.iter().any(|tag| tag.starts_with("ClassIn")));
            if classin {
                continue;
            }
            let partner = operation.security.as_ref().is_some_and(|requirements| {
                serde_json::to_value(requirements)
                    .map(|value| value.to_string().contains("\"token\""))
                    .unwrap_or(false)
            });
            let has_body = operation.request_body.is_some();
            let answers = everywhere
                .iter()
                .chain(with_body.iter().filter(|_| has_body))
                .chain(with_token.iter().filter(|_| partner));
            for (status, response) in answers {
                operation
                    .responses
                    .responses
                    .entry((*status).to_owned())
                    .or_insert_with(|| response.clone().into());
            }
        }
    }
}

/// The document as pretty JSON (built once).
pub fn document_json() -> &'static str {
    static JSON: OnceLock<String> = OnceLock::new();
    JSON.get_or_init(|| document().to_pretty_json().unwrap_or_else(|_| "{}".into()))
}
