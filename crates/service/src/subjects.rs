//! The subjects API's use cases (partner API §3): the mirrored subjects with their sections, classes and teachers,
//! and the supervisors of subjects, upserted by uuid with exactly the subjects given (all or nothing).

use std::collections::HashMap;

use classbridge_domain::{Scope, SubjectId, TenantId, UserId, ValidationErrors};

use crate::{Page, PageRequest, Service, StoreError};

/// A subject, one of its sections, one of its teachers, and a supervisor.
pub use classbridge_store::subjects::{SubjectRow, SubjectSection, SubjectTeacher, SupervisorRow};

/// Subjects with what is needed to show each: the sections and teachers of all of them.
pub struct SubjectsWithDetails<T> {
    pub subjects: T,
    pub sections: Vec<SubjectSection>,
    pub teachers: Vec<SubjectTeacher>,
}

/// Supervisors with the subjects each supervises (in the scope's branch when scoped), by user id.
pub struct SupervisorsWithSubjects<T> {
    pub supervisors: T,
    pub subjects: HashMap<UserId, Vec<SubjectRow>>,
}

/// A page of the subjects `scope` sees, with their sections and teachers.
pub async fn list_subjects(
    service: &Service,
    scope: Scope,
    page: PageRequest,
) -> Result<SubjectsWithDetails<Page<SubjectRow>>, StoreError> {
    let store = service.store();
    let subjects = store.list_subjects(scope, page).await?;
    let ids: Vec<SubjectId> = subjects.items.iter().map(|s| s.id).collect();
    let (sections, teachers) = store.subject_details(scope.tenant_id(), &ids).await?;
    Ok(SubjectsWithDetails {
        subjects,
        sections,
        teachers,
    })
}

/// The subject with this id in `scope`, with its sections and teachers.
pub async fn find_subject(
    service: &Service,
    scope: Scope,
    id: SubjectId,
) -> Result<Option<SubjectsWithDetails<SubjectRow>>, StoreError> {
    let store = service.store();
    let Some(subject) = store.find_subject(scope, id).await? else {
        return Ok(None);
    };
    let (sections, teachers) = store
        .subject_details(scope.tenant_id(), &[subject.id])
        .await?;
    Ok(Some(SubjectsWithDetails {
        subjects: subject,
        sections,
        teachers,
    }))
}

/// A page of the supervisors `scope` sees, with their subjects.
pub async fn list_supervisors(
    service: &Service,
    scope: Scope,
    page: PageRequest,
) -> Result<SupervisorsWithSubjects<Page<SupervisorRow>>, StoreError> {
    let store = service.store();
    let supervisors = store.list_supervisors(scope, page).await?;
    let ids: Vec<UserId> = supervisors.items.iter().map(|s| s.id).collect();
    let subjects = store
        .supervised_subjects(scope.tenant_id(), scope.branch_partner_id(), &ids)
        .await?;
    Ok(SupervisorsWithSubjects {
        supervisors,
        subjects,
    })
}

/// The supervisor with this uuid in `scope`, with their subjects.
pub async fn find_supervisor(
    service: &Service,
    scope: Scope,
    uuid: &str,
) -> Result<Option<SupervisorsWithSubjects<SupervisorRow>>, StoreError> {
    let store = service.store();
    let Some(row) = store.find_supervisor(scope, uuid).await? else {
        return Ok(None);
    };
    let subjects = store
        .supervised_subjects(scope.tenant_id(), scope.branch_partner_id(), &[row.id])
        .await?;
    Ok(Some(SupervisorsWithSubjects {
        supervisors: row,
        subjects,
    }))
}

/// A supervisor as the request gives them: the subjects by the partner's ids, each with its position in the list.
pub struct WantedSupervisor {
    pub uuid: String,
    pub name: String,
    pub subject_ids: Vec<(usize, i64)>,
}

/// A supervisor written, with their subjects and whether they were created.
pub struct WrittenSupervisor {
    pub row: SupervisorRow,
    pub subjects: Vec<SubjectRow>,
    pub created: bool,
}

/// Why supervisors were not written.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    /// Invalid fields (those the request already found, and subject ids no mirrored subject has).
    #[error("the given data was invalid")]
    Invalid(ValidationErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Creates or updates the tenant's supervisors by uuid, each with exactly the subjects given (a partner id names
/// that subject in every branch). `errors` are those the request's fields already have: with any, nothing is
/// written and the unknown subject ids are added to them.
pub async fn upsert_supervisors(
    service: &Service,
    tenant_id: TenantId,
    wanted: &[WantedSupervisor],
    mut errors: ValidationErrors,
) -> Result<Vec<WrittenSupervisor>, SupervisorError> {
    let store = service.store();
    let partner_ids: Vec<i64> = {
        let mut ids: Vec<i64> = wanted
            .iter()
            .flat_map(|w| w.subject_ids.iter().map(|(_, id)| *id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let known = store
        .subjects_by_partner_ids(Scope::tenant_wide(tenant_id), &partner_ids)
        .await?;
    let mut by_partner: HashMap<i64, Vec<SubjectId>> = HashMap::new();
    for (partner_id, id) in known {
        by_partner.entry(partner_id).or_default().push(id);
    }
    let mut upserts = Vec::with_capacity(wanted.len());
    for (index, want) in wanted.iter().enumerate() {
        let mut ids = Vec::new();
        for (position, partner_id) in &want.subject_ids {
            match by_partner.get(partner_id) {
                Some(found) => ids.extend(found),
                None => {
                    let path = format!("supervisors.{index}.subject_ids.{position}");
                    errors.add(
                        &path,
                        format!("The selected {path} is invalid: no mirrored subject has this id."),
                    );
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        upserts.push(classbridge_store::subjects::SupervisorUpsert {
            uuid: want.uuid.clone(),
            name: want.name.clone(),
            subject_ids: ids,
        });
    }
    errors.into_result().map_err(SupervisorError::Invalid)?;
    let written = store.upsert_supervisors(tenant_id, &upserts).await?;
    let ids: Vec<UserId> = written.iter().map(|(id, _)| *id).collect();
    let mut subjects = store.supervised_subjects(tenant_id, None, &ids).await?;
    let mut out = Vec::with_capacity(written.len());
    for ((id, created), upsert) in written.iter().zip(&upserts) {
        let Some(row) = store
            .find_supervisor(Scope::tenant_wide(tenant_id), &upsert.uuid)
            .await?
        else {
            continue;
        };
        out.push(WrittenSupervisor {
            row,
            subjects: subjects.remove(id).unwrap_or_default(),
            created: *created,
        });
    }
    Ok(out)
}
