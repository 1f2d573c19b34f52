//! classbridge's use cases, between the wire adapters (api) and the database (store): partner authentication, the
//! operator's tenant and credential administration, and the secrets they rely on.

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
