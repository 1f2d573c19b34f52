//! Schema-only types for fields of the partner API's request bodies, as the OpenAPI document shows them: what the
//! service's readers (`classbridge_domain::input`) accept, with their limits. Nothing is deserialized into them.
//!
//! Texts are trimmed of surrounding white space before their limits are checked and must not contain control
//! characters; the patterns below say so (`\s` around, no `\x00-\x1F` or `\x7F-\x9F` inside). Integers may also be
//! sent as their decimal text (form bodies carry only text), and texts as numbers, as Laravel reads them.

use classbridge_domain::Role;
use utoipa::{
    openapi::{
        schema::{ArrayBuilder, OneOfBuilder},
        KnownFormat, ObjectBuilder, RefOr, Schema, SchemaFormat, Type,
    },
    PartialSchema, ToSchema,
};

/// A required text: not blank, no control characters (surrounding white space is trimmed).
pub const TEXT_PATTERN: &str =
    r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$";

/// classbridge's id of a record: a positive integer.
pub struct Id;

impl PartialSchema for Id {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(1))
            .description(Some("classbridge's id of the record (a positive integer)."))
            .into()
    }
}

impl ToSchema for Id {}

/// A role as text: its id's digits or its name in any case, with white space around.
const ROLE_TEXT_PATTERN: &str = r"^\s*(\+?0*[1-4]|[Aa][Dd][Mm][Ii][Nn]|[Tt][Ee][Aa][Cc][Hh][Ee][Rr]|[Ss][Tt][Uu][Dd][Ee][Nn][Tt]|[Ss][Uu][Pp][Ee][Rr][Vv][Ii][Ss][Oo][Rr])\s*$";

/// One role given as its id (1–4) or its name (any case).
pub fn role_schema() -> Schema {
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(Some(4)),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(ROLE_TEXT_PATTERN))
                .examples(Role::ALL.map(Role::name)),
        )
        .description(Some(
            "A role: its id (1 admin, 2 teacher, 3 student, 4 supervisor), or its name in any case.",
        ))
        .into()
}

/// A user's `role`: a list of roles (each an id or a name), or one role; in a form, an empty `role=` is none.
pub fn roles_field() -> Schema {
    OneOfBuilder::new()
        .item(ArrayBuilder::new().items(RefOr::T(role_schema())))
        .item(role_schema())
        .description(Some(
            "The user's roles, replacing the old ones: a list of role ids (1 admin, 2 teacher, 3 student, 4 \
             supervisor) or names, or one of them. Teacher and student also follow from `teacher_of` and \
             `student_of`. A branch-scoped credential may not give admin or supervisor (403).",
        ))
        .into()
}
