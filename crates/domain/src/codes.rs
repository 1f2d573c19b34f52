//! The database type of the enums stored as a number (a role's id, a ClassIn identity code): written once here so
//! each enum only says how its cases map to numbers, and a number no case has is an error at the read.

/// Implements `sqlx::Type`, `Encode` and `Decode` of `$name`, stored as the `i64` that `$to(self)` gives and read
/// back with `$from(i64) -> Option<$name>`; `$what` names it in the decode error.
macro_rules! stored_as_number {
    ($name:ident, $to:ident, $from:ident, $what:literal) => {
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            i64: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <i64 as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <i64 as sqlx::Type<DB>>::compatible(ty)
            }
        }

        impl<'q, DB: sqlx::Database> sqlx::Encode<'q, DB> for $name
        where
            i64: sqlx::Encode<'q, DB>,
        {
            fn encode_by_ref(
                &self,
                buffer: &mut <DB as sqlx::Database>::ArgumentBuffer<'q>,
            ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
                <i64 as sqlx::Encode<'q, DB>>::encode(self.$to(), buffer)
            }
        }

        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            i64: sqlx::Decode<'r, DB>,
        {
            fn decode(
                value: <DB as sqlx::Database>::ValueRef<'r>,
            ) -> Result<Self, sqlx::error::BoxDynError> {
                let number = <i64 as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::$from(number)
                    .ok_or_else(|| format!(concat!("no ", $what, " is numbered {}"), number).into())
            }
        }
    };
}

pub(crate) use stored_as_number;
