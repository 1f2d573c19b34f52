//! Point reads on SQLite (one row by its key: a user, a job) run synchronously on the calling thread, on a read-only
//! connection that thread keeps. Such a read takes a few microseconds in SQLite; through the reader pool it would cost
//! a hand-off to a connection's own thread and back, several times longer than the read. Only short walks of one index
//! belong here (a row by key, a page of users: at most 1,000 rows, about a millisecond at the largest page size):
//! anything longer would hold up the async runtime.

use std::{
    cell::RefCell,
    collections::HashMap,
    path::PathBuf,
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use rusqlite::{Connection, OpenFlags};

use crate::{StoreError, StoreResult};

static NEXT_DATABASE: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// This thread's read-only connections, by database.
    static CONNECTIONS: RefCell<HashMap<u64, Connection>> = RefCell::new(HashMap::new());
}

/// Point reads of one SQLite database file.
#[derive(Debug)]
pub(crate) struct PointReader {
    path: PathBuf,
    /// Tells this database's connections from another store's in the same process (tests open many).
    database: u64,
}

impl PointReader {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self {
            path,
            database: NEXT_DATABASE.fetch_add(1, Ordering::Relaxed),
        }
    }

    fn open(&self) -> rusqlite::Result<Connection> {
        let connection = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        connection.busy_timeout(Duration::from_secs(10))?;
        connection.set_prepared_statement_cache_capacity(64);
        Ok(connection)
    }

    /// Runs `read` on this thread's connection (opened on first use).
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&Connection) -> rusqlite::Result<T>,
    ) -> StoreResult<T> {
        CONNECTIONS.with(|connections| {
            let mut connections = connections.borrow_mut();
            let connection = match connections.entry(self.database) {
                std::collections::hash_map::Entry::Occupied(entry) => entry.into_mut(),
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(self.open().map_err(point_read_error)?)
                }
            };
            read(connection).map_err(point_read_error)
        })
    }
}

fn point_read_error(error: rusqlite::Error) -> StoreError {
    match error {
        rusqlite::Error::QueryReturnedNoRows => StoreError::NotFound,
        other => StoreError::PointRead(other.to_string()),
    }
}
