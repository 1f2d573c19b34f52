//! Tenant scoping by construction, checked on the source: every public async function of the store either takes
//! what names a tenant (a `TenantId`, a `Scope`, a `TenantTx`, a `RosterWrite`, or a value that carries its tenant
//! such as a claimed job's `JobLease`), or says in its doc why it is not per tenant ("Not tenant-scoped:"), or is
//! listed below with its reason.

use std::{fs, path::Path};

/// Parameter or receiver types that name the tenant the function works in.
const TENANT_CARRIERS: &[&str] = &[
    "TenantId",
    "Scope",
    "TenantTx",
    "RosterWrite",
    // A job claimed by this worker (its row's tenant), and a job inserted in the open transaction.
    "JobLease",
    "InsertedJob",
];

/// The words a doc comment opens its reason with, for a function that is legitimately not per tenant.
const NOT_TENANT_SCOPED: &str = "Not tenant-scoped:";

/// Functions on tables that are not a tenant's, or utilities that touch no table: (function, reason).
const NOT_ON_TENANT_TABLES: &[(&str, &str)] = &[
    ("open", "opens the database; no table"),
    ("connect", "opens the database; no table"),
    ("migrate", "migrates the whole schema"),
    ("close", "closes the pools"),
    ("commit", "ends a transaction"),
    (
        "refresh_statistics",
        "refreshes the planner's statistics of the roster tables (ANALYZE); reads and writes no rows",
    ),
];

/// A public async function found in the store's source.
struct Function {
    file: String,
    name: String,
    /// The impl block's type, for a method.
    owner: Option<String>,
    parameters: String,
    docs: String,
}

fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty())
}

fn names_a_tenant(function: &Function) -> bool {
    let receiver = if function.parameters.contains("self") {
        function.owner.as_deref().unwrap_or("")
    } else {
        ""
    };
    identifiers(&function.parameters)
        .chain(identifiers(receiver))
        .any(|word| TENANT_CARRIERS.contains(&word))
}

/// The public async functions of one file, with their docs, parameters and impl block.
fn functions_of(file: &str, source: &str) -> Vec<Function> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut owner: Option<String> = None;
    for (index, line) in lines.iter().enumerate() {
        if line.starts_with("impl") {
            let header = line.trim_end_matches('{').trim();
            let named = header.rsplit(" for ").next().unwrap_or(header);
            owner = identifiers(named)
                .find(|word| *word != "impl" && word.starts_with(char::is_uppercase))
                .map(str::to_owned);
        } else if line.starts_with('}') {
            owner = None;
        }
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("pub async fn ") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut signature = String::new();
        for next in &lines[index..] {
            signature.push_str(next);
            signature.push('\n');
            if next.trim_end().ends_with('{') || next.trim_end().ends_with(';') {
                break;
            }
        }
        let parameters = signature
            .split_once('(')
            .map(|(_, after)| after.rsplit_once(')').map_or(after, |(inside, _)| inside))
            .unwrap_or_default()
            .to_owned();
        let mut docs = Vec::new();
        for previous in lines[..index].iter().rev() {
            let previous = previous.trim_start();
            if previous.starts_with("///") || previous.starts_with("#[") {
                docs.push(previous.to_owned());
            } else {
                break;
            }
        }
        docs.reverse();
        found.push(Function {
            file: file.to_owned(),
            name,
            owner: if line.starts_with("pub") {
                None
            } else {
                owner.clone()
            },
            parameters,
            docs: docs.join("\n"),
        });
    }
    found
}

fn collect(directory: &Path, functions: &mut Vec<Function>) {
    let mut entries: Vec<_> = fs::read_dir(directory)
        .expect("the store's sources are readable")
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, functions);
        } else if path.extension().is_some_and(|extension| extension == "rs") {
            let source = fs::read_to_string(&path).expect("a source file is readable");
            let file = path.display().to_string();
            functions.extend(functions_of(&file, &source));
        }
    }
}

fn store_functions() -> Vec<Function> {
    let mut functions = Vec::new();
    collect(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut functions,
    );
    functions
}

#[test]
fn every_public_store_function_names_its_tenant_or_says_why_not() {
    let functions = store_functions();
    assert!(
        functions.len() > 100,
        "the scan found only {} functions: is it still reading the store's sources?",
        functions.len()
    );
    let unscoped: Vec<String> = functions
        .iter()
        .filter(|function| !names_a_tenant(function))
        .filter(|function| !function.docs.contains(NOT_TENANT_SCOPED))
        .filter(|function| {
            !NOT_ON_TENANT_TABLES
                .iter()
                .any(|(name, _)| *name == function.name)
        })
        .map(|function| format!("{} ({})", function.name, function.file))
        .collect();
    assert!(
        unscoped.is_empty(),
        "these store functions take no tenant: give them the TenantId (or a Scope, TenantTx, RosterWrite, or a \
         row that carries its tenant), or open a doc line with \"{NOT_TENANT_SCOPED}\" and the reason:\n{}",
        unscoped.join("\n")
    );
}

#[test]
fn the_list_names_only_functions_that_exist() {
    let functions = store_functions();
    for (name, reason) in NOT_ON_TENANT_TABLES {
        assert!(!reason.is_empty());
        assert!(
            functions.iter().any(|function| function.name == *name),
            "`{name}` is listed as not on a tenant's table but no longer exists"
        );
    }
}

#[test]
fn the_scan_tells_a_scoped_function_from_an_unscoped_one() {
    let source = "impl Store {\n    /// Reads.\n    pub async fn scoped(&self, tenant_id: TenantId) -> R {\n    }\n\n    \
                  pub async fn unscoped(\n        &self,\n        id: i64,\n    ) -> R {\n    }\n\n    \
                  /// Not tenant-scoped: the operator's.\n    pub async fn operator(&self) -> R {\n    }\n}\n\n\
                  impl RosterWrite {\n    pub async fn commit(self) -> R {\n    }\n}\n\n\
                  pub async fn free(tx: &mut StoreTx, ids: &[i64]) -> R {\n}\n";
    let functions = functions_of("example.rs", source);
    let verdicts: Vec<(&str, bool, bool)> = functions
        .iter()
        .map(|f| {
            (
                f.name.as_str(),
                names_a_tenant(f),
                f.docs.contains(NOT_TENANT_SCOPED),
            )
        })
        .collect();
    assert_eq!(
        verdicts,
        [
            ("scoped", true, false),
            ("unscoped", false, false),
            ("operator", false, true),
            ("commit", true, false),
            ("free", false, false),
        ]
    );
}
