//! The `/docs` reference page, rendered from the OpenAPI document: operations grouped by tag with a navigation
//! sidebar and a search box, each with its parameters, body fields, example request and answers; then the named
//! schemas. One self-contained HTML page: styles and the small search script are inline, nothing is fetched from
//! elsewhere, and every text of the document is escaped.

use std::{collections::HashSet, fmt::Write};

use serde_json::Value;

use super::{
    docs_example::{form_fields, of_media_type, of_schema},
    docs_schema::{description, field_rows, has_fields, limits, resolve, type_label, FieldRow},
};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// HTML-escapes text for element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// A fragment id made of the text's letters and digits (`/users/{id}` → `users-id`).
pub fn slug(text: &str) -> String {
    let mut slug = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() || character == '_' {
            slug.push(character);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// A line of the document's text: escaped, with `backticks` as code.
fn inline(text: &str) -> String {
    let mut html = String::new();
    for (index, part) in text.split('`').enumerate() {
        if index % 2 == 1 {
            let _ = write!(html, "<code>{}</code>", escape(part));
        } else {
            html.push_str(&escape(part));
        }
    }
    html
}

/// Text of the document as paragraphs (at blank lines), each [`inline`].
fn prose(text: &str) -> String {
    text.split("\n\n")
        .filter(|paragraph| !paragraph.trim().is_empty())
        .map(|paragraph| format!("<p>{}</p>", inline(paragraph)))
        .collect()
}

struct Operation<'a> {
    id: String,
    method: &'a str,
    path: &'a str,
    tag: String,
    operation: &'a Value,
    path_item: &'a Value,
}

/// The tags in the document's order, then those only operations name, then `other` for untagged operations.
fn grouped(document: &Value) -> Vec<(String, Vec<Operation<'_>>)> {
    let mut groups: Vec<(String, Vec<Operation<'_>>)> = document
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| tag.get("name").and_then(Value::as_str))
        .map(|name| (name.to_owned(), Vec::new()))
        .collect();
    let mut ids = HashSet::new();
    let paths = document.get("paths").and_then(Value::as_object);
    for (path, path_item) in paths.into_iter().flatten() {
        for method in METHODS {
            let Some(operation) = path_item.get(method) else {
                continue;
            };
            let tag = operation
                .pointer("/tags/0")
                .and_then(Value::as_str)
                .unwrap_or("other")
                .to_owned();
            let base = format!("op-{}", slug(&format!("{method} {path}")));
            let mut id = base.clone();
            let mut counter = 2;
            while !ids.insert(id.clone()) {
                id = format!("{base}-{counter}");
                counter += 1;
            }
            let entry = Operation {
                id,
                method,
                path,
                tag: tag.clone(),
                operation,
                path_item,
            };
            match groups.iter_mut().find(|(name, _)| *name == tag) {
                Some((_, operations)) => operations.push(entry),
                None => groups.push((tag, vec![entry])),
            }
        }
    }
    groups.retain(|(_, operations)| !operations.is_empty());
    groups
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The whole page.
pub fn render(document: &Value) -> String {
    let groups = grouped(document);
    let count: usize = groups.iter().map(|(_, operations)| operations.len()).sum();
    let title = text(document.get("info").unwrap_or(&Value::Null), "title");
    let title = if title.is_empty() { "API" } else { title };
    let mut html = String::with_capacity(256 * 1024);
    let _ = write!(
        html,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} API reference</title><style>{STYLE}</style></head><body><div class=\"layout\">",
        title = escape(title)
    );
    sidebar(&mut html, title, &groups, count, document);
    html.push_str("<main id=\"top\">");
    introduction(&mut html, document, title, count);
    for (tag, operations) in &groups {
        let about = document
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|candidate| text(candidate, "name") == tag.as_str())
            .map(|found| text(found, "description"))
            .unwrap_or("");
        let _ = write!(
            html,
            "<section class=\"tag\" id=\"tag-{id}\"><h2>{name}</h2>{about}",
            id = escape(&slug(tag)),
            name = escape(tag),
            about = prose(about)
        );
        for operation in operations {
            operation_html(&mut html, document, operation);
        }
        html.push_str("</section>");
    }
    schemas(&mut html, document);
    let _ = write!(html, "</main></div><script>{SCRIPT}</script></body></html>");
    html
}

