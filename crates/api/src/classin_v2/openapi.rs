//! ClassIn's v2 (LMS) API in the OpenAPI document: one operation per routed path, with the signature headers, the
//! JSON body each endpoint reads (limits from the service's constants) and the `{code, msg, data}` answer with its
//! `data` typed. The endpoints classbridge has nothing to act on are documented as what they answer. A unit test
//! holds the documented paths to the routed ones ([`super::ENDPOINTS`] and [`super::NOT_SUPPORTED`]).

use classbridge_service::classin::v2::TIME_STAMP_WINDOW_SECONDS;
use utoipa::openapi::{
    path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem},
    request_body::RequestBodyBuilder,
    schema::{ObjectBuilder, OneOfBuilder, Schema, Type},
    tag::TagBuilder,
    ComponentsBuilder, ContentBuilder, OpenApi, OpenApiBuilder, PathsBuilder, RefOr, Required,
    ResponseBuilder,
};

use super::{
    bodies::{
        add_course_teacher, copy_nicknames, create_activity, create_class, create_unit,
        delete_activity, delete_unit, members, move_unit, release, unsupported_fields,
        update_class, update_unit,
    },
    NOT_SUPPORTED,
};
use crate::classin::{
    fields::{self, Field},
    openapi::{array_of, closed, integer as id, named, parse_tables, string, table_markdown},
};

pub const TAG: &str = "ClassIn v2";

/// ClassIn's code table of each served path, as `classin/v2-lms.md` §6 translates it.
const CODE_TABLES: &str = include_str!("codes.txt");

