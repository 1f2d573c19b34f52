//! The two databases' schemas, compared: a fresh SQLite file and a fresh PostgreSQL database are migrated, each schema
//! is read back as facts (tables, columns with their nullability, primary keys, unique constraints, indexes, foreign
//! keys with their ON DELETE action), and the facts found on one database only must be exactly those written down in
//! `crates/store/migrations/schema_differences.txt`. A migration that makes the schemas differ fails this test until
//! the difference is written down there with its reason; one that ends a difference fails it until the line goes.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use classbridge_store::{DatabaseLocation, Store, StoreOptions};
use sqlx::{Connection, PgConnection, Row, SqliteConnection};

use crate::harness::{Backend, TestDatabase};

const ALLOWED: &str = include_str!("../../../store/migrations/schema_differences.txt");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_two_schemas_differ_only_as_written_down() {
    let Some(backend) = Backend::postgres() else {
        return;
    };
    let folder = tempfile::tempdir().expect("a temporary folder");
    let sqlite_path = folder.path().join("schema.db");
    migrate(DatabaseLocation::SqliteFile(sqlite_path.clone())).await;
    let mut sqlite = SqliteConnection::connect(&format!("sqlite://{}", sqlite_path.display()))
        .await
        .expect("open the migrated SQLite file");
    let sqlite_facts = sqlite_schema(&mut sqlite).await;

    let database = TestDatabase::create(&backend).await;
    let url = database.url.clone().expect("a PostgreSQL test database");
    migrate(DatabaseLocation::Postgres(url.clone())).await;
    let mut postgres = PgConnection::connect(&url)
        .await
        .expect("open the migrated PostgreSQL database");
    let postgres_facts = postgres_schema(&mut postgres).await;
    postgres.close().await.ok();

    for facts in [&sqlite_facts, &postgres_facts] {
        assert!(
            facts.contains("table users") && facts.contains("column users.tenant_id not null"),
            "the schema was not read: {facts:?}"
        );
    }
    let found: BTreeSet<String> = sqlite_facts
        .difference(&postgres_facts)
        .map(|fact| format!("sqlite only: {fact}"))
        .chain(
            postgres_facts
                .difference(&sqlite_facts)
                .map(|fact| format!("postgres only: {fact}")),
        )
        .collect();
    let allowed: BTreeSet<String> = ALLOWED
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect();
    let unexpected: Vec<&String> = found.difference(&allowed).collect();
    let stale: Vec<&String> = allowed.difference(&found).collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "the schemas differ otherwise than crates/store/migrations/schema_differences.txt says.\n\
         Differences not written down (write each with its reason, or make the migrations agree):\n  {}\n\
         Written down but gone (remove these lines):\n  {}",
        unexpected
            .iter()
            .map(|line| line.as_str())
            .collect::<Vec<_>>()
            .join("\n  "),
        stale
            .iter()
            .map(|line| line.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

async fn migrate(location: DatabaseLocation) {
    let store = Store::open(&StoreOptions {
        location,
        max_connections: 2,
        acquire_timeout: Duration::from_secs(10),
    })
    .await
    .expect("open and migrate the store");
    store.close().await;
}

/// An index's columns (or expressions) as compared: lower case, without spaces or quotes (PostgreSQL quotes keywords
/// such as `position`).
fn normalised(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '"')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A partial index's condition as compared: lower case, without parentheses, spaces collapsed.
fn normalised_condition(text: &str) -> String {
    text.replace(['(', ')'], " ")
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn index_fact(
    table: &str,
    name: &str,
    unique: bool,
    columns: &[String],
    condition: Option<&str>,
) -> String {
    let mut fact = format!(
        "{}index {name} on {table}({})",
        if unique { "unique " } else { "" },
        columns.join(", ")
    );
    if let Some(condition) = condition {
        fact.push_str(&format!(" where {}", normalised_condition(condition)));
    }
    fact
}

/// The columns between the parentheses after ` ON table` of a `CREATE INDEX` statement, and its `WHERE` condition.
fn parse_create_index(sql: &str) -> (Vec<String>, Option<String>) {
    let upper = sql.to_uppercase();
    let on = upper.find(" ON ").expect("CREATE INDEX … ON");
    let open = on + sql[on..].find('(').expect("an index's column list");
    let mut depth = 0;
    let mut close = open;
    for (offset, c) in sql[open..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = open + offset;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut columns = Vec::new();
    let (mut depth, mut start) = (0, open + 1);
    for (offset, c) in sql[open + 1..close].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                columns.push(normalised(&sql[start..open + 1 + offset]));
                start = open + 2 + offset;
            }
            _ => {}
        }
    }
    columns.push(normalised(&sql[start..close]));
    let condition = upper[close..]
        .find("WHERE")
        .map(|at| sql[close + at + "WHERE".len()..].trim().to_owned());
    (columns, condition)
}

/// One foreign key of a SQLite table, gathered from `pragma_foreign_key_list`'s rows (one per column).
struct SqliteForeignKey {
    target: String,
    sources: Vec<String>,
    /// `None` where the key names no column: the target's primary key.
    targets: Vec<Option<String>>,
    on_delete: String,
}

async fn sqlite_schema(connection: &mut SqliteConnection) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(&mut *connection)
    .await
    .expect("SQLite tables");
    for table in &tables {
        facts.insert(format!("table {table}"));
        let columns = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")
            .bind(table)
            .fetch_all(&mut *connection)
            .await
            .expect("SQLite columns");
        let mut primary_key = BTreeMap::new();
        for column in &columns {
            let pk: i64 = column.get("pk");
            if pk > 0 {
                primary_key.insert(pk, column.get::<String, _>("name"));
            }
        }
        for column in &columns {
            let name: String = column.get("name");
            let declared_not_null: bool = column.get("notnull");
            // A lone INTEGER PRIMARY KEY is the rowid: never null, whatever its declaration says.
            let rowid = primary_key.len() == 1
                && column.get::<i64, _>("pk") == 1
                && column
                    .get::<String, _>("type")
                    .eq_ignore_ascii_case("INTEGER");
            let nullability = if declared_not_null || rowid {
                "not null"
            } else {
                "null"
            };
            facts.insert(format!("column {table}.{name} {nullability}"));
        }
        if !primary_key.is_empty() {
            let columns: Vec<String> = primary_key.into_values().collect();
            facts.insert(format!("primary key {table}({})", columns.join(", ")));
        }
        let foreign_keys = sqlx::query(
            "SELECT id, \"table\" AS target, \"from\" AS source, \"to\" AS target_column, on_delete \
             FROM pragma_foreign_key_list(?1) ORDER BY id, seq",
        )
        .bind(table)
        .fetch_all(&mut *connection)
        .await
        .expect("SQLite foreign keys");
        let mut by_id: BTreeMap<i64, SqliteForeignKey> = BTreeMap::new();
        for key in &foreign_keys {
            let entry = by_id
                .entry(key.get("id"))
                .or_insert_with(|| SqliteForeignKey {
                    target: key.get("target"),
                    sources: Vec::new(),
                    targets: Vec::new(),
                    on_delete: key.get("on_delete"),
                });
            entry.sources.push(key.get("source"));
            entry.targets.push(key.get("target_column"));
        }
        for SqliteForeignKey {
            target,
            sources,
            targets,
            on_delete,
        } in by_id.into_values()
        {
            let targets: Vec<String> = if targets.iter().all(Option::is_some) {
                targets.into_iter().flatten().collect()
            } else {
                // `REFERENCES t` without columns names t's primary key.
                sqlx::query_scalar(
                    "SELECT name FROM pragma_table_info(?1) WHERE pk > 0 ORDER BY pk",
                )
                .bind(&target)
                .fetch_all(&mut *connection)
                .await
                .expect("SQLite primary key")
            };
            facts.insert(format!(
                "foreign key {table}({}) -> {target}({}) on delete {}",
                sources.join(", "),
                targets.join(", "),
                on_delete.to_lowercase()
            ));
        }
        let indexes = sqlx::query(
            "SELECT l.name, l.\"unique\", l.origin, m.sql FROM pragma_index_list(?1) l \
             LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name",
        )
        .bind(table)
        .fetch_all(&mut *connection)
        .await
        .expect("SQLite indexes");
        for index in &indexes {
            let name: String = index.get("name");
            let origin: String = index.get("origin");
            let sql: Option<String> = index.get("sql");
            match origin.as_str() {
                "pk" => {}
                "u" => {
                    let columns: Vec<String> =
                        sqlx::query_scalar("SELECT name FROM pragma_index_info(?1) ORDER BY seqno")
                            .bind(&name)
                            .fetch_all(&mut *connection)
                            .await
                            .expect("SQLite index columns");
                    facts.insert(format!("unique {table}({})", columns.join(", ")));
                }
                _ => {
                    let sql = sql.expect("a created index's statement");
                    let (columns, condition) = parse_create_index(&sql);
                    let unique: bool = index.get("unique");
                    facts.insert(index_fact(
                        table,
                        &name,
                        unique,
                        &columns,
                        condition.as_deref(),
                    ));
                }
            }
        }
    }
    facts
}