fn sidebar(
    html: &mut String,
    title: &str,
    groups: &[(String, Vec<Operation<'_>>)],
    count: usize,
    document: &Value,
) {
    let _ = write!(
        html,
        "<nav class=\"sidebar\" aria-label=\"Operations\"><p class=\"brand\"><a href=\"#top\">{title}</a></p>\
         <form role=\"search\" onsubmit=\"return false\"><label for=\"search\">Search {count} operations</label>\
         <input type=\"search\" id=\"search\" name=\"q\" placeholder=\"path, summary or tag (press /)\" \
         autocomplete=\"off\"></form><p id=\"search-count\" aria-live=\"polite\"></p>\
         <noscript><p class=\"hint\">Without scripts, use your browser's find (Ctrl+F or ⌘F): every operation is \
         on this page.</p></noscript><ul class=\"nav\">",
        title = escape(title)
    );
    for (tag, operations) in groups {
        let _ = write!(
            html,
            "<li class=\"nav-tag\" id=\"nav-tag-{id}\"><a href=\"#tag-{id}\">{name}</a><ul>",
            id = escape(&slug(tag)),
            name = escape(tag)
        );
        for operation in operations {
            let _ = write!(
                html,
                "<li data-op=\"{id}\"><a href=\"#{id}\"><span class=\"m m-{method}\">{method}</span> {path}</a></li>",
                id = escape(&operation.id),
                method = escape(operation.method),
                path = escape(operation.path)
            );
        }
        html.push_str("</ul></li>");
    }
    if document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .is_some_and(|schemas| !schemas.is_empty())
    {
        html.push_str("<li class=\"nav-tag\"><a href=\"#schemas\">Schemas</a></li>");
    }
    html.push_str("</ul></nav>");
}

fn introduction(html: &mut String, document: &Value, title: &str, count: usize) {
    let info = document.get("info").unwrap_or(&Value::Null);
    let _ = write!(
        html,
        "<header><h1>{title} API reference</h1><p class=\"meta\">Version {version} · OpenAPI {openapi} · {count} \
         operations · machine-readable: <a href=\"/openapi.json\">/openapi.json</a></p>{about}</header>",
        title = escape(title),
        version = escape(text(info, "version")),
        openapi = escape(text(document, "openapi")),
        about = prose(text(info, "description"))
    );
    if let Some(schemes) = document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
    {
        html.push_str("<section id=\"authentication\"><h2>Authentication</h2><dl>");
        for (name, scheme) in schemes {
            let how = match (text(scheme, "type"), text(scheme, "in")) {
                ("apiKey", place) => format!(
                    "the {} <code>{}</code>",
                    escape(place),
                    escape(text(scheme, "name"))
                ),
                ("http", _) => format!("HTTP {}", escape(text(scheme, "scheme"))),
                (kind, _) => escape(kind),
            };
            let _ = write!(
                html,
                "<dt><code>{}</code>: {}</dt><dd>{}</dd>",
                escape(name),
                how,
                prose(text(scheme, "description"))
            );
        }
        html.push_str("</dl></section>");
    }
}

fn operation_html(html: &mut String, document: &Value, entry: &Operation<'_>) {
    let operation = entry.operation;
    let summary = text(operation, "summary");
    let search = format!(
        "{} {} {} {} {}",
        entry.method,
        entry.path,
        summary,
        entry.tag,
        text(operation, "operationId")
    )
    .to_lowercase();
    let deprecated = operation.get("deprecated").and_then(Value::as_bool) == Some(true);
    let _ = write!(
        html,
        "<article class=\"op\" id=\"{id}\" data-search=\"{search}\"><h3><span class=\"m m-{method}\">{method}</span> \
         <code>{path}</code>{deprecated}</h3>",
        id = escape(&entry.id),
        search = escape(&search),
        method = escape(entry.method),
        path = escape(entry.path),
        deprecated = if deprecated { " <span class=\"badge\">deprecated</span>" } else { "" }
    );
    if !summary.is_empty() {
        let _ = write!(html, "<p class=\"summary\">{}</p>", inline(summary));
    }
    let about = text(operation, "description");
    if about != summary {
        html.push_str(&prose(about));
    }
    let security = operation
        .get("security")
        .or_else(|| document.get("security"))
        .and_then(Value::as_array);
    if let Some(requirements) = security.filter(|list| !list.is_empty()) {
        let names: Vec<String> = requirements
            .iter()
            .filter_map(Value::as_object)
            .flat_map(|requirement| requirement.keys())
            .map(|name| {
                format!(
                    "<a href=\"#authentication\"><code>{}</code></a>",
                    escape(name)
                )
            })
            .collect();
        if !names.is_empty() {
            let _ = write!(
                html,
                "<p class=\"auth\">Authentication: {}</p>",
                names.join(" or ")
            );
        }
    }
    parameters(html, document, entry);
    if let Some(body) = operation.get("requestBody") {
        request_body(html, document, body);
    }
    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
        html.push_str("<h4>Responses</h4>");
        for (status, response) in responses {
            response_html(html, document, status, response);
        }
    }
    html.push_str("</article>");
}

fn parameters(html: &mut String, document: &Value, entry: &Operation<'_>) {
    let listed = |item: &'_ Value| -> Vec<Value> {
        item.get("parameters")
            .and_then(Value::as_array)
            .map(|parameters| {
                parameters
                    .iter()
                    .map(|parameter| resolve(document, parameter).0.clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    // The operation's own parameters replace the path item's of the same name and place.
    let own = listed(entry.operation);
    let mut all: Vec<Value> = listed(entry.path_item)
        .into_iter()
        .filter(|shared| {
            !own.iter().any(|mine| {
                text(mine, "name") == text(shared, "name") && text(mine, "in") == text(shared, "in")
            })
        })
        .collect();
    all.extend(own);
    if all.is_empty() {
        return;
    }
    html.push_str(
        "<h4>Parameters</h4><table><thead><tr><th>name</th><th>in</th><th>type</th><th>required</th>\
         <th>limits</th><th>description</th></tr></thead><tbody>",
    );
    for parameter in &all {
        let schema = parameter.get("schema").cloned().unwrap_or(Value::Null);
        let mut said = limits(document, &schema);
        if let Some(example) = parameter.get("example") {
            said.push(format!("example {example}"));
        }
        let required = parameter.get("required").and_then(Value::as_bool) == Some(true);
        let _ = write!(
            html,
            "<tr><td><code>{name}</code></td><td>{place}</td><td>{kind}</td><td>{required}</td><td>{limits}</td>\
             <td>{about}</td></tr>",
            name = escape(text(parameter, "name")),
            place = escape(text(parameter, "in")),
            kind = type_label(&schema),
            required = if required { "yes" } else { "no" },
            limits = escape(&said.join("; ")),
            about = prose(description(document, parameter)),
        );
    }
    html.push_str("</tbody></table>");
}

fn fields_table(html: &mut String, rows: &[FieldRow]) {
    if rows.is_empty() {
        return;
    }
    html.push_str(
        "<table class=\"fields\"><thead><tr><th>field</th><th>type</th><th>required</th><th>limits</th>\
         <th>description</th></tr></thead><tbody>",
    );
    for row in rows {
        let depth = row.path.matches('.').count();
        let _ = write!(
            html,
            "<tr><td class=\"field d{depth}\"><code>{path}</code></td><td>{kind}</td><td>{required}</td>\
             <td>{limits}</td><td>{about}</td></tr>",
            depth = depth.min(6),
            kind = row.type_html,
            path = escape(&row.path),
            required = if row.required { "yes" } else { "no" },
            limits = escape(&row.limits.join("; ")),
            about = prose(&row.description),
        );
    }
    html.push_str("</tbody></table>");
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn request_body(html: &mut String, document: &Value, body: &Value) {
    let (body, _) = resolve(document, body);
    let required = body.get("required").and_then(Value::as_bool) == Some(true);
    let _ = write!(
        html,
        "<h4>Request body{}</h4>{}",
        if required { "" } else { " (optional)" },
        prose(text(body, "description"))
    );
    let Some(content) = body.get("content").and_then(Value::as_object) else {
        return;
    };
    // Content types with the same schema share one table.
    let mut shown: Vec<&Value> = Vec::new();
    for (media, media_type) in content {
        let schema = media_type.get("schema").unwrap_or(&Value::Null);
        let same: Vec<&str> = content
            .iter()
            .filter(|(_, other)| other.get("schema").unwrap_or(&Value::Null) == schema)
            .map(|(name, _)| name.as_str())
            .collect();
        if shown.contains(&schema) {
            continue;
        }
        shown.push(schema);
        let codes: Vec<String> = same
            .iter()
            .map(|name| format!("<code>{}</code>", escape(name)))
            .collect();
        let _ = write!(
            html,
            "<p class=\"media\">{}: {}</p>",
            codes.join(", "),
            type_label(schema)
        );
        fields_table(html, &field_rows(document, schema));
        if let Some(example) = of_media_type(document, media_type) {
            let formish = same.iter().all(|name| name.contains("form"));
            if formish {
                let _ = write!(
                    html,
                    "<p class=\"example-title\">Example request ({}, PHP-style keys, shown unencoded)</p><pre>{}</pre>",
                    escape(media),
                    escape(&form_fields(&example))
                );
            } else {
                let _ = write!(
                    html,
                    "<p class=\"example-title\">Example request</p><pre>{}</pre>",
                    escape(&pretty(&example))
                );
            }
        }
    }
}

fn response_html(html: &mut String, document: &Value, status: &str, response: &Value) {
    let (response, _) = resolve(document, response);
    let class = status.chars().next().unwrap_or('x');
    let _ = write!(
        html,
        "<div class=\"response\"><p class=\"status-line\"><span class=\"status s{class}\">{status}</span> {about}</p>",
        status = escape(status),
        about = inline(text(response, "description"))
    );
    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
        html.push_str(
            "<table><thead><tr><th>header</th><th>type</th><th>description</th></tr></thead><tbody>",
        );
        for (name, header) in headers {
            let (header, _) = resolve(document, header);
            let schema = header.get("schema").unwrap_or(&Value::Null);
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                escape(name),
                type_label(schema),
                prose(text(header, "description"))
            );
        }
        html.push_str("</tbody></table>");
    }
    for (media, media_type) in response
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let schema = media_type.get("schema").unwrap_or(&Value::Null);
        let _ = write!(
            html,
            "<p class=\"media\"><code>{}</code>: {}</p>",
            escape(media),
            type_label(schema)
        );
        // Success bodies show their fields; error bodies link to their (shared) schema.
        if status.starts_with('2') && has_fields(document, schema) {
            fields_table(html, &field_rows(document, schema));
        }
        if let Some(example) = of_media_type(document, media_type) {
            let shown = match &example {
                Value::String(text) if !media.contains("json") => text.clone(),
                other => pretty(other),
            };
            let _ = write!(
                html,
                "<p class=\"example-title\">Example answer</p><pre>{}</pre>",
                escape(&shown)
            );
        }
    }
    html.push_str("</div>");
}

fn schemas(html: &mut String, document: &Value) {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .filter(|schemas| !schemas.is_empty())
    else {
        return;
    };
    html.push_str("<section id=\"schemas\"><h2>Schemas</h2>");
    for (name, schema) in schemas {
        let _ = write!(
            html,
            "<article class=\"schema\" id=\"schema-{id}\"><h3>{name}</h3><p class=\"media\">{kind}</p>{about}",
            id = escape(&slug(name)),
            name = escape(name),
            kind = type_label(schema),
            about = prose(text(schema, "description"))
        );
        let said = limits(document, schema);
        if !said.is_empty() {
            let _ = write!(html, "<p>{}</p>", escape(&said.join("; ")));
        }
        fields_table(html, &field_rows(document, schema));
        let _ = write!(
            html,
            "<details><summary>Example</summary><pre>{}</pre></details></article>",
            escape(&pretty(&of_schema(document, schema)))
        );
    }
    html.push_str("</section>");
}

/// The page's styles (inline in the page).
const STYLE: &str = include_str!("docs_page.css");

/// Filters operations (and their sidebar links and tags) by every word typed (or given as `/docs?q=…`); `/`
/// focuses the box.
const SCRIPT: &str = include_str!("docs_page.js");

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_text_is_escaped_and_operations_are_grouped_by_tag() {
        let document = json!({
            "openapi": "3.1.0",
            "info": {"title": "t<script>", "version": "1"},
            "tags": [{"name": "b"}, {"name": "a"}],
            "paths": {
                "/x/{id}": {"get": {"tags": ["a"], "summary": "<img src=x onerror=alert(1)>",
                    "parameters": [{"name": "id\"", "in": "path", "required": true, "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"name": {"type": "string", "example": "</pre><b>"}}}}}}}}},
                "/y": {"post": {"tags": ["b"], "responses": {}}, "get": {"responses": {}}}
            }
        });
        let page = render(&document);
        assert!(!page.contains("<script>\"") && !page.contains("t<script>"));
        assert!(!page.contains("<img") && !page.contains("</pre><b>"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("<code>id&quot;</code>"));
        let b = page.find("id=\"tag-b\"").unwrap();
        let a = page.find("id=\"tag-a\"").unwrap();
        let other = page.find("id=\"tag-other\"").unwrap();
        assert!(b < a && a < other);
        assert!(page.contains("id=\"op-get-x-id\"") && page.contains("id=\"op-post-y\""));
    }

    #[test]
    fn slugs_keep_letters_and_digits() {
        assert_eq!(slug("get /api/v2/users/{id}"), "get-api-v2-users-id");
        assert_eq!(slug("PageBody_User"), "PageBody_User");
    }
}
