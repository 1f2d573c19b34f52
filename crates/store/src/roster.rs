//! The mirrored hierarchy and its memberships, read and written in bulk inside one transaction per branch. The mirror
//! use case (service crate) computes what changed; these write only that.

use std::collections::HashSet;

use classbridge_domain::{
    BranchId, ClassId, MembershipSource, SectionId, SubjectId, TenantId, UserId,
};
use sqlx::QueryBuilder;

use crate::{now_millis, tx::on_tx, RosterWrite, StoreResult, StoreTx, TenantTx};

/// Rows per multi-row statement: well under both databases' limits on bound parameters.
const BATCH: usize = 800;

/// A row of the mirrored hierarchy with the partner's id and a name: a branch, a class or a subject.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NamedRow<Id> {
    pub id: Id,
    pub partner_id: i64,
    pub name: String,
}

pub type BranchRow = NamedRow<BranchId>;
pub type ClassRow = NamedRow<ClassId>;
pub type SubjectRow = NamedRow<SubjectId>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SectionRow {
    pub id: SectionId,
    pub class_id: ClassId,
    pub name: String,
    pub name_key: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    pub id: UserId,
    pub uuid: Option<String>,
    pub name: String,
    pub active: bool,
}

/// A student membership, with the member's uuid (null for people without one).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MembershipRow {
    pub section_id: SectionId,
    pub user_id: UserId,
    pub uuid: Option<String>,
    pub source: MembershipSource,
}

/// A subject taught in a section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, sqlx::FromRow)]
pub struct SectionSubjectRow {
    pub section_id: SectionId,
    pub subject_id: SubjectId,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TeachingRow {
    pub section_id: SectionId,
    pub subject_id: SubjectId,
    pub user_id: UserId,
    pub uuid: Option<String>,
    pub source: MembershipSource,
}

/// A class or subject just inserted: its id, and the partner's id it was made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreatedRow<Id> {
    pub id: Id,
    pub partner_id: i64,
}

/// A section just inserted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CreatedSection {
    pub id: SectionId,
    pub class_id: ClassId,
    pub name_key: String,
}

/// A person just inserted.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CreatedPerson {
    pub id: UserId,
    pub uuid: String,
}

/// The id of a row of the mirrored hierarchy (branch, class, section or subject): which table it is a key of.
pub trait HierarchyId: Copy + Into<i64> {
    #[doc(hidden)]
    const TABLE: RosterTable;
}

impl HierarchyId for BranchId {
    const TABLE: RosterTable = RosterTable::Branches;
}

impl HierarchyId for ClassId {
    const TABLE: RosterTable = RosterTable::Classes;
}

impl HierarchyId for SectionId {
    const TABLE: RosterTable = RosterTable::Sections;
}

impl HierarchyId for SubjectId {
    const TABLE: RosterTable = RosterTable::Subjects;
}

/// The id of a class or a subject: rows of a branch made from a partner's id and a name ([`insert_named`]).
pub trait NamedRowId: HierarchyId {
    #[doc(hidden)]
    fn from_key(key: i64) -> Self;
}

impl NamedRowId for ClassId {
    fn from_key(key: i64) -> Self {
        Self::new(key)
    }
}

impl NamedRowId for SubjectId {
    fn from_key(key: i64) -> Self {
        Self::new(key)
    }
}

/// The keys of typed ids, as bound in an `IN (…)` list or an array.
fn keys<Id: Copy + Into<i64>>(ids: &[Id]) -> Vec<i64> {
    ids.iter().map(|id| (*id).into()).collect()
}

/// Loads rows of one of the transaction's tenant's branches: `$sql` takes the branch id as `$1` and the tenant's id
/// as `$2`.
async fn load_branch_rows<T>(
    tx: &mut TenantTx,
    sql: &str,
    branch_id: BranchId,
) -> StoreResult<Vec<T>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
        + Send
        + Unpin,
{
    let tenant = tx.tenant_id().get();
    let tx = tx.store_tx();
    Ok(
        on_tx!(tx, conn, Db => sqlx::query_as(sql).bind(branch_id).bind(tenant).fetch_all(&mut *conn).await?),
    )
}

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

/// The tables of the mirrored hierarchy ([`HierarchyId::TABLE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterTable {
    Branches,
    Classes,
    Sections,
    Subjects,
}

