//! The mirrored hierarchy and its memberships, read and written in bulk inside one transaction per branch. The mirror
//! use case (service crate) computes what changed; these write only that.
//!
//! By concern: `rows` (branches, classes, sections, subjects), `people` (the mirrored people), `links`
//! (student memberships, subjects of sections, teaching, and the holds that guard them), `fingerprint` (what a
//! branch remembers of its last mirror, and the roster version) and `tree` (the branch tree the API shows). This
//! file keeps the row types and the statement builders they share. Where PostgreSQL runs a statement of its own
//! (parameter arrays, `FOR KEY SHARE` holds, `ANALYZE`), the shared code calls one function of `postgres`; SQLite
//! runs the shared SQL.

mod fingerprint;
mod links;
mod people;
mod postgres;
mod rows;
mod tree;

pub(crate) use fingerprint::bump_roster_version;
pub use fingerprint::{
    branch_fingerprint, roster_version, set_branch_fingerprint, BranchFingerprint,
};
pub use links::{
    delete_section_subjects, delete_student_memberships, delete_teaching, hold_for_memberships,
    insert_section_subjects, insert_student_memberships, insert_teaching, load_section_subjects,
    load_student_memberships, load_teaching,
};
pub use people::{
    delete_person, find_people_by_uuid, find_person_by_uuid, insert_people,
    people_in_other_branches, people_without_memberships, rename_people, rename_person,
    set_people_active,
};
pub use rows::{
    delete_by_ids, find_branch, insert_branch, insert_named, insert_sections, load_classes,
    load_sections, load_subjects, rename,
};
pub use tree::{list_branches, section_summaries, BranchSummary, SectionSummary};

use classbridge_domain::{BranchId, ClassId, MembershipSource, SectionId, SubjectId, UserId};
use sqlx::QueryBuilder;

use crate::{tx::on_tx, StoreResult, TenantTx};

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

/// Refreshes the planner's statistics of the roster tables (PostgreSQL). A mirror that fills empty tables would
/// otherwise be planned as if they were still empty, and look people up by scanning.
pub async fn refresh_statistics(store: &crate::Store) -> StoreResult<()> {
    if let crate::Backend::Postgres(pool) = store.backend() {
        postgres::analyze(pool).await?;
    }
    Ok(())
}
