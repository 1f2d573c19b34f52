//! Stored states kept as text: how a membership came to be, where a section comes from, and what a person is in a
//! lesson. Each is stored as the same TEXT as before it had a type (`mirror`, `manual`, `teacher`, …), and decoded
//! in one place (its `sqlx::Type`), so a value the schema does not know is an error at the read, not a string
//! compared by hand later.

use std::fmt;

/// Implements `as_str`, `Display`, `FromStr` and the database type (TEXT, as `as_str` writes it) of a state enum.
macro_rules! text_state {
    ($name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $name {
            /// The value as stored.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownState;

            fn from_str(text: &str) -> Result<Self, UnknownState> {
                match text {
                    $($text => Ok(Self::$variant),)+
                    _ => Err(UnknownState {
                        state: stringify!($name),
                        value: text.to_owned(),
                    }),
                }
            }
        }

        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            &'q str: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buffer: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <&'q str as sqlx::Encode<'q, DB>>::encode(self.as_str(), buffer)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let text = <&'r str as sqlx::Decode<'r, DB>>::decode(value)?;
                Ok(text.parse()?)
            }
        }
    };
}

/// A stored value a state enum does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {state}: {value:?}")]
pub struct UnknownState {
    pub state: &'static str,
    pub value: String,
}

/// How a student membership or a teaching assignment came to be (`section_students.source`,
/// `teaching_assignments.source`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MembershipSource {
    /// Written by a mirror; the branch's next mirror decides it again.
    Mirror,
    /// Made through the users API; a mirror keeps it.
    Manual,
}

text_state!(MembershipSource {
    Mirror => "mirror",
    Manual => "manual",
});

/// Where a section comes from (`sections.origin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionOrigin {
    /// A mirrored section.
    Mirror,
    /// A classroom made through the API, in the tenant's default branch.
    Manual,
}

text_state!(SectionOrigin {
    Mirror => "mirror",
    Manual => "manual",
});

/// What a person is in a lesson: its teacher, one of its assistants (ClassIn's co-teachers) or a student
/// (`classin_lesson_attendance.role`, and the role a person's lesson list gives).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LessonRole {
    Teacher,
    Assistant,
    Student,
}

text_state!(LessonRole {
    Teacher => "teacher",
    Assistant => "assistant",
    Student => "student",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_read_back_what_they_store_and_refuse_the_rest() {
        for source in [MembershipSource::Mirror, MembershipSource::Manual] {
            assert_eq!(source.as_str().parse::<MembershipSource>(), Ok(source));
        }
        for origin in [SectionOrigin::Mirror, SectionOrigin::Manual] {
            assert_eq!(origin.as_str().parse::<SectionOrigin>(), Ok(origin));
        }
        for role in [
            LessonRole::Teacher,
            LessonRole::Assistant,
            LessonRole::Student,
        ] {
            assert_eq!(role.as_str().parse::<LessonRole>(), Ok(role));
        }
        assert!("co-teacher".parse::<LessonRole>().is_err());
        assert_eq!(MembershipSource::Manual.as_str(), "manual");
        assert!("Mirror".parse::<MembershipSource>().is_err());
        assert!("".parse::<SectionOrigin>().is_err());
    }
}
