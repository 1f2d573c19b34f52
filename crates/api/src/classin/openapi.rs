//! The v1 scheduling API in the OpenAPI document: one operation per served action (path key
//! `/partner/api/course.api.php?action=<action>`, as ClassIn's pages write it and clients call it), its form and
//! multipart bodies, its answer in the `error_info` envelope with its `data` typed, and its errno table from
//! ClassIn's page. Built from [`super::actions::ACTIONS`], the list the dispatcher serves.

use std::collections::BTreeMap;

use utoipa::{
    openapi::{
        path::{HttpMethod, OperationBuilder, PathItem},
        request_body::RequestBodyBuilder,
        schema::{AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type},
        tag::TagBuilder,
        ComponentsBuilder, ContentBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref, RefOr,
        ResponseBuilder,
    },
    PartialSchema, ToSchema,
};

use super::{
    actions::{Action, Data, ItemShape, ACTIONS},
    extras::UNSUPPORTED,
    fields::{self, Field},
    parameters, ErrorInfo, LessonMoreData, LiveInfo, PATH,
};

pub const TAG: &str = "ClassIn v1";

/// ClassIn's errno table of each served action, as `classin/v1-actions.md` §4 translates it: `[action] page`
/// headers, then `errno meaning` lines.
const ERRNO_TABLES: &str = include_str!("errnos.txt");

/// The path key of an action's operation.
pub fn path_of(action: &str) -> String {
    format!("{PATH}?action={action}")
}

/// `addCourse` → `AddCourse`, for schema names.
fn pascal(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn schema_name(action: &str, suffix: &str) -> String {
    format!("ClassInV1{}{suffix}", pascal(action))
}

/// One of ClassIn's tables: the page it comes from and its rows (number, meaning).
pub struct Table {
    pub page: &'static str,
    pub rows: Vec<(i64, &'static str)>,
}

/// The errno tables by action.
pub fn errno_tables() -> BTreeMap<&'static str, Table> {
    parse_tables(ERRNO_TABLES)
}

/// Tables written as `[key] page` headers, then `number meaning` lines (v1's errnos, v2's codes).
pub(crate) fn parse_tables(text: &'static str) -> BTreeMap<&'static str, Table> {
    let mut tables = BTreeMap::new();
    let mut current: Option<(&str, Table)> = None;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(header) = line.strip_prefix('[') {
            if let Some((name, table)) = current.take() {
                tables.insert(name, table);
            }
            let (name, page) = header.split_once("] ").unwrap_or((header, ""));
            let rows = Vec::new();
            current = Some((name, Table { page, rows }));
        } else if let (Some((_, table)), Some((number, meaning))) =
            (current.as_mut(), line.split_once(' '))
        {
            if let Ok(number) = number.parse() {
                table.rows.push((number, meaning));
            }
        }
    }
    if let Some((name, table)) = current {
        tables.insert(name, table);
    }
    tables
}

/// A markdown table of a page's numbers, for an operation's description.
pub(crate) fn table_markdown(page: &str, field: &str, rows: &[(i64, &str)]) -> String {
    let column = field.rsplit('.').next().unwrap_or(field);
    let mut text = format!(
        "Numbers of ClassIn's page (`{page}`), in `{field}`:\n\n| {column} | meaning |\n|---:|---|\n"
    );
    for (number, meaning) in rows {
        text.push_str(&format!("| {number} | {meaning} |\n"));
    }
    text
}

fn description(action: &Action) -> String {
    let mut text = format!("{}\n\n", action.about);
    if let Some(table) = errno_tables().get(action.errnos) {
        text.push_str(&table_markdown(table.page, "error_info.errno", &table.rows));
    }
    text
}

pub(crate) fn integer(about: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int64,
        )))
        .description(Some(about))
        .into()
}

pub(crate) fn string(about: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(about))
        .into()
}

/// An id echoed from the request's item: a number when it is an integer, else the text sent.
fn echoed_id(about: &str) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::Integer).format(Some(
            utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64),
        )))
        .item(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(about))
        .into()
}

pub(crate) fn closed(builder: ObjectBuilder) -> Schema {
    Schema::Object(
        builder
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .build(),
    )
}

pub(crate) fn named(name: &str) -> RefOr<Schema> {
    Ref::from_schema_name(name).into()
}

pub(crate) fn array_of(item: RefOr<Schema>, about: &str) -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(item)
        .description(Some(about))
        .into()
}

