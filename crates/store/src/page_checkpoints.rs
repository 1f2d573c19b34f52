//! What a deep page of a large list needs to start without walking `OFFSET` index entries from the first row, and
//! without counting a million rows for its `total`: every [`CHECKPOINT_EVERY`]-th id of a tenant's list and the
//! list's length, read together in one pass of the index and remembered. A page then starts at the nearest checkpoint
//! and walks fewer than [`CHECKPOINT_EVERY`] entries.
//!
//! They are forgotten at once after this process's own writes to the tenant (the next page reads them again before
//! it answers). Writes made by another process (a `worker` applying a mirror) show within [`REFRESH_AFTER`]: past it,
//! a page still answers from what is known while one background read replaces it, so no request waits for a read
//! of the whole index except the first after a write here. Meanwhile a page can be shifted by the rows written
//! elsewhere, as `OFFSET` paging is whenever rows are written between two page reads.

use std::{
    collections::HashMap,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

/// A checkpoint every this many rows.
pub const CHECKPOINT_EVERY: i64 = 100;

/// Checkpoints older than this are read again (in the background).
pub const REFRESH_AFTER: Duration = Duration::from_secs(5);

/// A tenant and the name of one of its lists.
type ListKey = (i64, &'static str);

#[derive(Debug)]
pub(crate) struct Checkpoints {
    /// The ids at positions 0, `CHECKPOINT_EVERY`, 2 × `CHECKPOINT_EVERY`…
    pub ids: Vec<i64>,
    /// How many rows the list holds.
    pub total: i64,
    taken: Instant,
}

impl Checkpoints {
    /// From the checkpoint ids and the number of rows from the last checkpoint on.
    pub(crate) fn new(ids: Vec<i64>, rows_from_last: i64) -> Self {
        let full_stretches = i64::try_from(ids.len().saturating_sub(1)).unwrap_or(i64::MAX);
        let total = if ids.is_empty() {
            0
        } else {
            full_stretches * CHECKPOINT_EVERY + rows_from_last
        };
        Self {
            ids,
            total,
            taken: Instant::now(),
        }
    }

    pub(crate) fn is_fresh(&self) -> bool {
        self.taken.elapsed() < REFRESH_AFTER
    }

    /// Where a page starting at `offset` begins: the checkpoint id at or before it, and how many rows lie between;
    /// `None` past the last checkpoint.
    pub(crate) fn seek(&self, offset: i64) -> Option<(i64, i64)> {
        let index = usize::try_from(offset / CHECKPOINT_EVERY).ok()?;
        self.ids
            .get(index)
            .map(|id| (*id, offset % CHECKPOINT_EVERY))
    }
}

#[derive(Default)]
pub(crate) struct PageCheckpoints {
    entries: Mutex<HashMap<ListKey, Arc<Checkpoints>>>,
    /// Held while checkpoints are read, so that a burst of requests reads them once.
    pub(crate) reading: Arc<tokio::sync::Mutex<()>>,
    /// Moves at every `forget`: checkpoints read across a forget may miss its write and are not kept.
    forgotten: AtomicU64,
}

impl PageCheckpoints {
    pub(crate) fn get(&self, tenant: i64, list: &'static str) -> Option<Arc<Checkpoints>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(&(tenant, list)).cloned()
    }

    /// Taken before reading checkpoints, and given back to [`PageCheckpoints::put`].
    pub(crate) fn ticket(&self) -> u64 {
        self.forgotten.load(Ordering::Acquire)
    }

    /// Keeps checkpoints read under `ticket`, unless something was forgotten since.
    pub(crate) fn put(
        &self,
        tenant: i64,
        list: &'static str,
        checkpoints: Arc<Checkpoints>,
        ticket: u64,
    ) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if self.forgotten.load(Ordering::Acquire) == ticket {
            entries.insert((tenant, list), checkpoints);
        }
    }

    pub(crate) fn forget(&self, tenant: i64) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        self.forgotten.fetch_add(1, Ordering::AcqRel);
        entries.retain(|(cached, _), _| *cached != tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_start_at_the_nearest_checkpoint() {
        let every = CHECKPOINT_EVERY;
        let checkpoints = Checkpoints::new(vec![5, 1_200, 2_900], 17);
        assert_eq!(checkpoints.seek(0), Some((5, 0)));
        assert_eq!(checkpoints.seek(every - 1), Some((5, every - 1)));
        assert_eq!(checkpoints.seek(every), Some((1_200, 0)));
        assert_eq!(checkpoints.seek(2 * every + 15), Some((2_900, 15)));
        assert_eq!(checkpoints.seek(3 * every), None);
    }

    #[test]
    fn the_total_is_the_full_stretches_and_the_last_one() {
        assert_eq!(
            Checkpoints::new(vec![5, 1_200, 2_900], 17).total,
            2 * CHECKPOINT_EVERY + 17
        );
        assert_eq!(Checkpoints::new(vec![5], 1).total, 1);
        assert_eq!(Checkpoints::new(Vec::new(), 0).total, 0);
    }
}
