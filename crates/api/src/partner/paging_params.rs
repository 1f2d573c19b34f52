//! `page` and `per_page` as an operation's parameters (`params(Paging)`): what the `Paging` extractor accepts.
//! The same implementation is on its way to `extract/paging.rs` (issue 15, users helper); whichever lands second
//! deletes this file.

use classbridge_store::PageRequest;

use crate::extract::Paging;

impl utoipa::IntoParams for Paging {
    fn into_params(
        _parameter_in: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::{
            path::{ParameterBuilder, ParameterIn},
            KnownFormat, ObjectBuilder, Required, SchemaFormat, Type,
        };
        let number = |name: &str, maximum: Option<u32>, default: u32, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
                        .minimum(Some(1))
                        .maximum(maximum)
                        .default(Some(default.into())),
                ))
                .build()
        };
        vec![
            number(
                "page",
                Some(u32::MAX),
                1,
                "The page, from 1 (a page past the last is empty).",
            ),
            number(
                "per_page",
                Some(PageRequest::MAX_PER_PAGE),
                PageRequest::DEFAULT_PER_PAGE,
                "Items per page, 1 to 1,000.",
            ),
        ]
    }
}
