//! A job's id, kind and status as types: the queue stores them as TEXT (`jobs.id`, `jobs.kind`, `jobs.status`),
//! these read and write the same values, and the api renders them as the same strings.

use std::fmt;

use sqlx::{encode::IsNull, error::BoxDynError, Database, Decode, Encode, Type};

/// A job's id: the ULID text given when the job was accepted (`jobs.id`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, sqlx::Type)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct JobId(String);

impl JobId {
    /// A job's id: a new ULID for a job being accepted, or the id a request names (it matches no job when no job
    /// has it).
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a job is in its life: `queued`, `running`, then one of the three ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Queued,
    Running,
    Succeeded,
    Failed,
    /// Nothing applied from the branch named in the job's errors on; the partner must mirror again with force.
    NeedsForce,
}

impl JobStatus {
    /// Every status, in the order of a job's life.
    pub const ALL: [JobStatus; 5] = [
        Self::Queued,
        Self::Running,
        Self::Succeeded,
        Self::Failed,
        Self::NeedsForce,
    ];

    /// The status as stored and rendered.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::NeedsForce => "needs_force",
        }
    }

    /// The status with this stored name.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The api's `JobStatus` schema: a string, one of the stored names.
impl utoipa::PartialSchema for JobStatus {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "`queued`, `running`, then `succeeded`, `failed`, or `needs_force` (nothing applied from the branch \
                 named in\n`errors` on; mirror again with `force=true`).",
            ))
            .enum_values(Some(Self::ALL.map(Self::as_str)))
            .into()
    }
}

impl utoipa::ToSchema for JobStatus {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("JobStatus")
    }
}

/// What a job does. A kind this server does not know (written by a newer one sharing the queue) is kept as
/// `Other`, so the worker can fail that job with a message instead of failing to read the queue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum JobKind {
    /// A `branches` mirror: the partner's whole truth for the branches it names.
    Branches,
    /// A `simple` mirror: classrooms of the default branch.
    Simple,
    Other(String),
}

impl JobKind {
    /// The kind as stored and rendered.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Branches => "branches",
            Self::Simple => "simple",
            Self::Other(kind) => kind,
        }
    }

    /// The kind with this stored name.
    pub fn parse(text: &str) -> Self {
        match text {
            "branches" => Self::Branches,
            "simple" => Self::Simple,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Stores an enum as its TEXT name on every database, exactly as a `String` column is read and written.
macro_rules! stored_as_text {
    ($name:ty, |$text:ident| $parse:expr) => {
        impl<DB: Database> Type<DB> for $name
        where
            String: Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <String as Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <String as Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: Database> Encode<'q, DB> for $name
        where
            String: Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buffer: &mut <DB as Database>::ArgumentBuffer<'q>,
            ) -> Result<IsNull, BoxDynError> {
                self.as_str().to_owned().encode_by_ref(buffer)
            }
        }

        impl<'r, DB: Database> Decode<'r, DB> for $name
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: <DB as Database>::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let $text = String::decode(value)?;
                $parse
            }
        }
    };
}

stored_as_text!(JobStatus, |text| JobStatus::parse(&text)
    .ok_or_else(|| format!("`{text}` is not a job status").into()));
stored_as_text!(JobKind, |text| Ok(JobKind::parse(&text)));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_kinds_read_back_from_their_stored_names() {
        let names: Vec<_> = JobStatus::ALL
            .iter()
            .map(|status| status.as_str())
            .collect();
        assert_eq!(
            names,
            ["queued", "running", "succeeded", "failed", "needs_force"]
        );
        for status in JobStatus::ALL {
            assert_eq!(JobStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(JobStatus::parse("done"), None);
        assert_eq!(JobKind::parse("branches"), JobKind::Branches);
        assert_eq!(JobKind::parse("simple").as_str(), "simple");
        assert_eq!(JobKind::parse("export"), JobKind::Other("export".into()));
        assert_eq!(JobKind::parse("export").as_str(), "export");
    }
}
