//! What the mirror endpoints read and answer, as typed bodies: the payloads of `POST /api/v2/mirror-data/branches`
//! and `/simple` (for the OpenAPI document: the payload is validated by streaming, see
//! `classbridge_domain::mirror::MirrorValidator`), the 202 answer, and a job as its status shows it.

use classbridge_service::mirror::{JobError, MirrorCounts, KIND_SIMPLE};
use serde::Serialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::time::Rfc3339;

/// The body of `POST /api/v2/mirror-data/branches`: the partner's whole truth for each branch named (classes,
/// sections, subjects, students and teachers missing from it are removed from that branch). JSON streams up to the
/// mirror body limit; a PHP-style form (`branches[0][id]=1&branches[0][classes][0][sections][0][name]=A`) up to
/// 64 MiB.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorBranchesBody {
    /// At least one branch; each id at most once.
    #[schema(min_items = 1)]
    branches: Vec<MirrorBranchBody>,
    /// Apply even when a branch would lose more than the allowed share of its student memberships (also
    /// `?force=true`). `0`/`1` are read as false/true too.
    force: Option<bool>,
}

/// One branch (school) of the partner.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorBranchBody {
    /// The partner's id of the branch (the lowest 64-bit integer is reserved).
    #[schema(minimum = -9223372036854775807_i64)]
    id: i64,
    /// The branch's name (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// The branch's classes (grades); each id at most once.
    classes: Vec<MirrorClassBody>,
}

/// A class (grade) of a branch.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorClassBody {
    /// The partner's id of the class, unique in its branch.
    id: i64,
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// The class's sections (classrooms); each name (trimmed, any case) at most once.
    sections: Vec<MirrorSectionBody>,
}

/// A section of a class: a classroom.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorSectionBody {
    /// Unique in its class (trimmed, any case).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// The subjects taught in the section, with their teachers; each id at most once.
    subjects: Vec<MirrorSubjectBody>,
    /// The section's students; each uuid at most once.
    students: Vec<MirrorPersonBody>,
}

/// A subject taught in a section.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorSubjectBody {
    /// The partner's id of the subject; one id keeps one name across the branch.
    id: i64,
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    /// Who teaches it in this section; each uuid at most once.
    teachers: Vec<MirrorPersonBody>,
}

/// A person named by a mirror. One uuid keeps one name across the payload, and is a student or a teacher, not
/// both (unless the tenant allows it).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorPersonBody {
    /// The partner's id of the person: 1 to 64 characters, no white space (a number is read as its text).
    #[schema(
        min_length = 1,
        max_length = 64,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]+\s*$"
    )]
    uuid: String,
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
}

/// The body of `POST /api/v2/mirror-data/simple`: classrooms of the tenant's default branch, by name (those not
/// named are left as they are).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorSimpleBody {
    classrooms: MirrorClassrooms,
    /// As for the branches mirror.
    force: Option<bool>,
}

/// One classroom of a simple mirror.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorClassroomBody {
    /// Unique in the payload (trimmed, any case).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
    students: Vec<MirrorPersonBody>,
    teachers: Vec<MirrorPersonBody>,
}

/// `classrooms`: a list of at least one classroom (each name at most once), or one classroom object.
pub struct MirrorClassrooms;

impl utoipa::PartialSchema for MirrorClassrooms {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        use utoipa::openapi::{schema::OneOfBuilder, ArrayBuilder, Ref};
        OneOfBuilder::new()
            .item(
                ArrayBuilder::new()
                    .items(Ref::from_schema_name("MirrorClassroomBody"))
                    .min_items(Some(1)),
            )
            .item(Ref::from_schema_name("MirrorClassroomBody"))
            .description(Some(
                "At least one classroom, or one classroom object; each name at most once.",
            ))
            .into()
    }
}

impl ToSchema for MirrorClassrooms {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::PartialSchema;
        schemas.push((
            MirrorClassroomBody::name().into_owned(),
            MirrorClassroomBody::schema(),
        ));
        MirrorClassroomBody::schemas(schemas);
    }
}

