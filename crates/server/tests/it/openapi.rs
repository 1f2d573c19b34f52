//! The OpenAPI document and the router come from one declaration: every route is documented (but the pages written
//! down below, which people open in a browser), and every documented operation is served.

use std::collections::BTreeSet;

/// Routes served for people in a browser (HTML pages and the forms they post), not API operations: not in the
/// document. Every other route must be.
const NOT_API_OPERATIONS: &[(&str, &str)] = &[
    // Pages and the forms they post (HTML for people; see README "Pages").
    ("GET", "/courses/{course_id}"),
    ("GET", "/dashboard"),
    ("POST", "/dashboard/classin-pushes"),
    ("GET", "/home"),
    ("POST", "/lang"),
    ("GET", "/labs/assets/{name}"),
    ("GET", "/labs/attempts/{attempt_id}"),
    ("POST", "/labs/paths/{path_id}/start"),
    ("GET", "/lessons/{lesson_id}"),
    ("POST", "/lessons/{lesson_id}/book"),
    ("POST", "/lessons/{lesson_id}/cancel"),
    ("POST", "/lessons/{lesson_id}/enter"),
    ("POST", "/logout"),
    ("GET", "/sso/{token}"),
];

/// Routes that still wait for their operation in the document (issue 15 empties this list).
const NOT_YET_DOCUMENTED: &[(&str, &str)] = &[];

fn documented() -> BTreeSet<(String, String)> {
    let document: serde_json::Value =
        serde_json::from_str(classbridge_api::openapi::document_json()).unwrap();
    let mut operations = BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
            ) {
                operations.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    operations
}

/// A documented path without its query (ClassIn v1 documents each action as `…/course.api.php?action=<action>`).
fn route_path(documented_path: &str) -> &str {
    documented_path
        .split_once('?')
        .map_or(documented_path, |(path, _)| path)
}

#[test]
fn every_route_is_documented_and_every_operation_is_routed() {
    let routes: BTreeSet<(String, String)> = classbridge_api::route_table().into_iter().collect();
    let operations = documented();
    let exempt: BTreeSet<(String, String)> = NOT_API_OPERATIONS
        .iter()
        .chain(NOT_YET_DOCUMENTED)
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();

    let undocumented: Vec<&(String, String)> = routes
        .iter()
        .filter(|route| !exempt.contains(*route))
        .filter(|(method, path)| {
            !operations
                .iter()
                .any(|(documented_method, documented_path)| {
                    route_path(documented_path) == path
                        && (method == "ANY" || documented_method == method)
                })
        })
        .collect();
    assert!(
        undocumented.is_empty(),
        "routes without an operation in /openapi.json: {undocumented:#?}"
    );

    let unrouted: Vec<&(String, String)> = operations
        .iter()
        .filter(|(method, path)| {
            !routes.iter().any(|(route_method, route_path_)| {
                route_path_ == route_path(path) && (route_method == "ANY" || route_method == method)
            })
        })
        .collect();
    assert!(
        unrouted.is_empty(),
        "operations in /openapi.json that no route serves: {unrouted:#?}"
    );

    let stale: Vec<&(String, String)> = exempt
        .iter()
        .filter(|route| !routes.contains(*route))
        .collect();
    assert!(
        stale.is_empty(),
        "exempt routes the router no longer has: {stale:#?}"
    );
    let documented_anyway: Vec<(&str, &str)> = NOT_YET_DOCUMENTED
        .iter()
        .copied()
        .filter(|(method, path)| operations.contains(&(method.to_string(), path.to_string())))
        .collect();
    assert!(
        documented_anyway.is_empty(),
        "documented now: take them off NOT_YET_DOCUMENTED: {documented_anyway:#?}"
    );
}

#[test]
fn operation_ids_are_unique() {
    let document: serde_json::Value =
        serde_json::from_str(classbridge_api::openapi::document_json()).unwrap();
    let mut seen = BTreeSet::new();
    for item in document["paths"].as_object().unwrap().values() {
        for operation in item.as_object().unwrap().values() {
            if let Some(id) = operation.get("operationId").and_then(|id| id.as_str()) {
                assert!(seen.insert(id.to_owned()), "operationId {id} is used twice");
            }
        }
    }
}
