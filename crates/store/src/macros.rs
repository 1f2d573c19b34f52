//! The two macros that let one SQL text serve both databases.

/// Runs `$body` with `$pool` bound to the pool for reads, once per backend, so one SQL text serves both.
macro_rules! on_reader {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store.backend() {
            crate::Backend::Sqlite { reader, .. } => {
                let $pool = reader;
                $body
            }
            crate::Backend::Postgres(pg) => {
                let $pool = pg;
                $body
            }
        }
    };
}

/// Runs `$body` inside a write transaction bound to `$tx` (`BEGIN IMMEDIATE` on SQLite), committing after it.
/// An early return with `?` drops the transaction, which rolls it back.
macro_rules! in_transaction {
    ($store:expr, $tx:ident => $body:expr) => {
        match $store.backend() {
            crate::Backend::Sqlite { writer, .. } => {
                let mut $tx = writer.begin_with("BEGIN IMMEDIATE").await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
            crate::Backend::Postgres(pg) => {
                let mut $tx = pg.begin().await?;
                let result = $body;
                $tx.commit().await?;
                result
            }
        }
    };
}
