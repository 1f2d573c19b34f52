//! End-to-end tests: the real server over HTTP, each body on SQLite and on PostgreSQL.

mod harness;

mod branch_scope;
mod browser;
mod classin;
mod cli;
mod conformance;
mod contract;
mod foundation;
mod groups;
mod hardening;
mod labs;
mod membership_deletes;
mod mirror;
mod mirror_renames;
mod openapi;
mod openapi_conformance;
mod openapi_conformance_more;
mod openapi_conformance_scheduling;
mod probes;
mod robust;
mod roster_writes;
mod schema_parity;
mod sso;
mod user_pages;
mod users;
mod workers;