fn item_schema(shape: &ItemShape, about: String) -> Schema {
    let mut builder = ObjectBuilder::new().description(Some(about));
    if let Some(id) = shape.id {
        builder = builder.property("data", integer(id));
    }
    for echo in shape.echo {
        builder = builder.property(
            *echo,
            match *echo {
                "telephone" => string("The item's telephone."),
                "className" => string("The item's className (as cut)."),
                "studentUid" => string("The item's studentUid, as a text."),
                _ => echoed_id(
                    "The item's id as sent: a number when it is an integer (also sent as decimal text), else the \
                     text.",
                ),
            },
        );
    }
    if shape.custom_column {
        builder = builder.property(
            "customColumn",
            string(
                "The item's customColumn when not empty, as a text (a number or other JSON value as its JSON \
                 text) cut to 50 characters.",
            ),
        );
    }
    if shape.more_data {
        builder = builder.property("more_data", named(LessonMoreData::name().as_ref()));
    }
    builder = builder
        .property("errno", integer("This item's outcome: 1 success."))
        .required("errno")
        .property("error", string("This item's outcome in words."))
        .required("error");
    closed(builder)
}

const LABEL_ID: &str = "ClassInV1LabelId";
const LESSON_TEACHER_ITEM: &str = "ClassInV1LessonTeacherItem";

fn label_id_schema() -> Schema {
    closed(
        ObjectBuilder::new()
            .description(Some("A school label."))
            .property("labelId", string("The label's id, as a text."))
            .required("labelId"),
    )
}

fn lesson_teacher_item_schema() -> Schema {
    closed(
        ObjectBuilder::new()
            .description(Some("One lesson of modifyCourseTeacher."))
            .property("classId", integer("The lesson."))
            .required("classId")
            .property("errno", integer("1 when the teacher changed."))
            .required("errno")
            .property("error", string("The outcome in words."))
            .required("error"),
    )
}

/// The action's answer schema, and its item schema for a batch action.
fn answer_schemas(action: &Action) -> (Schema, Option<(String, Schema)>) {
    let mut builder = ObjectBuilder::new()
        .description(Some(format!(
            "The answer of {}: always HTTP 200; `data` and `more_data` as the action has them (a failure may \
             come without them).",
            action.name
        )))
        .property("error_info", named(ErrorInfo::name().as_ref()))
        .required("error_info");
    let mut item = None;
    let more_data = || named(LessonMoreData::name().as_ref());
    builder = match action.data {
        Data::Nothing => builder,
        Data::Id(about) => builder.property("data", integer(about)),
        Data::Lesson => builder
            .property(
                "data",
                integer("The lesson id (also with 398: the lesson made the first time)."),
            )
            .property("more_data", more_data()),
        Data::MoreData => builder.property("more_data", more_data()),
        Data::Link => builder.property(
            "data",
            string("A one-time sign-in link that opens the lesson's page."),
        ),
        Data::LabelId => builder.property("data", named(LABEL_ID)),
        Data::LessonTeachers => builder.property(
            "data",
            array_of(
                named(LESSON_TEACHER_ITEM),
                "One item per lesson that had not started.",
            ),
        ),
        Data::Items(shape) => {
            let name = schema_name(action.name, "Item");
            item = Some((
                name.clone(),
                item_schema(&shape, format!("One item of {}'s answer.", action.name)),
            ));
            builder.property(
                "data",
                array_of(named(&name), "One item per entry of the request, in order."),
            )
        }
    };
    (closed(builder), item)
}

fn parameters_of(action: &Action) -> Vec<Field> {
    let mut fields = parameters::authentication();
    fields.extend((action.fields)());
    fields
}

fn tag_description() -> String {
    let unsupported: Vec<&str> = UNSUPPORTED.iter().map(|(name, _)| *name).collect();
    format!(
        "ClassIn's v1 scheduling API (Jusoor's and other integrations built on ClassIn's documentation use it \
         unchanged): `POST {PATH}?action=<action>` with the parameters as `multipart/form-data` (as ClassIn's PHP SDK \
         sends them) or `application/x-www-form-urlencoded`; the action may also be a body field. Every call \
         carries `SID`, `timeStamp` (Unix seconds, within 20 minutes) and `safeKey` = md5(SECRET + timeStamp). \
         Array parameters (`userJson`, `classJson`, `studentJson`, …) are JSON texts in one form field (their \
         structure is each field's `contentSchema`). Every answer is HTTP 200 with `{{\"error_info\": {{\"errno\", \
         \"error\"}}}}` and, as the action has them, `data` and `more_data`; `errno` 1 is the only success. Besides \
         each action's table: 100 for a missing or malformed parameter, 102 for the authentication, 155 for an \
         array parameter that is not a non-empty JSON array and 450 above its limit, 104 (or 114 where the page \
         lists it) for an unexpected failure. Not served, answered 100 with the reason: {}.",
        unsupported.join(", ")
    )
}