impl RosterTable {
    fn name(self) -> &'static str {
        match self {
            Self::Branches => "branches",
            Self::Classes => "classes",
            Self::Sections => "sections",
            Self::Subjects => "subjects",
        }
    }
}

/// Renames one person by hand (`PUT /api/v2/mirror-data/users/{uuid}`); the write's commit bumps the roster version,
/// so that a re-mirror of an unchanged payload puts the name back.
pub async fn rename_person(write: &mut RosterWrite, id: UserId, name: &str) -> StoreResult<()> {
    rename_people(write, &[(id, name)]).await
}

/// Renames the tenant's people `(id, name)` in batches: one statement per few hundred people, not one per person.
pub async fn rename_people(tx: &mut TenantTx, renames: &[(UserId, &str)]) -> StoreResult<()> {
    let now = now_millis();
    let tenant = tx.tenant_id().get();
    for chunk in renames.chunks(BATCH / 3) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("UPDATE users SET name = CASE id");
            for (id, name) in chunk {
                query.push(" WHEN ").push_bind(id.get()).push(" THEN ").push_bind(*name);
            }
            query.push(" ELSE name END, updated_at = ").push_bind(now).push(" WHERE tenant_id = ").push_bind(tenant).push(" AND id IN (");
            let mut separated = query.separated(", ");
            for (id, _) in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Whether any of these people studies or teaches in a branch other than the tenant's branch `partner_id`: a
/// change to them then reaches beyond that branch.
pub async fn people_in_other_branches(
    tx: &mut TenantTx,
    partner_id: i64,
    ids: &[UserId],
) -> StoreResult<bool> {
    let tenant_id = tx.tenant_id();
    for chunk in ids.chunks(BATCH) {
        let found: Option<i64> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT user_id FROM (SELECT user_id, branch_id FROM section_students UNION ALL \
                SELECT user_id, branch_id FROM teaching_assignments) AS belonging WHERE branch_id <> \
                (SELECT id FROM branches WHERE tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND partner_id = ").push_bind(partner_id).push(") AND user_id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(") LIMIT 1");
            query.build_query_scalar().fetch_optional(&mut *conn).await?
        });
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Deletes the tenant's rows by id, then their student memberships: on PostgreSQL `section_students` has no foreign
/// keys to cascade from (migration 0011). Rows are deleted first so that a writer adding a membership meanwhile
/// (which holds the section, see [`hold_for_memberships`]) is waited for, and its membership is seen by the delete
/// that follows. Only the memberships of rows the tenant-scoped delete answered are deleted. Everything else that
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

/// Which ids a [`delete_in`] answers.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// The ids of the rows deleted (of a table with an `id` column).
    DeletedIds,
    Nothing,
}

/// Runs `DELETE FROM {table} WHERE [tenant_id = {tenant} AND] {column} IN (ids…)`; `tenant` is given for a table with
/// a `tenant_id` column, and left out for memberships of rows a tenant-scoped delete answered.
async fn delete_in(
    tx: &mut TenantTx,
    table: &str,
    column: &str,
    tenant: Option<i64>,
    ids: &[i64],
    answer: Answer,
) -> StoreResult<Vec<i64>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_tx!(tx.store_tx(), conn, Db => {
        let mut query = QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE "));
        if let Some(tenant) = tenant {
            query.push("tenant_id = ").push_bind(tenant).push(" AND ");
        }
        query.push(column).push(" IN (");
        let mut separated = query.separated(", ");
        for id in ids {
            separated.push_bind(*id);
        }
        separated.push_unseparated(")");
        match answer {
            Answer::DeletedIds => {
                query.push(" RETURNING id");
                query.build_query_scalar().fetch_all(&mut *conn).await?
            }
            Answer::Nothing => {
                query.build().execute(&mut *conn).await?;
                Vec::new()
            }
        }
    }))
}

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
    match tx.store_tx() {
        StoreTx::Sqlite(_) => Ok((
            users.iter().copied().collect(),
            sections.iter().copied().collect(),
        )),
        StoreTx::Postgres(transaction) => {
            let mut held = (HashSet::new(), HashSet::new());
            for (table, ids, found) in [
                ("users", keys(users), &mut held.0),
                ("sections", keys(sections), &mut held.1),
            ] {
                if ids.is_empty() {
                    continue;
                }
                let sql = format!(
                    "SELECT id FROM {table} WHERE id = ANY($1) AND tenant_id = $2 FOR KEY SHARE"
                );
                let rows: Vec<i64> = sqlx::query_scalar(&sql)
                    .bind(ids)
                    .bind(tenant)
                    .fetch_all(&mut **transaction)
                    .await?;
                found.extend(rows);
            }
            Ok((
                held.0.into_iter().map(UserId::new).collect(),
                held.1.into_iter().map(SectionId::new).collect(),
            ))
        }
    }
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

