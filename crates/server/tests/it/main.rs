//! End-to-end tests: the real server over HTTP, each body on SQLite and on PostgreSQL.

mod harness;

mod browser;
mod cli;
mod foundation;
mod groups;
mod mirror;
mod sso;
mod users;
mod workers;
