//! The list of a router's routes, read from its `Debug` text (axum has no other way to list them): the paths of its
//! path router by route id, and for each route id the methods whose endpoint is set. A change in that text that
//! this reading no longer understands panics, so the test relying on the list fails instead of passing on an empty
//! list.

use std::collections::HashMap;

/// The methods of a `MethodRouter`'s fields, in its field order.
const METHODS: [&str; 9] = [
    "get", "head", "delete", "options", "patch", "post", "put", "trace", "connect",
];

/// `(method, path)` of every route in a router's `Debug` text (see the module's documentation).
pub fn of(debug: &str) -> Vec<(String, String)> {
    // Only the main path router: the fallback router after it holds no routes of ours.
    let main = debug
        .split("fallback_router:")
        .next()
        .expect("split yields at least one part");
    let (routes, node) = main
        .split_once("node: Node { paths: {")
        .expect("the router's Debug text names its paths (axum changed it: update route_table.rs)");
    let paths = read_paths(node);
    let mut table = Vec::new();
    for (id, endpoint) in routes.split("RouteId(").skip(1).filter_map(|part| {
        let (id, rest) = part.split_once(')')?;
        Some((id.parse::<u64>().ok()?, rest))
    }) {
        let path = paths
            .get(&id)
            .unwrap_or_else(|| panic!("route {id} has no path in the router's Debug text"));
        let methods = methods_of(endpoint);
        if methods.len() == METHODS.len() || serves_any_method(endpoint) {
            table.push(("ANY".to_owned(), path.clone()));
            continue;
        }
        assert!(
            !methods.is_empty(),
            "route {path} shows no method: {endpoint}"
        );
        for method in &methods {
            if *method == "head" && methods.contains(&"get") {
                continue;
            }
            table.push((method.to_ascii_uppercase(), path.clone()));
        }
    }
    assert!(
        !table.is_empty(),
        "no route read from the router's Debug text"
    );
    table.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    table
}

/// `RouteId(n): "path"` pairs.
fn read_paths(node: &str) -> HashMap<u64, String> {
    let mut paths = HashMap::new();
    for part in node.split("RouteId(").skip(1) {
        let Some((id, rest)) = part.split_once("): \"") else {
            continue;
        };
        let Some((path, _)) = rest.split_once('"') else {
            continue;
        };
        if let Ok(id) = id.parse() {
            paths.insert(id, path.to_owned());
        }
    }
    paths
}

/// Whether the route's own fallback serves every method (`any(handler)`), rather than axum's default 405.
fn serves_any_method(endpoint: &str) -> bool {
    let endpoint = endpoint.split("), RouteId(").next().unwrap_or(endpoint);
    let (_, fallback) = endpoint
        .split_once(", fallback: ")
        .unwrap_or_else(|| panic!("no fallback in a MethodRouter's Debug text: {endpoint}"));
    !fallback.starts_with("Default(")
}

/// The methods set in one route's `MethodRouter { get: …, head: None, … fallback: … }`.
fn methods_of(endpoint: &str) -> Vec<&'static str> {
    let Some((_, fields)) = endpoint.split_once("MethodRouter {") else {
        panic!("a route that is not a MethodRouter: {endpoint}");
    };
    let fields = fields.split(", fallback: ").next().unwrap_or(fields);
    METHODS
        .iter()
        .copied()
        .filter(|method| {
            let key = format!("{method}: ");
            let start = fields
                .find(&format!(" {key}"))
                .map(|at| at + 1)
                .or_else(|| fields.starts_with(&key).then_some(0))
                .unwrap_or_else(|| {
                    panic!("no `{method}` in a MethodRouter's Debug text: {fields}")
                });
            !fields[start + key.len()..].starts_with("None")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_of_the_server_is_listed_with_its_methods() {
        let table = crate::route_table();
        let has = |method: &str, path: &str| table.iter().any(|(m, p)| m == method && p == path);
        assert!(has("GET", "/users"), "{table:?}");
        assert!(has("POST", "/users"));
        assert!(has("DELETE", "/users/{user_id}"));
        assert!(has("ANY", "/partner/api/course.api.php"));
        assert!(has("GET", "/healthz"));
        assert!(!has("HEAD", "/users"));
        assert!(has("ANY", "/lms/unit/create"));
        assert!(!has("GET", "/lms/unit/create"));
        assert!(table.len() > 60, "{}", table.len());
    }
}
