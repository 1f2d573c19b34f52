//! Typed row ids: one type per table, so a section id cannot be passed where a user id is wanted. Each is stored as
//! the table's `BIGINT`/`INTEGER` key (`sqlx(transparent)`) and serialized as the bare number.

use std::fmt;

/// What every row id is: a table's key under a type of its own. Lets code that parses or renders any id (a path
/// segment, say) stay generic while its caller names which id it wants.
pub trait RowId: Copy {
    /// The id of a row with this key.
    fn from_key(key: i64) -> Self;

    /// The key as stored.
    fn key(self) -> i64;
}

/// Declares an id newtype over `i64` with the conversions every id needs.
macro_rules! row_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize, sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(i64);

        impl $name {
            /// The id of a row with this key (from a request's path, or a row read back).
            pub const fn new(id: i64) -> Self {
                Self(id)
            }

            /// The key as stored.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl RowId for $name {
            fn from_key(key: i64) -> Self {
                Self(key)
            }

            fn key(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    };
}

row_id!(
    /// A person (`users.id`): admin, teacher, student or supervisor.
    UserId
);
row_id!(
    /// A branch (school) of a tenant (`branches.id`; the partner's own id is `partner_id`).
    BranchId
);
row_id!(
    /// A class (grade) of a branch (`classes.id`).
    ClassId
);
row_id!(
    /// A section of a class (`sections.id`).
    SectionId
);
row_id!(
    /// A subject taught in a branch (`subjects.id`).
    SubjectId
);
row_id!(
    /// A user group (`user_groups.id`).
    GroupId
);
row_id!(
    /// A ClassIn course (`classin_courses.id`).
    CourseId
);
row_id!(
    /// A ClassIn lesson (`classin_lessons.id`).
    LessonId
);
row_id!(
    /// A ClassIn label (`classin_labels.id`).
    LabelId
);
row_id!(
    /// A ClassIn v2 unit of a course (`classin_units.id`).
    UnitId
);
row_id!(
    /// A ClassIn v2 activity of a unit (`classin_activities.id`).
    ActivityId
);
row_id!(
    /// A learning path (`learning_paths.id`).
    LearningPathId
);
row_id!(
    /// A student's attempt at a lab (`lab_attempts.id`).
    AttemptId
);

/// The id of a row not stored yet. A new row is built with `id: Unsaved` (`NewLesson`, `NewCourse`, …) and gets
/// its real id from the insert, so no row carries a made-up id such as 0 that code must remember to test for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Unsaved;

/// A row's id field, stored or not: what code that handles new and stored rows alike asks of it.
pub trait RowKey<Id>: Copy {
    /// The row's id once it is stored; `None` for a new row.
    fn saved(self) -> Option<Id>;
}

impl<Id: RowId> RowKey<Id> for Id {
    fn saved(self) -> Option<Id> {
        Some(self)
    }
}

impl<Id> RowKey<Id> for Unsaved {
    fn saved(self) -> Option<Id> {
        None
    }
}

/// A moment as stored: milliseconds since the Unix epoch, UTC.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    sqlx::Type,
)]
#[serde(transparent)]
#[sqlx(transparent)]
pub struct UnixMillis(i64);

impl UnixMillis {
    /// The moment `millis` milliseconds after the epoch.
    pub const fn new(millis: i64) -> Self {
        Self(millis)
    }

    /// Now, by the system clock.
    pub fn now() -> Self {
        let elapsed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
    }

    /// The moment `seconds` (whole seconds since the epoch) names, saturating at the ends of the range.
    pub const fn from_seconds(seconds: i64) -> Self {
        Self(seconds.saturating_mul(1000))
    }

    /// Milliseconds since the epoch.
    pub const fn millis(self) -> i64 {
        self.0
    }

    /// Whole seconds since the epoch (rounded down).
    pub const fn seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// This moment moved by `millis` (negative moves back), saturating at the ends of the range.
    pub const fn plus_millis(self, millis: i64) -> Self {
        Self(self.0.saturating_add(millis))
    }
}

impl From<UnixMillis> for i64 {
    fn from(moment: UnixMillis) -> i64 {
        moment.0
    }
}

impl fmt::Display for UnixMillis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_bare_numbers_and_read_back() {
        let id = SectionId::new(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<SectionId>("42").unwrap(), id);
        assert_eq!(id.to_string(), "42");
        assert_eq!(i64::from(id), 42);
    }

    #[test]
    fn a_new_row_has_no_saved_id() {
        assert_eq!(RowKey::<UserId>::saved(Unsaved), None);
        assert_eq!(UserId::new(7).saved(), Some(UserId::new(7)));
    }

    #[test]
    fn unix_millis_converts_seconds_and_saturates() {
        assert_eq!(UnixMillis::from_seconds(3).millis(), 3000);
        assert_eq!(UnixMillis::new(-1).seconds(), -1);
        assert_eq!(UnixMillis::new(2999).seconds(), 2);
        assert_eq!(UnixMillis::from_seconds(i64::MAX).millis(), i64::MAX);
        assert_eq!(UnixMillis::new(i64::MAX).plus_millis(1).millis(), i64::MAX);
        assert!(UnixMillis::now().millis() > 1_700_000_000_000);
    }
}
