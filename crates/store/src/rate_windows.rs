//! Per-credential calls per minute window, shared by every node of a deployment through the database: each node
//! takes a grant of calls from the window's row before spending them, so the whole deployment never passes the limit.

use crate::{Store, StoreResult};

/// One minute, in the milliseconds windows are keyed by.
pub const WINDOW_MS: i64 = 60_000;

impl Store {
    /// Takes up to `want` of the credential's `limit` calls in the window starting at `window_start` (Unix ms);
    /// returns how many it got: `want`, or 1 when fewer than `want` are left, or 0 when the window is spent.
    ///
    /// Not tenant-scoped: the rate limit of the credential the request authenticated with (its id comes from the
    /// authentication path); windows are per credential.
    pub async fn take_rate_grant(
        &self,
        credential_id: i64,
        window_start: i64,
        limit: i64,
        want: i64,
    ) -> StoreResult<i64> {
        Ok(in_transaction!(self, tx => {
            sqlx::query(
                "INSERT INTO rate_limit_windows (credential_id, window_start, taken) VALUES ($1, $2, 0) \
                 ON CONFLICT (credential_id, window_start) DO NOTHING",
            )
            .bind(credential_id)
            .bind(window_start)
            .execute(&mut *tx)
            .await?;
            let mut granted = 0;
            for amount in [want.max(1), 1] {
                let taken: Option<i64> = sqlx::query_scalar(
                    "UPDATE rate_limit_windows SET taken = taken + $3 \
                     WHERE credential_id = $1 AND window_start = $2 AND taken + $3 <= $4 RETURNING taken",
                )
                .bind(credential_id)
                .bind(window_start)
                .bind(amount)
                .bind(limit)
                .fetch_optional(&mut *tx)
                .await?;
                if taken.is_some() {
                    granted = amount;
                    break;
                }
            }
            sqlx::query("DELETE FROM rate_limit_windows WHERE credential_id = $1 AND window_start < $2")
                .bind(credential_id)
                .bind(window_start - WINDOW_MS)
                .execute(&mut *tx)
                .await?;
            granted
        }))
    }
}
