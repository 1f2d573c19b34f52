//! A small description language for the parameters of ClassIn's APIs, turned into OpenAPI schemas: a field's name,
//! type, limits (taken from the service's constants where the service checks them) and what happens to a value
//! outside them. v1's form fields and the items of its JSON-in-form arrays, and v2's JSON bodies, are described
//! with it.

use utoipa::openapi::{
    extensions::Extensions,
    schema::{ArrayBuilder, ObjectBuilder, Schema, Type},
    RefOr,
};

/// What a field holds.
#[derive(Debug, Clone)]
pub enum Kind {
    Text {
        min: Option<usize>,
        max: Option<usize>,
        pattern: Option<&'static str>,
    },
    Integer {
        min: Option<i64>,
        max: Option<i64>,
    },
    /// One of a few integers.
    Choice(&'static [i64]),
    /// Any number (`starNum`).
    Number,
    /// A JSON array (in a JSON body or inside an item).
    Array(Items),
    /// A JSON array sent as the text of one form field (ClassIn's JSON-in-form).
    JsonText(Items),
}

/// The items of an array field.
#[derive(Debug, Clone)]
pub struct Items {
    pub of: ItemKind,
    pub min: Option<usize>,
    pub max: Option<usize>,
}

#[derive(Debug, Clone)]
pub enum ItemKind {
    /// Integers (UIDs, lesson ids, label ids).
    Integer,
    /// Objects of a named schema.
    Named(&'static str),
    /// Objects of a structure classbridge does not read.
    Object,
}

/// One parameter.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
    pub about: String,
}

pub fn text(name: &'static str, about: impl Into<String>) -> Field {
    Field {
        name,
        kind: Kind::Text {
            min: None,
            max: None,
            pattern: None,
        },
        required: false,
        about: about.into(),
    }
}

pub fn integer(name: &'static str, about: impl Into<String>) -> Field {
    Field {
        name,
        kind: Kind::Integer {
            min: None,
            max: None,
        },
        required: false,
        about: about.into(),
    }
}

pub fn choice(name: &'static str, values: &'static [i64], about: impl Into<String>) -> Field {
    Field {
        name,
        kind: Kind::Choice(values),
        required: false,
        about: about.into(),
    }
}

pub fn number(name: &'static str, about: impl Into<String>) -> Field {
    Field {
        name,
        kind: Kind::Number,
        required: false,
        about: about.into(),
    }
}

fn items(of: ItemKind) -> Items {
    Items {
        of,
        min: None,
        max: None,
    }
}

/// A JSON array inside a JSON body or item.
pub fn array(name: &'static str, of: ItemKind, about: impl Into<String>) -> Field {
    Field {
        name,
        kind: Kind::Array(items(of)),
        required: false,
        about: about.into(),
    }
}

/// A JSON array sent as the text of a form field; ClassIn's rule for these: missing is 100, not a non-empty JSON
/// array is 155.
pub fn json_text(name: &'static str, of: ItemKind, about: impl Into<String>) -> Field {
    Field {
        name,
        kind: Kind::JsonText(Items {
            of,
            min: Some(1),
            max: None,
        }),
        required: false,
        about: about.into(),
    }
}

impl Field {
    /// Required: a required text is not empty either (an empty field counts as absent).
    pub fn required(mut self) -> Self {
        self.required = true;
        if let Kind::Text {
            min: min @ None, ..
        } = &mut self.kind
        {
            *min = Some(1);
        }
        self
    }

    /// The longest text, or the most items.
    pub fn max(mut self, most: usize) -> Self {
        match &mut self.kind {
            Kind::Text { max, .. } => *max = Some(most),
            Kind::Array(items) | Kind::JsonText(items) => items.max = Some(most),
            _ => {}
        }
        self
    }

    /// The same field as a JSON array inside a JSON item (where ClassIn's JSON-in-form text is a real array).
    pub fn in_json(mut self) -> Self {
        if let Kind::JsonText(items) = &self.kind {
            self.kind = Kind::Array(items.clone());
        }
        self
    }

    /// Lengths (texts) or item counts (arrays).
    pub fn length(mut self, least: usize, most: usize) -> Self {
        match &mut self.kind {
            Kind::Text { min, max, .. } => {
                *min = Some(least);
                *max = Some(most);
            }
            Kind::Array(items) | Kind::JsonText(items) => {
                items.min = Some(least);
                items.max = Some(most);
            }
            _ => {}
        }
        self
    }

    pub fn pattern(mut self, regex: &'static str) -> Self {
        if let Kind::Text { pattern, .. } = &mut self.kind {
            *pattern = Some(regex);
        }
        self
    }

    pub fn range(mut self, least: Option<i64>, most: Option<i64>) -> Self {
        if let Kind::Integer { min, max } = &mut self.kind {
            *min = least;
            *max = most;
        }
        self
    }

    /// The field's schema.
    pub fn schema(&self) -> RefOr<Schema> {
        let about = Some(self.about.clone());
        match &self.kind {
            Kind::Text { min, max, pattern } => ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(*min)
                .max_length(*max)
                .pattern(*pattern)
                .description(about)
                .into(),
            Kind::Integer { min, max } => ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Int64,
                )))
                .minimum(min.map(|n| n as isize))
                .maximum(max.map(|n| n as isize))
                .description(about)
                .into(),
            Kind::Choice(values) => ObjectBuilder::new()
                .schema_type(Type::Integer)
                .enum_values(Some(values.iter().copied()))
                .description(about)
                .into(),
            Kind::Number => ObjectBuilder::new()
                .schema_type(Type::Number)
                .description(about)
                .into(),
            Kind::Array(items) => {
                let mut array = array_schema(items);
                array.description = about;
                Schema::Array(array).into()
            }
            Kind::JsonText(items) => {
                let content =
                    serde_json::to_value(array_schema(items)).expect("a schema serializes to JSON");
                let mut extensions = Extensions::default();
                extensions.insert("contentSchema".to_owned(), content);
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .content_media_type("application/json")
                    .extensions(Some(extensions))
                    .description(about)
                    .into()
            }
        }
    }
}

fn array_schema(items: &Items) -> utoipa::openapi::schema::Array {
    let item: RefOr<Schema> = match items.of {
        ItemKind::Integer => ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Int64,
            )))
            .into(),
        ItemKind::Named(name) => utoipa::openapi::Ref::from_schema_name(name).into(),
        ItemKind::Object => ObjectBuilder::new().schema_type(Type::Object).into(),
    };
    ArrayBuilder::new()
        .items(item)
        .min_items(items.min)
        .max_items(items.max)
        .build()
}

/// An object schema of `fields`, with a description.
pub fn object(fields: &[Field], about: impl Into<String>) -> Schema {
    let mut builder = ObjectBuilder::new()
        .schema_type(Type::Object)
        .description(Some(about.into()));
    for field in fields {
        builder = builder.property(field.name, field.schema());
        if field.required {
            builder = builder.required(field.name);
        }
    }
    Schema::Object(builder.build())
}

/// The named item schemas the fields' arrays refer to.
pub fn item_names(fields: &[Field]) -> Vec<&'static str> {
    fields
        .iter()
        .filter_map(|field| match &field.kind {
            Kind::Array(Items {
                of: ItemKind::Named(name),
                ..
            })
            | Kind::JsonText(Items {
                of: ItemKind::Named(name),
                ..
            }) => Some(*name),
            _ => None,
        })
        .collect()
}