/// The tenant's people with these uuids.
pub async fn find_people_by_uuid(tx: &mut TenantTx, uuids: &[&str]) -> StoreResult<Vec<PersonRow>> {
    let tenant_id = tx.tenant_id();
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return crate::roster_unnest::find_people_by_uuid(transaction, tenant_id.get(), uuids)
            .await;
    }
    let mut found = Vec::with_capacity(uuids.len());
    for chunk in uuids.chunks(BATCH) {
        let rows: Vec<PersonRow> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT id, uuid, name, active FROM users WHERE tenant_id = ");
            query.push_bind(tenant_id.get()).push(" AND uuid IN (");
            let mut separated = query.separated(", ");
            for uuid in chunk {
                separated.push_bind(*uuid);
            }
            separated.push_unseparated(")");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        found.extend(rows);
    }
    Ok(found)
}

/// Creates people by uuid and name; returns the id and uuid of each.
pub async fn insert_people(
    tx: &mut TenantTx,
    people: &[(&str, &str)],
) -> StoreResult<Vec<CreatedPerson>> {
    let now = now_millis();
    let tenant_id = tx.tenant_id();
    if let StoreTx::Postgres(transaction) = tx.store_tx() {
        return crate::roster_unnest::insert_people(transaction, tenant_id.get(), people, now)
            .await;
    }
    let mut created = Vec::with_capacity(people.len());
    for chunk in people.chunks(BATCH / 2) {
        let rows: Vec<CreatedPerson> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("INSERT INTO users (tenant_id, uuid, name, active, created_at, updated_at) ");
            query.push_values(chunk, |mut row, (uuid, name)| {
                row.push_bind(tenant_id.get()).push_bind(*uuid).push_bind(*name).push("TRUE").push_bind(now).push_bind(now);
            });
            query.push(" RETURNING id, uuid");
            query.build_query_as().fetch_all(&mut *conn).await?
        });
        created.extend(rows);
    }
    Ok(created)
}