async fn postgres_schema(connection: &mut PgConnection) -> BTreeSet<String> {
    let mut facts = BTreeSet::new();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *connection)
    .await
    .expect("PostgreSQL tables");
    facts.extend(tables.iter().map(|table| format!("table {table}")));
    let columns = sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, is_nullable::text AS is_nullable \
         FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *connection)
    .await
    .expect("PostgreSQL columns");
    for column in &columns {
        let table: String = column.get("table_name");
        let name: String = column.get("column_name");
        let nullable: String = column.get("is_nullable");
        let nullability = if nullable == "YES" {
            "null"
        } else {
            "not null"
        };
        facts.insert(format!("column {table}.{name} {nullability}"));
    }
    let constraints = sqlx::query(
        "SELECT c.conrelid::regclass::text AS table_name, c.contype::text AS kind, \
         c.confrelid::regclass::text AS target, c.confdeltype::text AS on_delete, \
         ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord) \
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS sources, \
         ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord) \
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS targets \
         FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f') \
         AND c.conrelid::regclass::text <> '_sqlx_migrations'",
    )
    .fetch_all(&mut *connection)
    .await
    .expect("PostgreSQL constraints");
    for constraint in &constraints {
        let table: String = constraint.get("table_name");
        let sources: Vec<String> = constraint.get("sources");
        let sources = sources.join(", ");
        match constraint.get::<String, _>("kind").as_str() {
            "p" => facts.insert(format!("primary key {table}({sources})")),
            "u" => facts.insert(format!("unique {table}({sources})")),
            _ => {
                let target: String = constraint.get("target");
                let targets: Vec<String> = constraint.get("targets");
                let on_delete = match constraint.get::<String, _>("on_delete").as_str() {
                    "c" => "cascade",
                    "n" => "set null",
                    "d" => "set default",
                    "r" => "restrict",
                    _ => "no action",
                };
                facts.insert(format!(
                    "foreign key {table}({sources}) -> {target}({}) on delete {on_delete}",
                    targets.join(", ")
                ))
            }
        };
    }
    let indexes = sqlx::query(
        "SELECT t.relname::text AS table_name, i.relname::text AS index_name, ix.indisunique AS is_unique, \
         pg_get_expr(ix.indpred, ix.indrelid) AS condition, \
         ARRAY(SELECT pg_get_indexdef(ix.indexrelid, k, true) FROM generate_series(1, ix.indnkeyatts) AS k \
               ORDER BY k) AS columns \
         FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND t.relname <> '_sqlx_migrations' AND NOT EXISTS \
         (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.conrelid = ix.indrelid \
          AND c.contype IN ('p', 'u'))",
    )
    .fetch_all(&mut *connection)
    .await
    .expect("PostgreSQL indexes");
    for index in &indexes {
        let table: String = index.get("table_name");
        let name: String = index.get("index_name");
        let columns: Vec<String> = index.get("columns");
        let columns: Vec<String> = columns.iter().map(|column| normalised(column)).collect();
        let condition: Option<String> = index.get("condition");
        facts.insert(index_fact(
            &table,
            &name,
            index.get("is_unique"),
            &columns,
            condition.as_deref(),
        ));
    }
    facts
}
