//! Mirror payloads (`POST /api/v2/mirror-data/branches` and `/simple`, partner API §1): the typed model, an
//! incremental reader that never holds more than one item of the big array in memory, and the validator that reports
//! every error with its dot path and yields the items typed.
//!
//! The same code serves two moments:
//! - the request: [`validate_mirror`] (or [`stream_items`] with a [`MirrorValidator`]) checks the spooled body and
//!   answers 400 ([`MirrorRejection::Malformed`]) or 422 ([`MirrorRejection::Invalid`]);
//! - the worker: it re-reads the stored bytes with [`stream_items`] and takes each branch typed from
//!   [`MirrorValidator::branch`], one at a time.
//!
//! Memory: one item (branch or classroom) as a `serde_json::Value` plus its typed copy, the validator's per-payload
//! sets of branch ids / classroom names, and about 35–47 bytes per distinct person (see `people.rs`). A single
//! enormous item (one branch holding every student) is held whole: the unit of streaming is the item.

mod people;
mod stream;
mod validate;

#[cfg(test)]
mod tests;

use std::convert::Infallible;
use std::io::Read;

use serde_json::Value;

use crate::input::BodyFormat;
use crate::validation::ValidationErrors;

pub use stream::{stream_items, stream_value, StreamError};
pub use validate::MirrorValidator;

/// A person as a mirror names them: the partner's `uuid` (trimmed, 1–64 printable characters) and a display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorPerson {
    pub uuid: String,
    pub name: String,
}

/// A subject taught in one section, with the teachers assigned to it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorSubject {
    pub id: i64,
    pub name: String,
    pub teachers: Vec<MirrorPerson>,
}

/// A section of a class: its name is unique within the class (trimmed, case-insensitive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorSection {
    pub name: String,
    pub subjects: Vec<MirrorSubject>,
    pub students: Vec<MirrorPerson>,
}

/// A class (grade) of a branch, identified by the partner's integer id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorClass {
    pub id: i64,
    pub name: String,
    pub sections: Vec<MirrorSection>,
}

/// One school of a branches mirror: the partner's id and name, and the whole truth about its classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorBranch {
    pub id: i64,
    pub name: String,
    pub classes: Vec<MirrorClass>,
}

/// One classroom of a simple mirror (identified by name in the tenant's default branch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorClassroom {
    pub name: String,
    pub students: Vec<MirrorPerson>,
    pub teachers: Vec<MirrorPerson>,
}

/// Which top-level array a stream walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MirrorKind {
    /// `POST /api/v2/mirror-data/branches`: the `branches` array.
    Branches,
    /// `POST /api/v2/mirror-data/simple`: `classrooms`, one object or an array of objects.
    Simple,
}

impl MirrorKind {
    /// The top-level key that holds the items: `branches` or `classrooms`.
    pub const fn field(self) -> &'static str {
        match self {
            MirrorKind::Branches => "branches",
            MirrorKind::Simple => "classrooms",
        }
    }
}

/// What the top level said besides the items. [`MirrorValidator::finish`] turns it into the top-level errors.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopLevel {
    /// The raw `force` value, unchecked (the validator reports a non-boolean). `None` when absent or null. To keep
    /// memory bounded, an array or object is skipped and kept as an empty one, and a string is kept trimmed and cut to
    /// 64 bytes; either is invalid anyway, so the verdict does not change.
    pub force: Option<Value>,
    /// How many items were streamed: the array's length, or 1 for a single classroom object.
    pub item_count: usize,
    /// The items key was present and not null and not the empty string (both of which read as missing, as Laravel's
    /// `required` does).
    pub items_field_present: bool,
    /// A simple payload gave `classrooms` as one object (its paths are then `classrooms.name`, no index).
    pub single_object: bool,
    /// The items key held something other than an array (or, for a simple payload, an object): "must be an array".
    pub items_not_array: bool,
}

/// What a valid mirror contains (all counts are over the payload, which is valid as a whole when this exists).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MirrorSummary {
    /// Branches or classrooms.
    pub items: usize,
    /// Distinct uuids.
    pub people: usize,
    /// (student, section or classroom) pairs.
    pub student_memberships: usize,
    /// (teacher, section + subject) pairs, or (teacher, classroom) for a simple mirror.
    pub teaching_assignments: usize,
    /// The body's `force` (false when absent). The caller ORs in `?force=true`.
    pub force: bool,
}

/// Why [`validate_mirror`] refused a body.
#[derive(Debug, thiserror::Error)]
pub enum MirrorRejection {
    /// Not JSON, not an object, or unreadable: answer 400 (or 500 for [`StreamError::Io`] on our own storage).
    #[error(transparent)]
    Malformed(StreamError<Infallible>),
    /// Validation errors by dot path (at most 1000): answer 422.
    #[error("The given data was invalid.")]
    Invalid(ValidationErrors),
}

/// The validator filled up: stop reading.
struct Full;

/// Validates a whole mirror body read incrementally from `reader` (JSON), stopping early once 1000 errors are found.
/// Typed items are dropped as soon as they are checked; the worker uses [`stream_items`] to get them.
pub fn validate_mirror<R: Read>(
    reader: R,
    kind: MirrorKind,
    format: BodyFormat,
    allow_student_teacher: bool,
) -> Result<MirrorSummary, MirrorRejection> {
    let mut validator = MirrorValidator::new(kind, format, allow_student_teacher);
    let streamed = stream_items(reader, kind, |index, value| {
        match (kind, index) {
            (MirrorKind::Branches, Some(index)) => {
                validator.branch(index, &value);
            }
            (MirrorKind::Branches, None) => {}
            (MirrorKind::Simple, index) => {
                validator.classroom(index, &value);
            }
        }
        if validator.is_full() {
            Err(Full)
        } else {
            Ok(())
        }
    });
    match streamed {
        Ok(top) => validator.finish(&top).map_err(MirrorRejection::Invalid),
        Err(StreamError::Callback(Full)) => {
            Err(MirrorRejection::Invalid(validator.finish_partial()))
        }
        Err(StreamError::Syntax(message)) => {
            Err(MirrorRejection::Malformed(StreamError::Syntax(message)))
        }
        Err(StreamError::NotAnObject) => Err(MirrorRejection::Malformed(StreamError::NotAnObject)),
        Err(StreamError::Io(error)) => Err(MirrorRejection::Malformed(StreamError::Io(error))),
    }
}
