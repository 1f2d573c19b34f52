//! The shape, first (the same lines open `crates/store/src/lib.rs` and `crates/service/src/lib.rs`):
//! - server → api → service → store → domain. The api holds a `Service` and calls one use case per request; it has
//!   no dependency on the store, so it cannot reach the database but through the service.
//! - Ids are types (`UserId`, `SectionId`, `CourseId`, `LessonId`, … in `classbridge_domain::ids`,
//!   `sqlx(transparent)`); the api turns them into the wire's numbers where it renders, and parses path ids with
//!   `parse_id::<UserId>`. A row not inserted yet is `NewLesson`, `NewCourse`, … (its `id` is `Unsaved`), never id 0.
//!   Times in rows are `UnixMillis` (a few `now` arguments are still bare milliseconds or ClassIn's seconds). Roles
//!   are the `Role` enum and ClassIn's codes `StudentIdentity` (1/2; `student`/`auditor` on classbridge's own wire)
//!   and `LessonIdentity` (1–4 in the pushes), stored as their number; job status and kind, membership source,
//!   section origin and `LessonRole` are enums stored as their text. Where a lesson stands (`LessonPhase`,
//!   `LessonState`) is decided once, in `classbridge_domain::classin`.
//! - Every store function on a tenant's rows takes its `TenantId`, a `Scope`, a `TenantTx` (a transaction bound to
//!   one tenant; the only transaction a use case can open) or a claimed job's `JobLease`. Roster writes use a `RosterWrite` (a `TenantTx` whose commit bumps
//!   the roster version and forgets the cached counts). Exceptions say "Not tenant-scoped:" and why;
//!   `crates/store/tests/tenant_scoping.rs` checks this on the source.
//! - The mirror reads what is stored (`mirror::apply`), plans without the database (`mirror::plan`), then writes the
//!   plan (`mirror::write`).
//!
//! This crate: classbridge's use cases, between the wire adapters (api) and the database (store). What they answer
//! with are read models (row types re-exported from the use case's module), `Page`, and `StoreError` as the error of
//! database work. The plan's decisions are unit tested case by case in `mirror::plan::tests`.

pub mod admin;
pub mod auth;
pub mod classin;
pub mod classrooms;
pub mod credential_cache;
pub mod groups;
pub mod jobs;
pub mod labs;
pub mod learning_paths;
pub mod mirror;
pub mod operations;
pub mod origin;
pub mod pages;
pub mod pushes;
pub mod rate_limit;
pub mod roster;
pub mod scheduling;
pub mod scope;
pub mod secrets;
pub mod service;
pub mod sso;
pub mod subjects;
pub mod tokens;
pub mod users;

pub use auth::{AuthError, AuthenticatedPartner, PartnerAuthenticator};
/// The error of the use cases that read and write the database (the storage's own, which already names what the
/// wire needs: not found, conflict, busy, transient).
pub use classbridge_store::StoreError;
/// A page of a listing and the page asked for.
pub use classbridge_store::{Page, PageRequest};
pub use secrets::MasterKey;
pub use service::Service;
