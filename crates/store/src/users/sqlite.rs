//! The users' point reads on SQLite (a user by id, a page of a list), run on the calling thread's read-only
//! connection: the one place a [`UserRow`] is decoded from a rusqlite row.

use classbridge_domain::{UnixMillis, UserId};
use rusqlite::OptionalExtension;

use super::{UserRow, USER_COLUMNS};
use crate::{point_reads::PointReader, StoreResult};

/// A [`UserRow`] from a row of `SELECT {USER_COLUMNS}` read on a point-read connection.
fn user_from_sqlite_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: UserId::new(row.get(0)?),
        uuid: row.get(1)?,
        lms_id: row.get(2)?,
        name: row.get(3)?,
        username: row.get(4)?,
        email: row.get(5)?,
        active: row.get(6)?,
        created_at: UnixMillis::new(row.get(7)?),
        updated_at: UnixMillis::new(row.get(8)?),
    })
}

/// A page of a user list (`condition` narrows it): `limit` users from the `skip`-th at or after `from_id`. A page is a
/// short walk of one index: on SQLite it is read on the calling thread, like a point read. SQLite does not plan again
/// at each execution, so LIMIT and OFFSET stay parameters (`?N`: the N-th).
pub(super) fn read_page(
    points: &PointReader,
    condition: &str,
    tenant: i64,
    limit: i64,
    skip: i64,
    from_id: i64,
) -> StoreResult<Vec<UserRow>> {
    let sql = format!(
        "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = ?1{condition} AND id >= \
         (SELECT id FROM users WHERE tenant_id = ?1{condition} AND id >= ?4 ORDER BY tenant_id, id \
          LIMIT 1 OFFSET ?3) \
         ORDER BY tenant_id, id LIMIT ?2"
    );
    let arguments = (tenant, limit, skip, from_id);
    points.read(|connection| {
        connection
            .prepare_cached(&sql)?
            .query_map(arguments, user_from_sqlite_row)?
            .collect()
    })
}

/// The tenant's user `id`, read on the calling thread.
pub(super) fn find_user(
    points: &PointReader,
    tenant: i64,
    id: i64,
) -> StoreResult<Option<UserRow>> {
    points.read(|connection| {
        connection
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users WHERE tenant_id = $1 AND id = $2"
            ))?
            .query_row((tenant, id), user_from_sqlite_row)
            .optional()
    })
}
