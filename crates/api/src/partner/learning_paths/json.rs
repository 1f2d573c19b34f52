//! What the learning-path endpoints answer: the path (never its token), the grade book of its students with their
//! attempts and the rubric's lines, and the lines of a graded lab (also the lab page's `submit` answer).

use classbridge_domain::UnixMillis;
use classbridge_service::labs::{
    self, AttemptRow, AttemptStatus, LearningPathRow, PathPerson, StudentAttempts,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    extract::{PageLinks, PageMeta},
    time::rfc3339,
};

/// A stored moment as the wire's RFC 3339 text.
fn moment(at: UnixMillis) -> String {
    rfc3339(at.millis())
}

/// The answer to a create: the path's token, shown only here (it authorises `PATCH`, `DELETE` and the grades).
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningPathCreated {
    /// Send it as the `experiment-token` header; classbridge keeps only its hash.
    #[schema(example = "cbx_3q0Vb…")]
    pub experiment_token: String,
    pub subject_uuid: String,
}

/// A teacher of a learning path.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningPathTeacher {
    /// classbridge's id of the person.
    pub id: i64,
    /// The partner's id of the person.
    pub uuid: Option<String>,
    pub name: String,
}

/// A learning path as the API shows it (never its token).
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningPath {
    pub subject_uuid: String,
    pub subject_name: String,
    /// The catalogue's id of the experiment.
    pub experiment_id: String,
    pub experiment_name: String,
    pub description: Option<String>,
    /// Attempts each student may make.
    #[schema(minimum = 1, maximum = 100)]
    pub max_attempts: i64,
    /// RFC 3339; `null`: open from the start.
    #[schema(format = DateTime)]
    pub start_at: Option<String>,
    /// RFC 3339; `null`: never closes.
    #[schema(format = DateTime)]
    pub end_at: Option<String>,
    pub teachers: Vec<LearningPathTeacher>,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// The path's teachers among `teachers` (of any paths).
pub fn learning_path(path: &LearningPathRow, teachers: &[PathPerson]) -> LearningPath {
    LearningPath {
        subject_uuid: path.subject_uuid.clone(),
        subject_name: path.subject_name.clone(),
        experiment_id: path.experiment_id.clone(),
        experiment_name: path.experiment_name.clone(),
        description: path.description.clone(),
        max_attempts: path.max_attempts,
        start_at: path.start_at.map(moment),
        end_at: path.end_at.map(moment),
        teachers: teachers
            .iter()
            .filter(|t| t.learning_path_id == path.id)
            .map(|t| LearningPathTeacher {
                id: t.user_id.get(),
                uuid: t.uuid.clone(),
                name: t.name.clone(),
            })
            .collect(),
        created_at: moment(path.created_at),
        updated_at: moment(path.updated_at),
    }
}

/// One criterion of a lab's rubric: what it was worth, what was earned, and why, in English and Arabic.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LabRubricLine {
    pub criterion_en: String,
    pub criterion_ar: String,
    #[schema(minimum = 0, maximum = 100)]
    pub earned: u8,
    #[schema(minimum = 0, maximum = 100)]
    pub possible: u8,
    pub comment_en: String,
    pub comment_ar: String,
}

impl From<&classbridge_labs::RubricLine> for LabRubricLine {
    fn from(line: &classbridge_labs::RubricLine) -> Self {
        Self {
            criterion_en: line.criterion_en.clone(),
            criterion_ar: line.criterion_ar.clone(),
            earned: line.earned,
            possible: line.possible,
            comment_en: line.comment_en.clone(),
            comment_ar: line.comment_ar.clone(),
        }
    }
}

/// The rubric's lines of a graded attempt as stored (none before it is submitted).
pub fn stored_rubric(attempt: &AttemptRow) -> Vec<LabRubricLine> {
    attempt
        .rubric
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or_default()
}

/// Where an attempt stands.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AttemptState {
    /// Started, neither submitted nor expired.
    Open,
    /// Submitted and graded.
    Submitted,
    /// Left open past its time without being submitted.
    Expired,
}

impl From<AttemptStatus> for AttemptState {
    fn from(status: AttemptStatus) -> Self {
        match status {
            AttemptStatus::Open => Self::Open,
            AttemptStatus::Submitted => Self::Submitted,
            AttemptStatus::Expired => Self::Expired,
        }
    }
}

/// An attempt as the grades show it (never its seed or hidden values).
#[derive(Debug, Serialize, ToSchema)]
pub struct GradedAttempt {
    pub id: i64,
    /// The student's attempt number at this path, from 1.
    #[schema(minimum = 1)]
    pub number: i64,
    pub status: AttemptState,
    /// RFC 3339.
    #[schema(format = DateTime)]
    pub started_at: String,
    /// RFC 3339: an attempt not submitted by then expires.
    #[schema(format = DateTime)]
    pub expires_at: String,
    /// RFC 3339; `null` until submitted.
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    /// 0–100, the server's grade; `null` until submitted.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<i64>,
    /// What earned and what lost marks; empty until submitted.
    pub rubric: Vec<LabRubricLine>,
}

/// An attempt as the grades show it.
pub fn graded_attempt(attempt: &AttemptRow, now: UnixMillis) -> GradedAttempt {
    GradedAttempt {
        id: attempt.id.get(),
        number: attempt.number,
        status: AttemptStatus::of(attempt, now).into(),
        started_at: moment(attempt.started_at),
        expires_at: moment(attempt.expires_at),
        submitted_at: attempt.submitted_at.map(moment),
        score: attempt.score,
        rubric: stored_rubric(attempt),
    }
}

/// One student's grades at a path.
#[derive(Debug, Serialize, ToSchema)]
pub struct StudentGrades {
    /// classbridge's id of the student.
    pub id: i64,
    /// The partner's id of the student.
    pub uuid: Option<String>,
    pub name: String,
    /// Their attempts, oldest first.
    pub attempts: Vec<GradedAttempt>,
    /// The best score of their submitted attempts; `null` before any.
    #[schema(minimum = 0, maximum = 100)]
    pub best_score: Option<i64>,
    #[schema(minimum = 0)]
    pub attempts_left: i64,
    /// RFC 3339: when they last started or submitted an attempt; `null` before any.
    #[schema(format = DateTime)]
    pub last_attempt_at: Option<String>,
}

/// One student's grades: their attempts (with the rubric's lines once submitted), best score, attempts left and the
/// time of their last attempt.
pub fn student_grades(
    path: &LearningPathRow,
    line: &StudentAttempts,
    now: UnixMillis,
) -> StudentGrades {
    StudentGrades {
        id: line.student.user_id.get(),
        uuid: line.student.uuid.clone(),
        name: line.student.name.clone(),
        attempts: line
            .attempts
            .iter()
            .map(|a| graded_attempt(a, now))
            .collect(),
        best_score: labs::best_score(&line.attempts),
        attempts_left: labs::attempts_left(path, &line.attempts),
        last_attempt_at: line
            .attempts
            .iter()
            .map(|a| a.submitted_at.unwrap_or(a.started_at))
            .max()
            .map(moment),
    }
}

/// A page of a path's grade book, with the path itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct GradeBook {
    /// The students of this page, by name.
    pub data: Vec<StudentGrades>,
    pub meta: PageMeta,
    pub links: PageLinks,
    pub learning_path: LearningPath,
}

/// The answer to a `DELETE`.
#[derive(Debug, Serialize, ToSchema)]
pub struct LearningPathDeleted {
    #[schema(example = "Learning path deleted.")]
    pub message: String,
}
