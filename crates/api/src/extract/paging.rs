//! The `Paging` extractor (`?page=&per_page=`, 422 on bad values) and the `links` of a paged answer.

use axum::{extract::FromRequestParts, http::request::Parts};
use classbridge_domain::ValidationErrors;
use classbridge_service::{Page, PageRequest};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::error::ApiError;

/// The page asked for, and the path it was asked on (for the links).
#[derive(Debug, Clone)]
pub struct Paging {
    pub request: PageRequest,
    pub path: String,
    /// Other query parameters, kept in the links.
    pub other_query: Vec<(String, String)>,
}

impl<S: Send + Sync> FromRequestParts<S> for Paging {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let mut request = PageRequest::default();
        let mut errors = ValidationErrors::new();
        let mut other_query = Vec::new();
        for (key, value) in url::form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes())
        {
            match key.as_ref() {
                "page" => match value.parse::<u32>() {
                    Ok(page) if page >= 1 => request.page = page,
                    _ => errors.add("page", "The page must be an integer of at least 1."),
                },
                "per_page" => match value.parse::<u32>() {
                    Ok(size) if (1..=PageRequest::MAX_PER_PAGE).contains(&size) => {
                        request.per_page = size
                    }
                    _ => errors.add(
                        "per_page",
                        format!(
                            "The per page must be an integer between 1 and {}.",
                            PageRequest::MAX_PER_PAGE
                        ),
                    ),
                },
                _ => other_query.push((key.into_owned(), value.into_owned())),
            }
        }
        errors.into_result().map_err(ApiError::Validation)?;
        Ok(Self {
            request,
            path: parts.uri.path().to_owned(),
            other_query,
        })
    }
}

/// `page` and `per_page` in an operation's parameters (`params(Paging)`): what the extractor accepts.
impl utoipa::IntoParams for Paging {
    fn into_params(
        _parameter_in: impl Fn() -> Option<utoipa::openapi::path::ParameterIn>,
    ) -> Vec<utoipa::openapi::path::Parameter> {
        use utoipa::openapi::{
            path::{ParameterBuilder, ParameterIn},
            KnownFormat, ObjectBuilder, Required, SchemaFormat, Type,
        };
        let number = |name: &str, maximum: u32, default: u32, description: &str| {
            let format = (maximum <= i32::MAX as u32).then_some(KnownFormat::Int32);
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .format(format.map(SchemaFormat::KnownFormat))
                        .minimum(Some(1))
                        .maximum(Some(maximum))
                        .default(Some(default.into())),
                ))
                .build()
        };
        vec![
            number(
                "page",
                u32::MAX,
                1,
                "The page, from 1 (a page past the last is empty).",
            ),
            number(
                "per_page",
                PageRequest::MAX_PER_PAGE,
                PageRequest::DEFAULT_PER_PAGE,
                "Items per page, 1 to 1,000.",
            ),
        ]
    }
}

impl Paging {
    fn link(&self, page: u32) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.other_query {
            query.append_pair(key, value);
        }
        query.append_pair("page", &page.to_string());
        query.append_pair("per_page", &self.request.per_page.to_string());
        format!("{}?{}", self.path, query.finish())
    }

    /// `{"data": …, "meta": …, "links": …}` for a page of items, serialized as they are given.
    pub fn body<T, D: Serialize>(&self, page: &Page<T>, data: D) -> PageBody<D> {
        PageBody {
            data,
            meta: PageMeta {
                page: page.request.page,
                per_page: page.request.per_page,
                total: page.total,
            },
            links: page_links(self, page),
        }
    }

    /// [`Paging::body`] for a page of items already rendered to JSON.
    pub fn render<T>(&self, page: &Page<T>, data: Vec<Value>) -> Value {
        serde_json::to_value(self.body(page, data)).unwrap_or_default()
    }
}

/// A paged answer (`body = PageBody<Vec<UserJson>>` in an operation's responses).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageBody<D> {
    /// The page's items.
    pub data: D,
    pub meta: PageMeta,
    pub links: PageLinks,
}

/// Where this page is in the whole list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PageMeta {
    /// This page's number, from 1.
    #[schema(minimum = 1)]
    pub page: u32,
    /// Items per page asked for (1 to 1,000).
    #[schema(minimum = 1, maximum = 1000)]
    pub per_page: u32,
    /// Items in the whole list.
    #[schema(minimum = 0)]
    pub total: i64,
}

/// The neighbouring pages, relative to this server (`null` at either end).
#[derive(Debug, Serialize, ToSchema)]
pub struct PageLinks {
    /// The next page, while more items follow.
    pub next: Option<String>,
    /// The previous page, after the first.
    pub prev: Option<String>,
}

/// `next` while more rows follow, `prev` after the first page; links are relative to this server.
pub fn page_links<T>(paging: &Paging, page: &Page<T>) -> PageLinks {
    let shown_through = i64::from(page.request.page) * i64::from(page.request.per_page);
    PageLinks {
        next: (shown_through < page.total).then(|| paging.link(page.request.page + 1)),
        prev: (page.request.page > 1).then(|| paging.link(page.request.page - 1)),
    }
}
