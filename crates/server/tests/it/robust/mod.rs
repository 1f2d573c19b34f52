//! Issue 14, robustness under faults and load: each finding reproduced over HTTP on both databases, then held.

mod faults;
mod inputs;
mod nodes;
mod races;
mod slow_clients;

use crate::harness::TestApp;

/// Runs SQL on the test's database past the server (a second connection), to inject a fault: the SQLite text on
/// SQLite, the PostgreSQL text on PostgreSQL. Each text may hold several statements.
pub async fn execute_in_database(app: &TestApp, sqlite: &str, postgres: &str) {
    use sqlx::{Connection, Executor};
    match &app.database_url {
        Some(url) => {
            let mut connection = sqlx::PgConnection::connect(url).await.unwrap();
            connection.execute(postgres).await.unwrap();
        }
        None => {
            let url = format!("sqlite:{}", app.data_dir.join("classbridge.db").display());
            let mut connection = sqlx::SqliteConnection::connect(&url).await.unwrap();
            connection.execute(sqlite).await.unwrap();
        }
    }
}

/// Fails every insert into `table` whose `column` equals `value` (an SQL literal), the way the database fails a write it cannot take
/// (SQLite: `RAISE(ROLLBACK)`, which ends the whole transaction under the driver, as a full disk does).
pub async fn doom_inserts(app: &TestApp, table: &str, column: &str, value: &str) {
    execute_in_database(
        app,
        &format!(
            "CREATE TRIGGER doom_{table} BEFORE INSERT ON {table} WHEN NEW.{column} = {value} \
             BEGIN SELECT RAISE(ROLLBACK, 'injected failure'); END"
        ),
        &format!(
            "CREATE FUNCTION doom_{table}() RETURNS trigger AS $$ BEGIN \
               IF NEW.{column} = {value} THEN RAISE EXCEPTION 'injected failure'; END IF; \
               RETURN NEW; END $$ LANGUAGE plpgsql; \
             CREATE TRIGGER doom_{table} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION doom_{table}()"
        ),
    )
    .await;
}