/// The 202 answer of a mirror: the job that will apply it.
#[derive(Serialize, ToSchema)]
pub struct MirrorAccepted {
    #[schema(example = "Data queued for synchronization.")]
    pub message: &'static str,
    /// The job's id (a ULID).
    pub job_id: String,
    #[schema(value_type = String, example = "queued")]
    pub status: &'static str,
    /// Where the job's status is read: `/api/v2/mirror-data/jobs/{job_id}`.
    pub status_url: String,
}

/// One job, as `GET /api/v2/mirror-data/jobs/{job_id}` shows it. The counts and errors are stored as JSON text
/// (written from `MirrorCounts` and `JobError`) and copied into the answer as they are.
#[derive(Serialize, ToSchema)]
pub struct JobJson<'a> {
    /// The job's id (a ULID).
    pub id: &'a str,
    #[schema(value_type = JobKind)]
    pub kind: &'a str,
    #[schema(value_type = classbridge_domain::JobStatus)]
    pub status: &'a str,
    pub accepted_at: Rfc3339,
    #[schema(required)]
    pub started_at: Option<Rfc3339>,
    #[schema(required)]
    pub finished_at: Option<Rfc3339>,
    pub progress: JobProgress,
    #[schema(value_type = MirrorCounts)]
    pub counts: StoredJson<'a>,
    /// Why the job stopped (`needs_force`) or failed; empty otherwise.
    #[schema(value_type = Vec<JobError>)]
    pub errors: StoredJson<'a>,
}

/// Which mirror made the job: `branches` or `simple`.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum JobKind {
    Branches,
    Simple,
}

/// How far the job is: classrooms (simple) or branches done of the total.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum JobProgress {
    Classrooms {
        classrooms_done: i64,
        classrooms_total: i64,
    },
    Branches {
        branches_done: i64,
        branches_total: i64,
    },
}

/// JSON kept as text in a job's row, or what stands for it when the text is empty or unreadable.
#[derive(Serialize)]
#[serde(untagged)]
pub enum StoredJson<'a> {
    Stored(&'a RawValue),
    Zeros(MirrorCounts),
    NoErrors([(); 0]),
}

impl<'a> From<&'a classbridge_service::mirror::accept::Job> for JobJson<'a> {
    fn from(job: &'a classbridge_service::mirror::accept::Job) -> Self {
        let stored = |text: &'a str| serde_json::from_str::<&RawValue>(text).ok();
        let counts = match stored(&job.counts) {
            Some(counts) if counts.get().trim() != "{}" => StoredJson::Stored(counts),
            _ => StoredJson::Zeros(Default::default()),
        };
        let errors = stored(&job.errors).map_or(StoredJson::NoErrors([]), StoredJson::Stored);
        let progress = if job.kind == KIND_SIMPLE {
            JobProgress::Classrooms {
                classrooms_done: if job.items_done > 0 {
                    job.items_total
                } else {
                    0
                },
                classrooms_total: job.items_total,
            }
        } else {
            JobProgress::Branches {
                branches_done: job.items_done,
                branches_total: job.items_total,
            }
        };
        Self {
            id: job.id.as_str(),
            kind: job.kind.as_str(),
            status: job.status.as_str(),
            accepted_at: Rfc3339(job.accepted_at.millis()),
            started_at: job.started_at.map(|at| Rfc3339(at.millis())),
            finished_at: job.finished_at.map(|at| Rfc3339(at.millis())),
            progress,
            counts,
            errors,
        }
    }
}

/// A mirrored person after a rename.
#[derive(Serialize, ToSchema)]
pub struct MirrorPersonJson {
    /// The partner's id of the person.
    pub uuid: String,
    pub name: String,
    /// False for a person in no class any more.
    pub active: bool,
}

/// The body of `PUT /api/v2/mirror-data/users/{uuid}`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct MirrorPersonRename {
    /// The person's new name (trimmed).
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^\s*[^\s\x00-\x1F\x7F-\x9F]([^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?\s*$"
    )]
    name: String,
}
