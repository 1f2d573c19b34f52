//! `GET /api/v2/branches`: the mirrored tree (branches → classes → sections) with student and teacher counts.

use std::collections::BTreeMap;

use axum::{extract::State, Json};
use classbridge_domain::{BranchId, ClassId};
use classbridge_service::roster;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    error::ApiResult,
    extract::{PageBody, Paging, Partner},
    openapi::ValidationErrorBody,
    state::AppState,
};

/// A mirrored branch with its classes and sections.
#[derive(Serialize, ToSchema)]
pub struct BranchJson {
    /// The partner's id of the branch.
    pub id: i64,
    pub name: String,
    pub counts: BranchCounts,
    pub classes: Vec<BranchClassJson>,
}

/// What a branch holds.
#[derive(Serialize, ToSchema)]
pub struct BranchCounts {
    pub classes: usize,
    pub sections: usize,
    /// Students summed over the branch's sections (a student in two sections counts twice).
    pub student_memberships: i64,
}

/// A class of a branch.
#[derive(Serialize, ToSchema)]
pub struct BranchClassJson {
    /// The partner's id of the class.
    pub id: i64,
    pub name: String,
    pub sections: Vec<BranchSectionJson>,
}

/// A section (classroom) of a class.
#[derive(Serialize, ToSchema)]
pub struct BranchSectionJson {
    /// classbridge's id of the classroom (what `student_of` takes).
    pub id: i64,
    pub name: String,
    pub students: i64,
    pub teachers: i64,
}

/// The tenant's branches, paged, each with its classes and sections and their counts. A branch-scoped credential
/// sees only its branch.
#[utoipa::path(get, path = "/api/v2/branches", tag = "mirror", operation_id = "list_branches", security(("token" = [])),
    params(Paging),
    responses((status = 200, description = "A page of branches with their classes, sections and counts", body = PageBody<Vec<BranchJson>>),
              (status = 422, description = "Bad `page` or `per_page`", body = ValidationErrorBody)))]
pub async fn list_branches(
    State(state): State<AppState>,
    partner: Partner,
    paging: Paging,
) -> ApiResult<Json<PageBody<Vec<BranchJson>>>> {
    let tenant = partner.tenant_id();
    let (page, rows) = roster::branches_with_sections(
        &state.service,
        tenant,
        partner.credential.scope.branch_id(),
        true,
        paging.request,
    )
    .await?;
    // branch id → (class id, class) in order
    let mut classes: BTreeMap<BranchId, Vec<(ClassId, BranchClassJson)>> = BTreeMap::new();
    for row in rows {
        let branch_classes = classes.entry(row.branch_id).or_default();
        if branch_classes
            .last()
            .is_none_or(|(id, _)| *id != row.class_id)
        {
            branch_classes.push((
                row.class_id,
                BranchClassJson {
                    id: row.class_partner_id,
                    name: row.class_name,
                    sections: Vec::new(),
                },
            ));
        }
        if let (Some(section_id), Some(name), Some((_, class))) =
            (row.section_id, row.section_name, branch_classes.last_mut())
        {
            class.sections.push(BranchSectionJson {
                id: section_id.get(),
                name,
                students: row.students,
                teachers: row.teachers,
            });
        }
    }
    let data = page
        .items
        .iter()
        .map(|branch| {
            let branch_classes: Vec<BranchClassJson> = classes
                .remove(&branch.id)
                .unwrap_or_default()
                .into_iter()
                .map(|(_, class)| class)
                .collect();
            let sections = branch_classes
                .iter()
                .map(|class| class.sections.len())
                .sum();
            let student_memberships = branch_classes
                .iter()
                .flat_map(|class| &class.sections)
                .map(|section| section.students)
                .sum();
            BranchJson {
                id: branch.partner_id,
                name: branch.name.clone(),
                counts: BranchCounts {
                    classes: branch_classes.len(),
                    sections,
                    student_memberships,
                },
                classes: branch_classes,
            }
        })
        .collect();
    Ok(Json(paging.body(&page, data)))
}