/// What an endpoint answers in `data` on success.
#[derive(Debug, Clone, Copy)]
enum Data {
    Null,
    Named(&'static str),
    List(&'static str),
    /// One object for one activity, a list for several.
    OneOrList(&'static str),
}

struct Endpoint {
    path: &'static str,
    summary: &'static str,
    about: &'static str,
    fields: fn() -> Vec<Field>,
    data: Data,
}

const UNIT_CREATED: &str = "ClassInV2UnitCreated";
const UNIT_ID: &str = "ClassInV2UnitId";
const ACTIVITY: &str = "ClassInV2Activity";
const ACTIVITY_CREATED: &str = "ClassInV2ActivityCreated";
const CLASSROOM_CREATED: &str = "ClassInV2ClassroomCreated";
const STUDENT_RESULT: &str = "ClassInV2StudentResult";
const TEACHER_RESULT: &str = "ClassInV2TeacherResult";

const SERVED: [Endpoint; 13] = [
    Endpoint {
        path: "/lms/unit/create",
        summary: "Create a unit",
        about: "A unit orders a class's activities.",
        fields: create_unit,
        data: Data::Named(UNIT_CREATED),
    },
    Endpoint {
        path: "/lms/unit/update",
        summary: "Change a unit",
        about: "Send at least one of name, content and publishFlag (101001001 otherwise). Publishing a unit does \
                not publish its activities.",
        fields: update_unit,
        data: Data::Named(UNIT_ID),
    },
    Endpoint {
        path: "/lms/unit/delete",
        summary: "Delete a unit",
        about: "Deletes the unit and its activities (a classroom's lesson with it).",
        fields: delete_unit,
        data: Data::Named(UNIT_ID),
    },
    Endpoint {
        path: "/lms/unit/move",
        summary: "Move a unit's activities",
        about: "Moves every activity of unitId to the end of toUnitId; `data` is null.",
        fields: move_unit,
        data: Data::Null,
    },
    Endpoint {
        path: "/lms/activity/createClass",
        summary: "Create a classroom activity",
        about: "A classroom is a lesson of its class (v1's lesson actions, the read-back API and the pages see it \
                by its classId); always published. `aiSummaryConfig` is accepted and ignored.",
        fields: create_class,
        data: Data::Named(CLASSROOM_CREATED),
    },
    Endpoint {
        path: "/lms/activity/updateClass",
        summary: "Change a classroom activity",
        about: "Changes the fields sent (at least one: 100 otherwise), until 20 minutes before the start.",
        fields: update_class,
        data: Data::Named(ACTIVITY),
    },
    Endpoint {
        path: "/lms/activity/release",
        summary: "Publish draft activities",
        about: "Publishes drafts; `data` is the activity for one, a list for several.",
        fields: release,
        data: Data::OneOrList(ACTIVITY),
    },
    Endpoint {
        path: "/lms/activity/delete",
        summary: "Delete an activity",
        about: "Deletes one activity; a classroom's lesson with it.",
        fields: delete_activity,
        data: Data::Named(ACTIVITY),
    },
    Endpoint {
        path: "/lms/activity/addStudent",
        summary: "Add members to an activity",
        about: "A classroom takes any student of the school (one outside the class joins that lesson only); \
                other activities take students of the class (40030). One result per student; one already a \
                member is 1.",
        fields: members,
        data: Data::List(STUDENT_RESULT),
    },
    Endpoint {
        path: "/lms/activity/deleteStudent",
        summary: "Take members off an activity",
        about: "From then on the activity (a classroom's lesson) admits only those listed; `data` is null.",
        fields: members,
        data: Data::Null,
    },
    Endpoint {
        path: "/lms/activity/createActivityNoClass",
        summary: "Create a draft activity",
        about: "A draft activity of another type than classroom, in a unit (at most 100 activities: 40031); \
                publish it with /lms/activity/release.",
        fields: create_activity,
        data: Data::Named(ACTIVITY_CREATED),
    },
    Endpoint {
        path: "/course/addCourseTeacher",
        summary: "Add teachers to a class",
        about: "One result per teacher (133 already a teacher of the class, 30022 its head teacher).",
        fields: add_course_teacher,
        data: Data::List(TEACHER_RESULT),
    },
    Endpoint {
        path: "/schooluser/modifyCourseStudentNickName",
        summary: "Copy students' school names into their classes",
        about: "Each student's name in the school becomes their name in every class that has not ended; one \
                result per student (121601059 not a student of the school).",
        fields: copy_nicknames,
        data: Data::List(STUDENT_RESULT),
    },
];

/// `/lms/unit/create` → `LmsUnitCreate`.
fn pascal_path(path: &str) -> String {
    path.split('/')
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn data_schemas() -> Vec<(&'static str, Schema)> {
    let object = |about: &str, fields: &[(&str, RefOr<Schema>)]| {
        let mut builder = ObjectBuilder::new().description(Some(about));
        for (name, schema) in fields {
            builder = builder.property(*name, schema.clone()).required(*name);
        }
        closed(builder)
    };
    let result = |key: &'static str, about: &str| {
        object(
            about,
            &[
                (key, id("The UID.")),
                ("code", id("1 success; otherwise why not.")),
                ("msg", string("The outcome in words.")),
            ],
        )
    };
    vec![
        (
            UNIT_CREATED,
            object(
                "The unit made.",
                &[
                    ("name", string("Its name.")),
                    ("unitId", id("Its id.")),
                ],
            ),
        ),
        (UNIT_ID, object("A unit.", &[("unitId", id("Its id."))])),
        (
            ACTIVITY,
            object(
                "An activity.",
                &[
                    ("activityId", id("Its id.")),
                    ("name", string("Its name.")),
                ],
            ),
        ),
        (
            ACTIVITY_CREATED,
            object(
                "The draft activity made (ClassIn's table names activityId, its example unitId: both are \
                 answered).",
                &[
                    ("name", string("Its name.")),
                    ("activityId", id("Its id.")),
                    ("unitId", id("Its unit.")),
                ],
            ),
        ),
        (
            CLASSROOM_CREATED,
            object(
                "The classroom made (or, for a repeated uniqueIdentity, the one made the first time).",
                &[
                    ("activityId", id("The activity id.")),
                    ("classId", id("The lesson id (v1's classId).")),
                    ("name", string("Its name.")),
                    ("live_url", string("The lesson's page.")),
                ],
            ),
        ),
        (
            STUDENT_RESULT,
            result("studentUid", "The outcome for one student."),
        ),
        (
            TEACHER_RESULT,
            result("teacherUid", "The outcome for one teacher."),
        ),
    ]
}

fn nullable(schema: RefOr<Schema>) -> RefOr<Schema> {
    OneOfBuilder::new()
        .item(schema)
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

fn answer_schema(about: String, data: Data) -> Schema {
    let null_about = "null: on every failure, and on success for this endpoint.";
    let data = match data {
        Data::Null => ObjectBuilder::new()
            .schema_type(Type::Null)
            .description(Some(null_about))
            .into(),
        Data::Named(name) => nullable(named(name)),
        Data::List(name) => nullable(array_of(named(name), "One result each, in order.")),
        Data::OneOrList(name) => OneOfBuilder::new()
            .item(named(name))
            .item(array_of(named(name), "Several activities, in order."))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .into(),
    };
    closed(
        ObjectBuilder::new()
            .description(Some(about))
            .property(
                "code",
                id("1 success; otherwise the code of ClassIn's table."),
            )
            .required("code")
            .property("msg", string("What happened, in words."))
            .required("msg")
            .property("data", data)
            .required("data"),
    )
}

fn header(name: &str, about: &str, pattern: &str) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Header)
        .required(Required::True)
        .description(Some(about))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(pattern)),
        ))
        .build()
}

