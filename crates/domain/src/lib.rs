//! classbridge's domain: types that are valid by construction, and the parsing of partner input. No I/O.

pub mod classin;
mod codes;
pub mod form;
pub mod ids;
pub mod input;
pub mod jobs;
pub mod mirror;
pub mod roles;
pub mod scope;
pub mod states;
pub mod tenancy;
pub mod validation;

pub use classin::{LessonIdentity, LessonPhase, LessonState, StudentIdentity};
pub use ids::{
    ActivityId, AttemptId, BranchId, ClassId, CourseId, GroupId, LabelId, LearningPathId, LessonId,
    RowId, RowKey, SectionId, SubjectId, UnitId, UnixMillis, Unsaved, UserId,
};
pub use jobs::{JobId, JobKind, JobStatus};
pub use roles::Role;
pub use scope::Scope;
pub use states::{LessonRole, MembershipSource, SectionOrigin};
pub use tenancy::{BranchScope, CredentialId, Slug, TenantId};
pub use validation::ValidationErrors;
