//! What links the hierarchy and people: student memberships, the subjects of sections and teaching assignments,
//! loaded, inserted and deleted per branch, and the holds taken on users and sections before memberships are added.

use std::collections::HashSet;

use classbridge_domain::{BranchId, MembershipSource, SectionId, SubjectId, UserId};
use sqlx::QueryBuilder;

use super::{
    delete_pairs, load_branch_rows, postgres, MembershipRow, SectionSubjectRow, TeachingRow, BATCH,
};
use crate::{tx::on_tx, StoreResult, StoreTx, TenantTx};

/// Holds the tenant's users and sections that student memberships are about to be added for, as a foreign key would:
/// on PostgreSQL, `FOR KEY SHARE`, so that a delete of one of them waits for this transaction, and one deleted before
/// (or another tenant's) is not found. Answers the users and sections found. SQLite's single writer needs no hold:
/// all are answered, without a read; the callers' ids are the tenant's, read through this same transaction (the
/// mirror's stored people) or checked by it (the users API's user and its classrooms).
pub async fn hold_for_memberships(
    tx: &mut TenantTx,
    users: &[UserId],
    sections: &[SectionId],
) -> StoreResult<(HashSet<UserId>, HashSet<SectionId>)> {
    let tenant = tx.tenant_id().get();
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return postgres::hold_for_memberships(transaction, tenant, users, sections).await;
    }
    Ok((
        users.iter().copied().collect(),
        sections.iter().copied().collect(),
    ))
}

pub async fn load_section_subjects(
    tx: &mut TenantTx,
    branch_id: BranchId,
) -> StoreResult<Vec<SectionSubjectRow>> {
    let sql = "SELECT ss.section_id, ss.subject_id FROM section_subjects ss \
               JOIN sections s ON s.id = ss.section_id WHERE s.branch_id = $1 AND s.tenant_id = $2";
    load_branch_rows(tx, sql, branch_id).await
}

pub async fn load_student_memberships(
    tx: &mut TenantTx,
    branch_id: BranchId,
) -> StoreResult<Vec<MembershipRow>> {
    let sql = "SELECT m.section_id, m.user_id, u.uuid, m.source FROM section_students m \
               JOIN users u ON u.id = m.user_id WHERE m.branch_id = $1 AND u.tenant_id = $2";
    load_branch_rows(tx, sql, branch_id).await
}

pub async fn load_teaching(
    tx: &mut TenantTx,
    branch_id: BranchId,
) -> StoreResult<Vec<TeachingRow>> {
    let sql = "SELECT t.section_id, t.subject_id, t.user_id, u.uuid, t.source FROM teaching_assignments t \
               JOIN users u ON u.id = t.user_id WHERE t.branch_id = $1 AND u.tenant_id = $2";
    load_branch_rows(tx, sql, branch_id).await
}

/// Adds subjects `(section_id, subject_id)` to sections. The ids are the tenant's: the mirror read or made them
/// through this same transaction, from one of its branches (checking each would slow the mirror's largest writes).
pub async fn insert_section_subjects(
    tx: &mut TenantTx,
    pairs: &[(SectionId, SubjectId)],
) -> StoreResult<()> {
    for chunk in pairs.chunks(BATCH) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO section_subjects (section_id, subject_id) ");
            query.push_values(chunk, |mut row, (section, subject)| {
                row.push_bind(section.get()).push_bind(subject.get());
            });
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Takes subjects `(section_id, subject_id)` from sections. The pairs are the tenant's: the mirror read them through
/// this same transaction ([`load_section_subjects`]).
pub async fn delete_section_subjects(
    tx: &mut TenantTx,
    pairs: &[(SectionId, SubjectId)],
) -> StoreResult<()> {
    delete_pairs(
        tx,
        "section_subjects",
        "section_id",
        "subject_id",
        None,
        pairs,
    )
    .await
}

/// Adds student memberships `(section_id, user_id)` in one of the tenant's branches (`NotFound` if it is not one).
/// The sections and people are the tenant's: read or made through this same transaction (the mirror), or held by
/// [`hold_for_memberships`]; checking each would slow the mirror's largest write.
pub async fn insert_student_memberships(
    tx: &mut TenantTx,
    branch_id: BranchId,
    pairs: &[(SectionId, UserId)],
    source: MembershipSource,
) -> StoreResult<()> {
    tx.check_branch(branch_id).await?;
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return postgres::insert_student_memberships(transaction, branch_id, pairs, source).await;
    }
    for chunk in pairs.chunks(BATCH / 2) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO section_students (section_id, user_id, branch_id, source) ");
            query.push_values(chunk, |mut row, (section, user)| {
                row.push_bind(section.get()).push_bind(user.get()).push_bind(branch_id.get()).push_bind(source.as_str());
            });
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Removes student memberships `(section_id, user_id)` of one of the tenant's branches (`NotFound` if it is not
/// one); memberships of other branches are left.
pub async fn delete_student_memberships(
    tx: &mut TenantTx,
    branch_id: BranchId,
    pairs: &[(SectionId, UserId)],
) -> StoreResult<()> {
    tx.check_branch(branch_id).await?;
    let branch = Some(branch_id.get());
    delete_pairs(
        tx,
        "section_students",
        "section_id",
        "user_id",
        branch,
        pairs,
    )
    .await
}

/// Adds teaching assignments `(section_id, subject_id, user_id)` in one of the tenant's branches (`NotFound` if it is
/// not one). The sections, subjects and people are the tenant's: read or made through this same transaction by the
/// mirror (checking each would slow its largest writes).
pub async fn insert_teaching(
    tx: &mut TenantTx,
    branch_id: BranchId,
    rows: &[(SectionId, SubjectId, UserId)],
    source: MembershipSource,
) -> StoreResult<()> {
    tx.check_branch(branch_id).await?;
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return postgres::insert_teaching(transaction, branch_id, rows, source).await;
    }
    for chunk in rows.chunks(BATCH / 2) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO teaching_assignments (section_id, subject_id, user_id, branch_id, source) ");
            query.push_values(chunk, |mut row, (section, subject, user)| {
                row.push_bind(section.get()).push_bind(subject.get()).push_bind(user.get()).push_bind(branch_id.get()).push_bind(source.as_str());
            });
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Removes teaching assignments `(section_id, subject_id, user_id)` of one of the tenant's branches (`NotFound` if it
/// is not one); assignments of other branches are left.
pub async fn delete_teaching(
    tx: &mut TenantTx,
    branch_id: BranchId,
    rows: &[(SectionId, SubjectId, UserId)],
) -> StoreResult<()> {
    tx.check_branch(branch_id).await?;
    for chunk in rows.chunks(BATCH / 3) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("DELETE FROM teaching_assignments WHERE branch_id = ");
            query.push_bind(branch_id.get()).push(" AND (section_id, subject_id, user_id) IN (");
            query.push_values(chunk, |mut row, (section, subject, user)| {
                row.push_bind(section.get()).push_bind(subject.get()).push_bind(user.get());
            });
            query.push(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}
