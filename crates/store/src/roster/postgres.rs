//! PostgreSQL's own statements for the roster, one entry per concern; the shared code in `roster` calls these on
//! PostgreSQL and runs its shared SQL on SQLite.
//!
//! The mirror's largest statements (people looked up by uuid; people, student memberships and teaching assignments
//! inserted) bind parameter arrays: one `= ANY($1)` or `INSERT … SELECT FROM UNNEST` per few thousand rows.
//! PostgreSQL binds and plans a handful of arrays instead of thousands of separate parameters in an `IN (…)` list or
//! a multi-row `VALUES`, which made those statements several times slower per row. SQLite keeps the lists of the
//! shared code (it has no arrays, and binds cheaply). Besides those: the `FOR KEY SHARE` hold taken before
//! memberships are added (PostgreSQL has no foreign keys on them; SQLite's single writer needs no hold), and the
//! planner's statistics refreshed after a mirror.

use std::collections::HashSet;

use sqlx::{PgConnection, PgPool};

use classbridge_domain::{BranchId, MembershipSource, SectionId, SubjectId, UserId};

use super::{keys, CreatedPerson, PersonRow};
use crate::StoreResult;

/// Rows per statement: large enough that statement overhead vanishes, small enough to keep messages modest.
const ROWS: usize = 10_000;

/// The tenant's people with these uuids.
pub(super) async fn find_people_by_uuid(
    conn: &mut PgConnection,
    tenant_id: i64,
    uuids: &[&str],
) -> StoreResult<Vec<PersonRow>> {
    let mut found = Vec::with_capacity(uuids.len());
    for chunk in uuids.chunks(ROWS) {
        let rows: Vec<PersonRow> = sqlx::query_as(
            "SELECT id, uuid, name, active FROM users WHERE tenant_id = $1 AND uuid = ANY($2::text[])",
        )
        .bind(tenant_id)
        .bind(chunk)
        .fetch_all(&mut *conn)
        .await?;
        found.extend(rows);
    }
    Ok(found)
}

/// Creates people by uuid and name; returns the id and uuid of each.
pub(super) async fn insert_people(
    conn: &mut PgConnection,
    tenant_id: i64,
    people: &[(&str, &str)],
    now: i64,
) -> StoreResult<Vec<CreatedPerson>> {
    let mut created = Vec::with_capacity(people.len());
    for chunk in people.chunks(ROWS) {
        let uuids: Vec<&str> = chunk.iter().map(|(uuid, _)| *uuid).collect();
        let names: Vec<&str> = chunk.iter().map(|(_, name)| *name).collect();
        let rows: Vec<CreatedPerson> = sqlx::query_as(
            "INSERT INTO users (tenant_id, uuid, name, active, created_at, updated_at) \
             SELECT $1, person.uuid, person.name, TRUE, $4, $4 FROM UNNEST($2::text[], $3::text[]) AS person (uuid, name) \
             RETURNING id, uuid",
        )
        .bind(tenant_id)
        .bind(uuids)
        .bind(names)
        .bind(now)
        .fetch_all(&mut *conn)
        .await?;
        created.extend(rows);
    }
    Ok(created)
}

/// Adds student memberships `(section_id, user_id)` in a branch.
pub(super) async fn insert_student_memberships(
    conn: &mut PgConnection,
    branch_id: BranchId,
    pairs: &[(SectionId, UserId)],
    source: MembershipSource,
) -> StoreResult<()> {
    for chunk in pairs.chunks(ROWS) {
        let sections: Vec<i64> = chunk.iter().map(|(section, _)| section.get()).collect();
        let users: Vec<i64> = chunk.iter().map(|(_, user)| user.get()).collect();
        sqlx::query(
            "INSERT INTO section_students (section_id, user_id, branch_id, source) \
             SELECT membership.section_id, membership.user_id, $3, $4 \
             FROM UNNEST($1::bigint[], $2::bigint[]) AS membership (section_id, user_id)",
        )
        .bind(sections)
        .bind(users)
        .bind(branch_id.get())
        .bind(source.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Adds teaching assignments `(section_id, subject_id, user_id)` in a branch.
pub(super) async fn insert_teaching(
    conn: &mut PgConnection,
    branch_id: BranchId,
    rows: &[(SectionId, SubjectId, UserId)],
    source: MembershipSource,
) -> StoreResult<()> {
    for chunk in rows.chunks(ROWS) {
        let sections: Vec<i64> = chunk.iter().map(|row| row.0.get()).collect();
        let subjects: Vec<i64> = chunk.iter().map(|row| row.1.get()).collect();
        let users: Vec<i64> = chunk.iter().map(|row| row.2.get()).collect();
        sqlx::query(
            "INSERT INTO teaching_assignments (section_id, subject_id, user_id, branch_id, source) \
             SELECT teaching.section_id, teaching.subject_id, teaching.user_id, $4, $5 \
             FROM UNNEST($1::bigint[], $2::bigint[], $3::bigint[]) AS teaching (section_id, subject_id, user_id)",
        )
        .bind(sections)
        .bind(subjects)
        .bind(users)
        .bind(branch_id.get())
        .bind(source.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Holds the tenant's users and sections, as a foreign key would: `FOR KEY SHARE`, so that a delete of one of them
/// waits for this transaction, and one deleted before (or another tenant's) is not found. Answers those found.
pub(super) async fn hold_for_memberships(
    conn: &mut PgConnection,
    tenant: i64,
    users: &[UserId],
    sections: &[SectionId],
) -> StoreResult<(HashSet<UserId>, HashSet<SectionId>)> {
    let mut held = (HashSet::new(), HashSet::new());
    for (table, ids, found) in [
        ("users", keys(users), &mut held.0),
        ("sections", keys(sections), &mut held.1),
    ] {
        if ids.is_empty() {
            continue;
        }
        let sql =
            format!("SELECT id FROM {table} WHERE id = ANY($1) AND tenant_id = $2 FOR KEY SHARE");
        let rows: Vec<i64> = sqlx::query_scalar(&sql)
            .bind(ids)
            .bind(tenant)
            .fetch_all(&mut *conn)
            .await?;
        found.extend(rows);
    }
    Ok((
        held.0.into_iter().map(UserId::new).collect(),
        held.1.into_iter().map(SectionId::new).collect(),
    ))
}

/// Refreshes the planner's statistics of the roster tables.
pub(super) async fn analyze(pool: &PgPool) -> StoreResult<()> {
    sqlx::query("ANALYZE users, branches, classes, sections, subjects, section_subjects, section_students, teaching_assignments")
        .execute(pool)
        .await?;
    Ok(())
}
