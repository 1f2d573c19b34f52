//! classbridge's use cases, between the wire adapters (api) and the database (store): partner authentication, the
//! operator's tenant and credential administration, and the secrets they rely on.
//!
//! The mirror applies a branch in three steps: read what is stored (`mirror::apply`), decide without the database
//! (`mirror::plan`: what is stored + the payload + the options → a `BranchPlan` of named writes, or `NeedsForce`),
//! and carry the plan out (`mirror::write`, which decides nothing about the branch). The plan's decisions are unit
//! tested case by case in `mirror::plan::tests`.

pub mod admin;
pub mod auth;
pub mod classin;
pub mod credential_cache;
pub mod jobs;
pub mod labs;
pub mod mirror;
pub mod origin;
pub mod pushes;
pub mod scope;
pub mod secrets;
pub mod sso;
pub mod tokens;
pub mod users;

pub use auth::{AuthError, AuthenticatedPartner, PartnerAuthenticator};
pub use secrets::MasterKey;
