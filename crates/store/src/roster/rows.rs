//! Rows of the mirrored hierarchy: branches found, made and renamed; classes, sections and subjects of a branch
//! loaded, inserted and deleted.

use classbridge_domain::{BranchId, ClassId};
use sqlx::QueryBuilder;

use super::{
    delete_in, keys, load_branch_rows, Answer, BranchRow, ClassRow, CreatedRow, CreatedSection,
    HierarchyId, NamedRowId, RosterTable, SectionRow, SubjectRow, BATCH,
};
use crate::{now_millis, tx::on_tx, StoreResult, TenantTx};

/// The transaction's tenant's branch `partner_id`.
pub async fn find_branch(tx: &mut TenantTx, partner_id: i64) -> StoreResult<Option<BranchRow>> {
    let tenant = tx.tenant_id().get();
    let sql = "SELECT id, partner_id, name FROM branches WHERE tenant_id = $1 AND partner_id = $2";
    let found: Option<BranchRow> = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_as(sql).bind(tenant).bind(partner_id).fetch_optional(&mut *conn).await?
    });
    if let Some(row) = &found {
        tx.know_branch(row.id);
    }
    Ok(found)
}

/// Creates a branch of the transaction's tenant; returns its id.
pub async fn insert_branch(
    tx: &mut TenantTx,
    partner_id: i64,
    name: &str,
) -> StoreResult<BranchId> {
    let tenant = tx.tenant_id().get();
    let sql = "INSERT INTO branches (tenant_id, partner_id, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id";
    let id: BranchId = on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query_scalar(sql).bind(tenant).bind(partner_id).bind(name).bind(now_millis()).fetch_one(&mut *conn).await?
    });
    tx.know_branch(id);
    Ok(id)
}

/// Renames a row of the tenant's `branches`, `classes`, `sections` or `subjects` (the table name is ours, never
/// input).
pub async fn rename<Id: HierarchyId>(tx: &mut TenantTx, id: Id, name: &str) -> StoreResult<()> {
    let tenant = tx.tenant_id().get();
    let table = Id::TABLE;
    let id: i64 = id.into();
    let stamped = table == RosterTable::Branches;
    let sql = if stamped {
        format!(
            "UPDATE {} SET name = $2, updated_at = $4 WHERE id = $1 AND tenant_id = $3",
            table.name()
        )
    } else {
        format!(
            "UPDATE {} SET name = $2 WHERE id = $1 AND tenant_id = $3",
            table.name()
        )
    };
    on_tx!(tx.store_tx(), conn, Db => {
        let query = sqlx::query(&sql).bind(id).bind(name).bind(tenant);
        let query = if stamped { query.bind(now_millis()) } else { query };
        query.execute(&mut *conn).await?;
    });
    Ok(())
}

/// Deletes the tenant's rows by id, then their student memberships: on PostgreSQL `section_students` has no foreign
/// keys to cascade from (migration 0011). Rows are deleted first so that a writer adding a membership meanwhile
/// (which holds the section, see [`hold_for_memberships`](super::hold_for_memberships)) is waited for, and its
/// membership is seen by the delete that follows. Only the memberships of rows the tenant-scoped delete answered are deleted. Everything else that
/// hangs on the rows goes with them by cascade.
pub async fn delete_by_ids<Id: HierarchyId>(tx: &mut TenantTx, ids: &[Id]) -> StoreResult<()> {
    let tenant = tx.tenant_id().get();
    let table = Id::TABLE;
    let ids = keys(ids);
    for chunk in ids.chunks(BATCH) {
        // A class's sections are deleted here, not by cascade, so that their ids are known.
        let classes_sections = match table {
            RosterTable::Classes => {
                delete_in(
                    tx,
                    "sections",
                    "class_id",
                    Some(tenant),
                    chunk,
                    Answer::DeletedIds,
                )
                .await?
            }
            _ => Vec::new(),
        };
        let deleted = delete_in(
            tx,
            table.name(),
            "id",
            Some(tenant),
            chunk,
            Answer::DeletedIds,
        )
        .await?;
        let sections = match table {
            RosterTable::Classes => classes_sections,
            RosterTable::Sections => deleted,
            RosterTable::Branches => {
                delete_in(
                    tx,
                    "section_students",
                    "branch_id",
                    None,
                    &deleted,
                    Answer::Nothing,
                )
                .await?;
                Vec::new()
            }
            RosterTable::Subjects => Vec::new(),
        };
        delete_in(
            tx,
            "section_students",
            "section_id",
            None,
            &sections,
            Answer::Nothing,
        )
        .await?;
    }
    Ok(())
}

