//! ClassIn's v2 (LMS) API in the OpenAPI document: one operation per routed path, with the signature headers, the
//! JSON body each endpoint reads (limits from the service's constants) and the `{code, msg, data}` answer with its
//! `data` typed. The endpoints classbridge has nothing to act on are documented as what they answer. A unit test
//! holds the documented paths to the routed ones ([`super::ENDPOINTS`] and [`super::NOT_SUPPORTED`]).

use classbridge_service::classin::v2::{
    classrooms::{ASSISTANTS_MAX, CLASSROOM_NAME_MAX, UNIQUE_IDENTITY_MAX},
    people::NICKNAME_STUDENTS_MAX,
    units::{ACTIVITIES_PER_UNIT_MAX, UNIT_NAME_MAX},
    TIME_STAMP_WINDOW_SECONDS,
};
use utoipa::openapi::{
    path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem},
    request_body::RequestBodyBuilder,
    schema::{ObjectBuilder, OneOfBuilder, Schema, Type},
    tag::TagBuilder,
    ComponentsBuilder, ContentBuilder, OpenApi, OpenApiBuilder, PathsBuilder, RefOr, Required,
    ResponseBuilder,
};

use super::NOT_SUPPORTED;
use crate::classin::{
    fields::{self, array, choice, integer, text, Field, ItemKind},
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

fn course_id() -> Field {
    integer(
        "courseId",
        "The class (course): 147 none, 121601021 another school's, 121601023 expired or ended.",
    )
    .required()
}

fn uids(name: &'static str, about: &str) -> Field {
    array(
        name,
        ItemKind::Integer,
        format!("{about} (numbers or decimal texts; repeats count once)."),
    )
    .required()
}

fn unit_name() -> Field {
    text(
        "name",
        format!(
            "1 to {UNIT_NAME_MAX} characters (121601020 otherwise), unique among the class's units (29208 / 50003)."
        ),
    )
    .length(1, UNIT_NAME_MAX)
}

fn publish_flag() -> Field {
    choice(
        "publishFlag",
        &[0, 2],
        "0 draft, 2 published; a published unit never goes back to draft (40004).",
    )
}

fn create_unit() -> Vec<Field> {
    vec![
        course_id(),
        unit_name().required(),
        publish_flag().required(),
        text("content", "The unit's description."),
    ]
}

fn update_unit() -> Vec<Field> {
    vec![
        course_id(),
        integer("unitId", "The unit (40020).").required(),
        unit_name(),
        text("content", "The unit's description."),
        publish_flag(),
    ]
}

fn delete_unit() -> Vec<Field> {
    vec![
        course_id(),
        integer(
            "unitId",
            "The unit (40020); one holding a classroom in session or ended is 40001.",
        )
        .required(),
    ]
}

fn move_unit() -> Vec<Field> {
    vec![
        course_id(),
        integer("unitId", "The unit whose activities move (29048).").required(),
        integer(
            "toUnitId",
            format!(
                "The unit they move to (50004; the same unit 29046; more than {ACTIVITIES_PER_UNIT_MAX} activities \
                 there 29138)."
            ),
        )
        .required(),
    ]
}

/// The classroom fields of createClass and updateClass.
fn classroom_fields(creating: bool) -> Vec<Field> {
    let required = |field: Field| if creating { field.required() } else { field };
    let mut fields = vec![
        integer(
            "unitId",
            if creating {
                "The unit (40020); the class's no-topic unit when absent."
            } else {
                "Moves the classroom to this unit (40020)."
            },
        ),
        required(
            text(
                "name",
                format!("1 to {CLASSROOM_NAME_MAX} characters (121601020 otherwise)."),
            )
            .length(1, CLASSROOM_NAME_MAX),
        ),
        required(integer(
            "teacherUid",
            "A teacher of the school (136) not stopped (387), not a student (172) or auditor (173) of the class.",
        )),
        required(integer(
            "startTime",
            "Unix seconds: at least a minute ahead (120), at most two years (268).",
        )),
        required(integer(
            "endTime",
            "Unix seconds: after startTime (119), 15 minutes to 24 hours long (165).",
        )),
        array(
            "assistantUids",
            ItemKind::Integer,
            format!(
                "Co-teachers, at most {ASSISTANTS_MAX} (21317 beyond): teachers of the school (318, 388), not the \
                 teacher (322)."
            ),
        )
        .length(0, ASSISTANTS_MAX),
        integer(
            "seatNum",
            "People on stage, the teacher counted: 1 (1v0) or more (121601020 below); above 13 it is 13; 7 when \
             absent.",
        )
        .range(Some(1), None),
        choice("cameraHide", &[0, 1], "0 or 1; checked, not used."),
        choice("isAutoOnstage", &[0, 1], "0 or 1; checked, not used."),
        choice("isAllowCheck", &[0, 1], "0 or 1; checked, not used."),
        choice("isHd", &[0, 1, 2], "0, 1 or 2; checked, not used."),
        choice(
            "isDc",
            &[0, 3],
            "0, or 3 which needs seatNum 2 (110100066 otherwise).",
        ),
        choice(
            "recordType",
            &[0, 1, 2],
            "Sent with recordState, liveState and openState, or none of them (121601020).",
        ),
        choice("recordState", &[0, 1], "1 records the classroom."),
        choice(
            "liveState",
            &[0, 1],
            "1 streams it live; needs recordState 1 (121601020).",
        ),
        choice(
            "openState",
            &[0, 1],
            "1 offers a public replay; needs recordState 1 (121601020).",
        ),
        choice(
            "omoStationBroadcast",
            &[0, 1],
            "0; 1 is 121604007 (classbridge has no OMO stations).",
        ),
        integer(
            "cloudFolderId",
            "Accepted and ignored: classbridge has no cloud drive.",
        ),
        integer(
            "aiRiskMonitor",
            "Accepted and ignored: classbridge has no AI monitoring.",
        ),
    ];
    if creating {
        fields.push(
            text(
                "uniqueIdentity",
                format!(
                    "1 to {UNIQUE_IDENTITY_MAX} characters (121601020 otherwise), unique across the school: a repeat \
                     answers the classroom made the first time."
                ),
            )
            .length(1, UNIQUE_IDENTITY_MAX),
        );
    } else {
        fields.insert(
            0,
            integer(
                "activityId",
                "The classroom activity (143 none, 212 deleted); 145 ended, 140 in session, 350 within 20 minutes \
                 of its start.",
            )
            .required(),
        );
    }
    fields.insert(0, course_id());
    fields
}

fn create_class() -> Vec<Field> {
    classroom_fields(true)
}

fn update_class() -> Vec<Field> {
    classroom_fields(false)
}

fn release() -> Vec<Field> {
    vec![
        course_id(),
        array(
            "activityIds",
            ItemKind::Integer,
            "The draft activities to publish (30002 none, 29149 deleted, 29184 already published).",
        ),
        integer(
            "activityId",
            "One activity, when activityIds is absent (ClassIn's examples send it).",
        ),
    ]
}

fn activity_id(about: &str) -> Field {
    integer("activityId", about).required()
}

fn delete_activity() -> Vec<Field> {
    vec![
        course_id(),
        activity_id(
            "The activity (30002 none, 29149 deleted); a classroom in session is 40005, ended 40006.",
        ),
    ]
}

fn members() -> Vec<Field> {
    vec![
        course_id(),
        activity_id(
            "The activity (30002, 29149; ended 110100069; homework and quizzes take no member changes).",
        ),
        uids("studentUids", "The students"),
    ]
}

fn create_activity() -> Vec<Field> {
    vec![
        course_id(),
        integer("unitId", "The unit (40020).").required(),
        choice(
            "activityType",
            &[2, 3, 4, 5, 6, 7, 8],
            "2 homework, 3 quiz, 4 recorded lesson, 5 study material, 6 discussion, 7 answer sheet, 8 check-in.",
        )
        .required(),
        text(
            "name",
            format!("1 to {CLASSROOM_NAME_MAX} characters (121601020 otherwise)."),
        )
        .length(1, CLASSROOM_NAME_MAX)
        .required(),
        integer(
            "teacherUid",
            "A teacher of the school (136, 387); joins the class's teachers.",
        )
        .required(),
        integer(
            "startTime",
            "Unix seconds, at most three years ahead (121601020).",
        ),
        integer(
            "endTime",
            "Unix seconds, after startTime (121601020).",
        ),
    ]
}

fn add_course_teacher() -> Vec<Field> {
    vec![
        integer(
            "courseId",
            "The class (147, 121601021; ended or expired 30031).",
        )
        .required(),
        uids("teacherUids", "The teachers to add to the class"),
    ]
}

fn copy_nicknames() -> Vec<Field> {
    vec![uids(
        "studentUids",
        &format!("Students of the school, at most {NICKNAME_STUDENTS_MAX} (121601060 beyond)"),
    )
    .length(1, NICKNAME_STUDENTS_MAX)]
}

fn school_settings() -> Vec<Field> {
    vec![
        choice("allowViewReplay", &[0, 1], "ClassIn's replay setting."),
        choice(
            "allowNewStudentViewReplay",
            &[0, 1],
            "ClassIn's replay setting.",
        ),
    ]
}

fn dual_teacher_add() -> Vec<Field> {
    vec![
        integer("mainCourseId", "The main lesson's class.").required(),
        integer("mainClassId", "The main lesson.").required(),
        array(
            "subClassJson",
            ItemKind::Object,
            "The sub-lessons (ClassIn's structure).",
        )
        .required(),
    ]
}

fn dual_teacher_lesson() -> Vec<Field> {
    vec![
        integer("courseId", "The lesson's class.").required(),
        integer("classId", "The main or sub lesson.").required(),
    ]
}

fn playback_people() -> Vec<Field> {
    vec![
        integer("courseId", "The class.").required(),
        integer("classId", "The classroom.").required(),
        uids("uidList", "The people"),
    ]
}

fn playback_all() -> Vec<Field> {
    vec![
        integer("courseId", "The class.").required(),
        array("classIds", ItemKind::Integer, "The classrooms.").required(),
    ]
}

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

/// The body ClassIn documents for each endpoint classbridge does not act on.
fn unsupported_fields(path: &str) -> fn() -> Vec<Field> {
    match path {
        "/school/modifySchoolConf" => school_settings,
        "/lms/onlineDoubleTeacher/addClass" => dual_teacher_add,
        "/lms/onlineDoubleTeacher/editClass" | "/lms/onlineDoubleTeacher/deleteClass" => {
            dual_teacher_lesson
        }
        "/playback/addPlaybackUser" | "/playback/deletePlaybackUser" => playback_people,
        _ => playback_all,
    }
}

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