/// The v1 fragment of the document: paths, schemas and the tag.
pub fn openapi() -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut components = ComponentsBuilder::new()
        .schema(ErrorInfo::name(), ErrorInfo::schema())
        .schema(LessonMoreData::name(), LessonMoreData::schema())
        .schema(LiveInfo::name(), LiveInfo::schema())
        .schema(LABEL_ID, label_id_schema())
        .schema(LESSON_TEACHER_ITEM, lesson_teacher_item_schema());
    for (name, fields, about) in parameters::items() {
        components = components.schema(name, fields::object(&fields, about));
    }
    for action in &ACTIONS {
        let fields = parameters_of(action);
        let form = schema_name(action.name, "Parameters");
        let multipart = schema_name(action.name, "ParametersMultipart");
        let answer = schema_name(action.name, "Answer");
        let (answer_schema, item) = answer_schemas(action);
        components = components
            .schema(
                &form,
                fields::object(
                    &fields,
                    format!("The parameters of {}, as a url-encoded form.", action.name),
                ),
            )
            .schema(
                &multipart,
                fields::object(
                    &fields,
                    format!(
                        "The parameters of {} as multipart/form-data: the same fields as {form} (a schema of its \
                         own, so that client generators make one body type per encoding).",
                        action.name
                    ),
                ),
            )
            .schema(&answer, answer_schema);
        if let Some((name, schema)) = item {
            components = components.schema(name, schema);
        }
        let body = RequestBodyBuilder::new()
            .description(Some(
                "The action's parameters with SID, timeStamp and safeKey. Without them the answer is errno 102 \
                 (HTTP 200 all the same).",
            ))
            .content(
                "application/x-www-form-urlencoded",
                ContentBuilder::new().schema(Some(named(&form))).build(),
            )
            .content(
                "multipart/form-data",
                ContentBuilder::new().schema(Some(named(&multipart))).build(),
            )
            .build();
        let operation = OperationBuilder::new()
            .operation_id(Some(format!("classin_v1_{}", action.name)))
            .tag(TAG)
            .summary(Some(action.summary))
            .description(Some(description(action)))
            .request_body(Some(body))
            .response(
                "200",
                ResponseBuilder::new()
                    .description(
                        "Every answer, success or failure: read `error_info.errno` (1 is success).",
                    )
                    .content(
                        "application/json",
                        ContentBuilder::new().schema(Some(named(&answer))).build(),
                    ),
            )
            .build();
        paths = paths.path(
            path_of(action.name),
            PathItem::new(HttpMethod::Post, operation),
        );
    }
    OpenApiBuilder::new()
        .paths(paths)
        .components(Some(components.build()))
        .tags(Some(vec![TagBuilder::new()
            .name(TAG)
            .description(Some(tag_description()))
            .build()]))
        .build()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_action_has_an_errno_table_and_every_table_an_action() {
        let tables = errno_tables();
        for action in &ACTIONS {
            let table = tables
                .get(action.errnos)
                .unwrap_or_else(|| panic!("no errno table for {}", action.errnos));
            assert!(
                table.rows.iter().any(|(errno, _)| *errno == 1),
                "{}",
                action.name
            );
        }
        let used: BTreeSet<&str> = ACTIONS.iter().map(|action| action.errnos).collect();
        let listed: BTreeSet<&str> = tables.keys().copied().collect();
        assert_eq!(used, listed);
    }

    #[test]
    fn every_action_is_one_operation_with_its_schemas() {
        let document = serde_json::to_value(openapi()).unwrap();
        let paths = document["paths"].as_object().unwrap();
        assert_eq!(paths.len(), ACTIONS.len());
        let schemas = document["components"]["schemas"].as_object().unwrap();
        for action in &ACTIONS {
            let operation = &paths[&path_of(action.name)]["post"];
            assert_eq!(
                operation["operationId"],
                format!("classin_v1_{}", action.name)
            );
            for (content, name) in [
                ("application/x-www-form-urlencoded", "Parameters"),
                ("multipart/form-data", "ParametersMultipart"),
            ] {
                let reference = operation["requestBody"]["content"][content]["schema"]["$ref"]
                    .as_str()
                    .unwrap();
                let schema_name = schema_name(action.name, name);
                assert_eq!(reference, format!("#/components/schemas/{schema_name}"));
                let required = schemas[&schema_name]["required"].as_array().unwrap();
                for auth in ["SID", "timeStamp", "safeKey"] {
                    assert!(required.contains(&auth.into()), "{}", action.name);
                }
            }
        }
        // Every reference resolves.
        let text = document.to_string();
        for part in text.split("\"#/components/schemas/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                schemas.contains_key(name),
                "{name} is referenced, not defined"
            );
        }
    }
}