/// Activates or deactivates the tenant's people by id.
pub async fn set_people_active(tx: &mut TenantTx, ids: &[UserId], active: bool) -> StoreResult<()> {
    let now = now_millis();
    let tenant = tx.tenant_id().get();
    for chunk in ids.chunks(BATCH) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("UPDATE users SET active = ");
            query.push_bind(active).push(", updated_at = ").push_bind(now);
            query.push(" WHERE tenant_id = ").push_bind(tenant).push(" AND id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// Of these people of the tenant, those left with no membership and no teaching assignment anywhere.
pub async fn people_without_memberships(
    tx: &mut TenantTx,
    ids: &[UserId],
) -> StoreResult<Vec<UserId>> {
    let mut lonely = Vec::new();
    let tenant = tx.tenant_id().get();
    for chunk in ids.chunks(BATCH) {
        let rows: Vec<UserId> = on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new("SELECT u.id FROM users u WHERE u.tenant_id = ");
            query.push_bind(tenant).push(" AND u.id IN (");
            let mut separated = query.separated(", ");
            for id in chunk {
                separated.push_bind(id.get());
            }
            separated.push_unseparated(")");
            query.push(" AND NOT EXISTS (SELECT 1 FROM section_students m WHERE m.user_id = u.id) \
                        AND NOT EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.user_id = u.id) \
                        AND NOT EXISTS (SELECT 1 FROM section_teachers x WHERE x.user_id = u.id)");
            query.build_query_scalar().fetch_all(&mut *conn).await?
        });
        lonely.extend(rows);
    }
    Ok(lonely)
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
        return crate::roster_unnest::insert_student_memberships(
            transaction,
            branch_id,
            pairs,
            source,
        )
        .await;
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
        return crate::roster_unnest::insert_teaching(transaction, branch_id, rows, source).await;
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

/// Runs `DELETE FROM {table} WHERE [branch_id = {branch} AND] ({first}, {second}) IN (pairs…)`.
async fn delete_pairs<A: Copy + Into<i64>, B: Copy + Into<i64>>(
    tx: &mut TenantTx,
    table: &str,
    first: &str,
    second: &str,
    branch: Option<i64>,
    pairs: &[(A, B)],
) -> StoreResult<()> {
    for chunk in pairs.chunks(BATCH / 2) {
        on_tx!(tx.store_tx(), conn, Db => {
            let mut query = QueryBuilder::<Db>::new(format!("DELETE FROM {table} WHERE "));
            if let Some(branch) = branch {
                query.push("branch_id = ").push_bind(branch).push(" AND ");
            }
            query.push(format!("({first}, {second}) IN ("));
            query.push_values(chunk, |mut row, (a, b)| {
                row.push_bind(Into::<i64>::into(*a)).push_bind(Into::<i64>::into(*b));
            });
            query.push(")");
            query.build().execute(&mut *conn).await?;
        });
    }
    Ok(())
}

/// A mirrored or transferred person in the scope by the partner's uuid.
pub async fn find_person_by_uuid(
    store: &crate::Store,
    scope: classbridge_domain::Scope,
    uuid: &str,
) -> StoreResult<Option<PersonRow>> {
    let sql = format!(
        "SELECT id, uuid, name, active FROM users WHERE tenant_id = $1 AND uuid = $2{}",
        crate::branch_scope::people_condition(scope, "id")
    );
    let tenant_id = scope.tenant_id();
    Ok(
        on_reader!(store, pool => sqlx::query_as(&sql).bind(tenant_id.get()).bind(uuid).fetch_optional(pool).await?),
    )
}

/// Deletes a person in the scope as the users API deletes a user, and bumps the roster version.
pub async fn delete_person(
    store: &crate::Store,
    scope: classbridge_domain::Scope,
    id: UserId,
) -> StoreResult<bool> {
    let mut write = RosterWrite::begin(store, scope.tenant_id()).await?;
    let deleted = crate::users::delete_user(&mut write, scope, id.get()).await?;
    write.commit().await?;
    Ok(deleted)
}

/// One branch of the tree `GET /api/v2/branches` shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BranchSummary {
    pub id: i64,
    pub partner_id: i64,
    pub name: String,
}

/// A section with its class and counts, for the tree.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SectionSummary {
    pub branch_id: i64,
    pub class_id: i64,
    pub class_partner_id: i64,
    pub class_name: String,
    pub section_id: Option<i64>,
    pub section_name: Option<String>,
    pub students: i64,
    pub teachers: i64,
}

/// The tenant's branches (all, or the one a scoped credential may see), paged by branch; partners never see the
/// default branch (classbridge's, for simple mirrors and hand-made classrooms), the school's dashboard does.
pub async fn list_branches(
    store: &crate::Store,
    tenant_id: TenantId,
    only_partner_id: Option<i64>,
    partners_only: bool,
    page: crate::PageRequest,
) -> StoreResult<crate::Page<BranchSummary>> {
    let hidden = partners_only.then_some(crate::classrooms::DEFAULT_BRANCH_PARTNER_ID);
    let sql = "SELECT id, partner_id, name FROM branches WHERE tenant_id = $1 AND ($2 IS NULL OR partner_id = $2) \
               AND ($5 IS NULL OR partner_id <> $5) ORDER BY partner_id LIMIT $3 OFFSET $4";
    let count =
        "SELECT COUNT(*) FROM branches WHERE tenant_id = $1 AND ($2 IS NULL OR partner_id = $2) \
                 AND ($3 IS NULL OR partner_id <> $3)";
    let (items, total) = on_reader!(store, pool => {
        let items: Vec<BranchSummary> = sqlx::query_as(sql)
            .bind(tenant_id.get()).bind(only_partner_id).bind(page.limit()).bind(page.offset()).bind(hidden)
            .fetch_all(pool).await?;
        let total: i64 = sqlx::query_scalar(count).bind(tenant_id.get()).bind(only_partner_id).bind(hidden)
            .fetch_one(pool).await?;
        (items, total)
    });
    Ok(crate::Page {
        items,
        total,
        request: page,
    })
}

