//! Extractors: who is calling (`Partner`), what they sent (`PartnerInput`), which page they want (`Paging`).

mod body;
mod paging;
mod partner;

pub use body::{drain_rest, first_nul, form_body_to_json, read_limited_body, PartnerInput};
pub use paging::{page_links, PageBody, PageLinks, PageMeta, Paging};
pub use partner::Partner;
