//! classbridge's use cases, between the wire adapters (api) and the database (store): partner authentication, the
//! operator's tenant and credential administration, and the secrets they rely on.
//!
//! The api crate does not depend on the store: it holds a `Service` (which wraps the store and never hands it out)
//! and calls the use cases of each area with it — users, classrooms, groups, roster, subjects, learning paths and
//! labs, scheduling and ClassIn, mirror acceptance and jobs, sso, pushes, the web pages (`pages`) and operations.
//! What they answer with are read models (row types re-exported from the use case's module), `Page`, and
//! `StoreError` as the error of database work.
//!
//! The mirror applies a branch in three steps: read what is stored (`mirror::apply`), decide without the database
//! (`mirror::plan`: what is stored + the payload + the options → a `BranchPlan` of named writes, or `NeedsForce`),
//! and carry the plan out (`mirror::write`, which decides nothing about the branch). The plan's decisions are unit
//! tested case by case in `mirror::plan::tests`.

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