/// Classes and sections of these branches, with how many students and distinct teachers each section has.
pub async fn section_summaries(
    store: &crate::Store,
    tenant_id: TenantId,
    branch_ids: &[i64],
) -> StoreResult<Vec<SectionSummary>> {
    if branch_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = branch_ids
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    // The ids are integers read from our own rows, so they can stand in the text.
    let sql = format!(
        "SELECT c.branch_id, c.id AS class_id, c.partner_id AS class_partner_id, c.name AS class_name, \
         s.id AS section_id, s.name AS section_name, \
         (SELECT COUNT(*) FROM section_students m WHERE m.section_id = s.id) AS students, \
         (SELECT COUNT(DISTINCT t.user_id) FROM teaching_assignments t WHERE t.section_id = s.id) AS teachers \
         FROM classes c LEFT JOIN sections s ON s.class_id = c.id \
         WHERE c.tenant_id = $1 AND c.branch_id IN ({list}) ORDER BY c.branch_id, c.partner_id, s.name_key"
    );
    Ok(on_reader!(store, pool => sqlx::query_as(&sql).bind(tenant_id.get()).fetch_all(pool).await?))
}

/// Refreshes the planner's statistics of the roster tables (PostgreSQL). A mirror that fills empty tables would
/// otherwise be planned as if they were still empty, and look people up by scanning.
pub async fn refresh_statistics(store: &crate::Store) -> StoreResult<()> {
    if let crate::Backend::Postgres(pool) = store.backend() {
        sqlx::query("ANALYZE users, branches, classes, sections, subjects, section_subjects, section_students, teaching_assignments")
            .execute(pool)
            .await?;
    }
    Ok(())
}

/// What a branch remembers of the payload last applied to it, and the tenant's roster version now.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BranchFingerprint {
    /// `structure.full`: the hashes of the payload last applied (none before the first branches mirror).
    pub applied_sha256: Option<String>,
    /// The tenant's roster version as of that apply.
    pub applied_version: Option<i64>,
    /// The tenant's roster version now.
    pub roster_version: i64,
    /// The name hashes of the payload last applied, prefixed with its full hash.
    pub applied_names: Option<Vec<u8>>,
}

/// The fingerprint of the tenant's branch `partner_id`, if the branch exists.
pub async fn branch_fingerprint(
    tx: &mut TenantTx,
    partner_id: i64,
) -> StoreResult<Option<BranchFingerprint>> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT b.applied_sha256, b.applied_version, t.roster_version, b.applied_names FROM branches b \
               JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = $1 AND b.partner_id = $2";
    Ok(
        on_tx!(tx.store_tx(), conn, Db => sqlx::query_as(sql).bind(tenant_id.get()).bind(partner_id).fetch_optional(&mut *conn).await?),
    )
}

/// The tenant's roster version now.
pub async fn roster_version(tx: &mut TenantTx) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let sql = "SELECT roster_version FROM tenants WHERE id = $1";
    Ok(
        on_tx!(tx.store_tx(), conn, Db => sqlx::query_scalar(sql).bind(tenant_id.get()).fetch_one(&mut *conn).await?),
    )
}

/// Marks the tenant's roster as changed; returns the new version.
pub(crate) async fn bump_roster_version(tx: &mut TenantTx) -> StoreResult<i64> {
    let tenant_id = tx.tenant_id();
    let sql = "UPDATE tenants SET roster_version = roster_version + 1 WHERE id = $1 RETURNING roster_version";
    Ok(
        on_tx!(tx.store_tx(), conn, Db => sqlx::query_scalar(sql).bind(tenant_id.get()).fetch_one(&mut *conn).await?),
    )
}

/// Remembers what a branch was last made from: the payload's hash, its name hashes, and the roster version.
pub async fn set_branch_fingerprint(
    tx: &mut TenantTx,
    partner_id: i64,
    sha256: &str,
    names: &[u8],
    version: i64,
) -> StoreResult<()> {
    let sql = "UPDATE branches SET applied_sha256 = $3, applied_version = $4, applied_names = $5 \
               WHERE tenant_id = $1 AND partner_id = $2";
    let tenant_id = tx.tenant_id();
    on_tx!(tx.store_tx(), conn, Db => {
        sqlx::query(sql).bind(tenant_id.get()).bind(partner_id).bind(sha256).bind(version).bind(names)
            .execute(&mut *conn).await?;
    });
    Ok(())
}
