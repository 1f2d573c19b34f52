//! `GET /api/v2/branches`: the mirrored tree (branches → classes → sections) with student and teacher counts.

use std::collections::BTreeMap;

use axum::{extract::State, Json};
use classbridge_store::roster;
use serde_json::{json, Value};

use crate::{
    error::ApiResult,
    extract::{Paging, Partner},
    state::AppState,
};

/// The tenant's branches, paged, each with its classes and sections and their counts. A branch-scoped credential
/// sees only its branch.
#[utoipa::path(get, path = "/api/v2/branches", tag = "mirror", security(("token" = [])),
    params(("page" = Option<u32>, Query), ("per_page" = Option<u32>, Query)),
    responses((status = 200, description = "`{data, meta, links}` of branches with classes, sections and counts")))]
pub async fn list_branches(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<Value>> {
    let tenant = partner.tenant_id();
    let page = roster::list_branches(
        &state.store,
        tenant,
        partner.credential.scope.branch_id(),
        true,
        paging.request,
    )
    .await?;
    let ids: Vec<i64> = page.items.iter().map(|b| b.id).collect();
    let rows = roster::section_summaries(&state.store, tenant, &ids).await?;
    // branch id → class id → (class json, sections)
    let mut classes: BTreeMap<i64, Vec<(i64, Value, Vec<Value>)>> = BTreeMap::new();
    for row in rows {
        let branch_classes = classes.entry(row.branch_id).or_default();
        if branch_classes
            .last()
            .is_none_or(|(id, _, _)| *id != row.class_id)
        {
            branch_classes.push((
                row.class_id,
                json!({"id": row.class_partner_id, "name": row.class_name}),
                Vec::new(),
            ));
        }
        if let (Some(section_id), Some(name), Some(last)) =
            (row.section_id, row.section_name, branch_classes.last_mut())
        {
            last.2.push(json!({"id": section_id, "name": name, "students": row.students, "teachers": row.teachers}));
        }
    }
    let data = page
        .items
        .iter()
        .map(|branch| {
            let branch_classes = classes.remove(&branch.id).unwrap_or_default();
            let (mut students, mut sections) = (0, 0);
            let classes_json: Vec<Value> = branch_classes
                .into_iter()
                .map(|(_, mut class, class_sections)| {
                    sections += class_sections.len();
                    students += class_sections.iter().map(|s| s["students"].as_i64().unwrap_or(0)).sum::<i64>();
                    class["sections"] = Value::Array(class_sections);
                    class
                })
                .collect();
            json!({
                "id": branch.partner_id,
                "name": branch.name,
                "counts": {"classes": classes_json.len(), "sections": sections, "student_memberships": students},
                "classes": classes_json,
            })
        })
        .collect();
    Ok(Json(paging.render(&page, data)))
}