pub async fn load_classes(tx: &mut TenantTx, branch_id: BranchId) -> StoreResult<Vec<ClassRow>> {
    load_branch_rows(
        tx,
        "SELECT id, partner_id, name FROM classes WHERE branch_id = $1 AND tenant_id = $2",
        branch_id,
    )
    .await
}

pub async fn load_subjects(tx: &mut TenantTx, branch_id: BranchId) -> StoreResult<Vec<SubjectRow>> {
    load_branch_rows(
        tx,
        "SELECT id, partner_id, name FROM subjects WHERE branch_id = $1 AND tenant_id = $2",
        branch_id,
    )
    .await
}

pub async fn load_sections(tx: &mut TenantTx, branch_id: BranchId) -> StoreResult<Vec<SectionRow>> {
    load_branch_rows(
        tx,
        "SELECT id, class_id, name, name_key FROM sections WHERE branch_id = $1 AND tenant_id = $2",
        branch_id,
    )
    .await
}

/// Inserts classes or subjects `(partner_id, name)` (by the id type asked for) of one of the tenant's branches
/// (`NotFound` if it is not one); returns the id and partner's id of each.
pub async fn insert_named<Id: NamedRowId>(
    tx: &mut TenantTx,
    branch_id: BranchId,
    rows: &[(i64, &str)],
) -> StoreResult<Vec<CreatedRow<Id>>> {
    tx.check_branch(branch_id).await?;
    let table = Id::TABLE;
    let tenant_id = tx.tenant_id();
    let mut created = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(BATCH / 2) {
        let ids: Vec<(i64, i64)> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new(format!("INSERT INTO {} (tenant_id, branch_id, partner_id, name) ", table.name()));
            query.push_values(chunk, |mut row, (partner_id, name)| {
                row.push_bind(tenant_id.get()).push_bind(branch_id.get()).push_bind(*partner_id).push_bind(*name);
            });
            query.push(" RETURNING id, partner_id");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        created.extend(ids.into_iter().map(|(id, partner_id)| CreatedRow {
            id: Id::from_key(id),
            partner_id,
        }));
    }
    Ok(created)
}

/// Inserts sections `(class_id, name, name_key)` in one of the tenant's branches (`NotFound` if it is not one);
/// returns the id, class and name key of each. The classes are the branch's: read or made through this same
/// transaction (checking each would slow the mirror's largest writes).
pub async fn insert_sections(
    tx: &mut TenantTx,
    branch_id: BranchId,
    rows: &[(ClassId, &str, &str)],
) -> StoreResult<Vec<CreatedSection>> {
    tx.check_branch(branch_id).await?;
    let tenant_id = tx.tenant_id();
    let mut created = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(BATCH / 2) {
        let ids: Vec<CreatedSection> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO sections (tenant_id, branch_id, class_id, name, name_key) ");
            query.push_values(chunk, |mut row, (class_id, name, key)| {
                row.push_bind(tenant_id.get()).push_bind(branch_id.get()).push_bind(class_id.get()).push_bind(*name).push_bind(*key);
            });
            query.push(" RETURNING id, class_id, name_key");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        created.extend(ids);
    }
    Ok(created)
}