fn operation(
    path: &str,
    summary: String,
    description: String,
    fields: &[Field],
    data: Data,
) -> (PathItem, Vec<(String, Schema)>) {
    let name = pascal_path(path);
    let body_name = format!("ClassInV2{name}Body");
    let answer_name = format!("ClassInV2{name}Answer");
    let schemas = vec![
        (
            body_name.clone(),
            fields::object(fields, format!("The JSON body of {path}.")),
        ),
        (
            answer_name.clone(),
            answer_schema(
                format!("The answer of {path}: always HTTP 200, `data` null on a failure."),
                data,
            ),
        ),
    ];
    let operation = OperationBuilder::new()
        .operation_id(Some(format!("classin_v2{}", path.replace('/', "_"))))
        .tag(TAG)
        .summary(Some(summary))
        .description(Some(description))
        .parameter(header(
            "X-EEO-SIGN",
            "md5 (hexadecimal) of the body's top-level strings and numbers (at most 1024 bytes each) with sid and \
             timeStamp, sorted by name, joined `k=v&…`, then `&key=SECRET` (101002005 when it does not match).",
            "^[0-9A-Fa-f]{32}$",
        ))
        .parameter(header(
            "X-EEO-UID",
            "The school's SID.",
            "^[0-9]+$",
        ))
        .parameter(header(
            "X-EEO-TS",
            &format!(
                "Unix seconds, within {} minutes of the server's clock (101002006; missing 101002008).",
                TIME_STAMP_WINDOW_SECONDS / 60
            ),
            "^[0-9]+$",
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(named(&body_name)))
                        .build(),
                )
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("Every answer, success or failure: read `code` (1 is success).")
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(named(&answer_name)))
                        .build(),
                ),
        )
        .build();
    (PathItem::new(HttpMethod::Post, operation), schemas)
}

/// Every documented path: the served endpoints, then those classbridge does not act on.
pub fn documented_paths() -> Vec<&'static str> {
    SERVED
        .iter()
        .map(|endpoint| endpoint.path)
        .chain(NOT_SUPPORTED.iter().map(|(path, _, _)| *path))
        .collect()
}

/// The v2 fragment of the document: paths, schemas and the tag.
pub fn openapi() -> OpenApi {
    let tables = parse_tables(CODE_TABLES);
    let mut paths = PathsBuilder::new();
    let mut components = ComponentsBuilder::new();
    for (name, schema) in data_schemas() {
        components = components.schema(name, schema);
    }
    let mut add = |path: &str, item: PathItem, schemas: Vec<(String, Schema)>| {
        paths = std::mem::take(&mut paths).path(path, item);
        for (name, schema) in schemas {
            components = std::mem::take(&mut components).schema(name, schema);
        }
    };
    for endpoint in &SERVED {
        let mut description = format!("{}\n\n", endpoint.about);
        if let Some(table) = tables.get(endpoint.path) {
            description.push_str(&table_markdown(table.page, "code", &table.rows));
        }
        let (item, schemas) = operation(
            endpoint.path,
            endpoint.summary.to_owned(),
            description,
            &(endpoint.fields)(),
            endpoint.data,
        );
        add(endpoint.path, item, schemas);
    }
    for (path, code, msg) in NOT_SUPPORTED {
        let (item, schemas) = operation(
            path,
            "Not supported by this server".to_owned(),
            format!(
                "ClassIn's endpoint, answered (once the signature holds) with code {code} and `data` null: {msg}."
            ),
            &unsupported_fields(path)(),
            Data::Null,
        );
        add(path, item, schemas);
    }
    OpenApiBuilder::new()
        .paths(paths)
        .components(Some(components.build()))
        .tags(Some(vec![TagBuilder::new()
            .name(TAG)
            .description(Some(
                "ClassIn's v2 (LMS) API: `POST` a JSON object to the endpoint's path, signed with the headers \
                 X-EEO-SIGN, X-EEO-UID and X-EEO-TS (the body carries no sid or timeStamp; ClassIn's Python, PHP \
                 and Go demo signers are accepted too). Every answer is HTTP 200 with `{\"code\", \"msg\", \
                 \"data\"}`; `code` 1 is the only success, and `data` is null on every failure.",
            ))
            .build()]))
        .build()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::classin_v2::ENDPOINTS;

    #[test]
    fn documented_paths_are_the_routed_paths() {
        let documented: BTreeSet<&str> = documented_paths().into_iter().collect();
        let routed: BTreeSet<&str> = ENDPOINTS
            .iter()
            .copied()
            .chain(NOT_SUPPORTED.iter().map(|(path, _, _)| *path))
            .collect();
        assert_eq!(documented, routed);
        assert_eq!(documented.len(), SERVED.len() + NOT_SUPPORTED.len());
        let document = serde_json::to_value(openapi()).unwrap();
        let paths: BTreeSet<&str> = document["paths"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(paths, routed);
    }

    #[test]
    fn every_served_path_has_its_code_table() {
        let tables = parse_tables(CODE_TABLES);
        let served: BTreeSet<&str> = SERVED.iter().map(|endpoint| endpoint.path).collect();
        let listed: BTreeSet<&str> = tables.keys().copied().collect();
        assert_eq!(served, listed);
    }
}
