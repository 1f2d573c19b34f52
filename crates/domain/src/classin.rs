//! ClassIn's numbered codes and a lesson's state as types: how a student sits in a course or lesson (`identity` 1
//! or 2), a person's `Identity` in the lesson pushes (1–4), and where a lesson stands at a moment (the phases its
//! times give, and deletion), each decided in one place instead of compared by hand.

use crate::{codes::stored_as_number, UnixMillis};

// How someone sits in a course or a lesson: ClassIn's `identity` 1 (a student) or 2 (an auditor, who watches but
// does not take part). Stored as that number; on classbridge's own wire it is `student` or `auditor`, and the doc
// line below is that wire schema's description.
/// A student (`student`) or an auditor (`auditor`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum StudentIdentity {
    Student,
    Auditor,
}

impl StudentIdentity {
    /// ClassIn's number, as stored and as the v1 actions take it.
    pub const fn code(self) -> i64 {
        match self {
            Self::Student => 1,
            Self::Auditor => 2,
        }
    }

    /// The identity ClassIn numbers `code`, if any.
    pub const fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Student),
            2 => Some(Self::Auditor),
            _ => None,
        }
    }
}

stored_as_number!(StudentIdentity, code, from_code, "student identity");

/// A person's `Identity` in ClassIn's lesson pushes (`End`, `Attendance`): 1 student, 2 auditor, 3 teacher,
/// 4 co-teacher (an assistant).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LessonIdentity {
    Student,
    Auditor,
    Teacher,
    CoTeacher,
}

impl LessonIdentity {
    /// The number the pushes carry.
    pub const fn code(self) -> i64 {
        match self {
            Self::Student => 1,
            Self::Auditor => 2,
            Self::Teacher => 3,
            Self::CoTeacher => 4,
        }
    }

    /// Whether this person is counted among the lesson's students (students and auditors).
    pub const fn is_student(self) -> bool {
        matches!(self, Self::Student | Self::Auditor)
    }
}

impl From<StudentIdentity> for LessonIdentity {
    fn from(identity: StudentIdentity) -> Self {
        match identity {
            StudentIdentity::Student => Self::Student,
            StudentIdentity::Auditor => Self::Auditor,
        }
    }
}

impl serde::Serialize for LessonIdentity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.code())
    }
}

/// Where a lesson stands by its times: open to every change, locked (it starts within [`LessonPhase::LOCK_MILLIS`]), in
/// session, or ended. A deleted lesson is [`LessonState::Deleted`] whatever its times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonPhase {
    Open,
    Locked,
    InSession,
    Ended,
}

impl LessonPhase {
    /// How long before its start a lesson is locked (ClassIn's 20 minutes): its name, time, seats and bookability
    /// no longer change, recording cannot be switched on, and no seat is booked or cancelled (its teacher and
    /// assistants still may change until it ends).
    pub const LOCK_MILLIS: i64 = 20 * 60 * 1000;

    /// The phase at `now` of a lesson from `begins_at` to `ends_at`: ended from its end on, in session from its
    /// start, locked from [`Self::LOCK_MILLIS`] before it.
    pub fn at(begins_at: UnixMillis, ends_at: UnixMillis, now: UnixMillis) -> Self {
        if ends_at <= now {
            Self::Ended
        } else if begins_at <= now {
            Self::InSession
        } else if begins_at.plus_millis(-Self::LOCK_MILLIS) <= now {
            Self::Locked
        } else {
            Self::Open
        }
    }

    /// Whether the lesson has started (in session or ended).
    pub const fn has_started(self) -> bool {
        matches!(self, Self::InSession | Self::Ended)
    }
}

/// Where a lesson stands at a moment: deleted, or in the phase its times give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonState {
    Live(LessonPhase),
    Deleted,
}

impl LessonState {
    /// The state at `now` of a lesson with these times, deleted or not.
    pub fn at(begins_at: UnixMillis, ends_at: UnixMillis, deleted: bool, now: UnixMillis) -> Self {
        if deleted {
            Self::Deleted
        } else {
            Self::Live(LessonPhase::at(begins_at, ends_at, now))
        }
    }

    /// ClassIn's `classStatus` of the lesson pushes: 1 not started (open or locked), 2 in session, 3 ended,
    /// 4 deleted.
    pub const fn class_status(self) -> i64 {
        match self {
            Self::Live(LessonPhase::Open | LessonPhase::Locked) => 1,
            Self::Live(LessonPhase::InSession) => 2,
            Self::Live(LessonPhase::Ended) => 3,
            Self::Deleted => 4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_identities_are_classins_numbers() {
        for identity in [StudentIdentity::Student, StudentIdentity::Auditor] {
            assert_eq!(StudentIdentity::from_code(identity.code()), Some(identity));
        }
        assert_eq!(StudentIdentity::Student.code(), 1);
        assert_eq!(StudentIdentity::Auditor.code(), 2);
        assert_eq!(StudentIdentity::from_code(0), None);
        assert_eq!(StudentIdentity::from_code(3), None);
        assert_eq!(
            serde_json::to_string(&StudentIdentity::Auditor).unwrap(),
            "\"auditor\""
        );
    }

    #[test]
    fn lesson_identities_are_the_pushes_numbers() {
        let codes = [
            LessonIdentity::Student,
            LessonIdentity::Auditor,
            LessonIdentity::Teacher,
            LessonIdentity::CoTeacher,
        ]
        .map(LessonIdentity::code);
        assert_eq!(codes, [1, 2, 3, 4]);
        assert_eq!(
            LessonIdentity::from(StudentIdentity::Auditor),
            LessonIdentity::Auditor
        );
        assert!(LessonIdentity::Auditor.is_student() && !LessonIdentity::CoTeacher.is_student());
        assert_eq!(
            serde_json::to_string(&LessonIdentity::CoTeacher).unwrap(),
            "4"
        );
    }

    #[test]
    fn a_lessons_phase_follows_its_times() {
        let (begin, end) = (
            UnixMillis::from_seconds(10_000),
            UnixMillis::from_seconds(13_600),
        );
        let at = |seconds: i64| LessonPhase::at(begin, end, UnixMillis::from_seconds(seconds));
        assert_eq!(at(10_000 - 20 * 60 - 1), LessonPhase::Open);
        assert_eq!(at(10_000 - 20 * 60), LessonPhase::Locked);
        assert_eq!(at(9_999), LessonPhase::Locked);
        assert_eq!(at(10_000), LessonPhase::InSession);
        assert_eq!(at(13_599), LessonPhase::InSession);
        assert_eq!(at(13_600), LessonPhase::Ended);
        assert!(at(13_600).has_started() && !at(9_999).has_started());
    }

    #[test]
    fn class_status_is_classins_and_deletion_wins() {
        let (begin, end) = (
            UnixMillis::from_seconds(10_000),
            UnixMillis::from_seconds(13_600),
        );
        let status = |seconds: i64, deleted: bool| {
            LessonState::at(begin, end, deleted, UnixMillis::from_seconds(seconds)).class_status()
        };
        assert_eq!(status(0, false), 1);
        assert_eq!(status(9_999, false), 1);
        assert_eq!(status(10_000, false), 2);
        assert_eq!(status(13_600, false), 3);
        assert_eq!(status(0, true), 4);
        assert_eq!(status(20_000, true), 4);
    }
}
