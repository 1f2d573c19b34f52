//! Deep pages of large lists without walking `OFFSET` index entries from the start: every
//! [`CHECKPOINT_EVERY`]-th id of a tenant's list, read in one pass and remembered like the list's total (for
//! [`crate::COUNT_TTL`], forgotten after this process's own writes to the tenant). A page then starts at the nearest
//! checkpoint and walks fewer than [`CHECKPOINT_EVERY`] entries. Like the total, the checkpoints may lag a write
//! made elsewhere by a few seconds, which can shift a page by the rows written meanwhile (as `OFFSET` paging does
//! whenever rows are written between two page reads).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

/// A checkpoint every this many rows.
pub const CHECKPOINT_EVERY: i64 = 1000;

/// A tenant and the name of one of its lists.
type ListKey = (i64, &'static str);

#[derive(Debug)]
pub(crate) struct Checkpoints {
    /// The ids at positions 0, `CHECKPOINT_EVERY`, 2 × `CHECKPOINT_EVERY`…
    pub ids: Vec<i64>,
    taken: Instant,
}

impl Checkpoints {
    pub(crate) fn new(ids: Vec<i64>) -> Self {
        Self {
            ids,
            taken: Instant::now(),
        }
    }

    pub(crate) fn is_fresh(&self) -> bool {
        self.taken.elapsed() < crate::COUNT_TTL
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
    pub(crate) reading: tokio::sync::Mutex<()>,
}

impl PageCheckpoints {
    pub(crate) fn get(&self, tenant: i64, list: &'static str) -> Option<Arc<Checkpoints>> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.get(&(tenant, list)).cloned()
    }

    pub(crate) fn put(&self, tenant: i64, list: &'static str, checkpoints: Arc<Checkpoints>) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.insert((tenant, list), checkpoints);
    }

    pub(crate) fn forget(&self, tenant: i64) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.retain(|(cached, _), _| *cached != tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_start_at_the_nearest_checkpoint() {
        let checkpoints = Checkpoints::new(vec![5, 1_200, 2_900]);
        assert_eq!(checkpoints.seek(0), Some((5, 0)));
        assert_eq!(checkpoints.seek(999), Some((5, 999)));
        assert_eq!(checkpoints.seek(1_000), Some((1_200, 0)));
        assert_eq!(checkpoints.seek(2_150), Some((2_900, 150)));
        assert_eq!(checkpoints.seek(3_000), None);
    }
}
