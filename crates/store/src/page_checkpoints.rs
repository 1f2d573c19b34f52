//! What a deep page of a large list needs to start without walking `OFFSET` index entries from the first row, and
//! without counting a million rows for its `total`: every [`CHECKPOINT_EVERY`]-th id of a tenant's list and the
//! list's length, read together in one pass of the index and remembered. A page then starts at the nearest checkpoint
//! and walks fewer than [`CHECKPOINT_EVERY`] entries.
//!
//! They are forgotten at once after this process's own writes to the tenant (the next page reads them again before
//! it answers). Writes made by another process (a `worker` applying a mirror) show within [`STALE_LIMIT`]: past
//! [`REFRESH_AFTER`], a page still answers from what is known while one background read replaces it, so that under
//! steady reads no request waits for a read of the whole index; past [`STALE_LIMIT`] (a list read rarely), the page
//! reads them again before it answers. Meanwhile a page can be shifted by the rows written elsewhere, as `OFFSET`
//! paging is whenever rows are written between two page reads.
//!
//! Reading them again walks the whole list with a window function (about 0.4 s at a million rows on SQLite). A
//! [`ListSummary`] is one plain pass of the index (about a seventh of that), so it is read first, and known
//! checkpoints whose list still has the same summary are renewed as they are.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// A checkpoint every this many rows.
pub const CHECKPOINT_EVERY: i64 = 100;

/// Checkpoints older than this are read again in the background while they are still used.
pub const REFRESH_AFTER: Duration = Duration::from_secs(5);

/// Checkpoints older than this are not used: they are read again first.
pub const STALE_LIMIT: Duration = Duration::from_secs(10);

/// A tenant and the name of one of its lists.
type ListKey = (i64, &'static str);

/// A list in brief: how many rows, the sum of their ids and the largest id. Ids are never reused and new ones are
/// larger than every earlier one, so rows added or removed change it: added rows raise the largest id or, if their
/// ids were taken before the summary was read and committed after (PostgreSQL), the count or the sum; removed rows
/// lower the count or the sum. Only changes that cancel out exactly in all three (rows leaving and joining a
/// filtered list together, ids summing alike) go unseen, until the list next changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ListSummary {
    pub count: i64,
    pub id_sum: i64,
    pub last_id: i64,
}

#[derive(Debug)]
pub(crate) struct Checkpoints {
    /// The ids at positions 0, `CHECKPOINT_EVERY`, 2 × `CHECKPOINT_EVERY`…
    pub ids: Vec<i64>,
    /// How many rows the list holds.
    pub total: i64,
    /// The list's summary in the same snapshot.
    pub summary: ListSummary,
    taken: Instant,
}

/// How old known checkpoints are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Age {
    Fresh,
    /// Usable while they are read again in the background.
    Stale,
    /// To be read again before use.
    Expired,
}

impl Checkpoints {
    /// From the checkpoint ids, the number of rows from the last checkpoint on, and the list's summary.
    pub(crate) fn new(ids: Vec<i64>, rows_from_last: i64, summary: ListSummary) -> Self {
        let full_stretches = i64::try_from(ids.len().saturating_sub(1)).unwrap_or(i64::MAX);
        let total = if ids.is_empty() {
            0
        } else {
            full_stretches * CHECKPOINT_EVERY + rows_from_last
        };
        Self {
            ids,
            total,
            summary,
            taken: Instant::now(),
        }
    }

    /// The same checkpoints, as fresh as if just read, when the list's summary `now` is the one they were read with.
    pub(crate) fn renewed_if_unchanged(&self, now: ListSummary) -> Option<Self> {
        (now == self.summary).then(|| Self {
            ids: self.ids.clone(),
            total: self.total,
            summary: now,
            taken: Instant::now(),
        })
    }

    pub(crate) fn age(&self) -> Age {
        match self.taken.elapsed() {
            elapsed if elapsed < REFRESH_AFTER => Age::Fresh,
            elapsed if elapsed < STALE_LIMIT => Age::Stale,
            _ => Age::Expired,
        }
    }

    /// Where a page starting at `offset` begins: an id at or before it (`i64::MIN`: the list's start) and how many
    /// rows lie between, never more than two stretches; `None` when the page lies wholly past the known end.
    pub(crate) fn seek(&self, offset: i64) -> Option<(i64, i64)> {
        let index = usize::try_from(offset / CHECKPOINT_EVERY).ok()?;
        if let Some(id) = self.ids.get(index) {
            return Some((*id, offset % CHECKPOINT_EVERY));
        }
        // Past the last checkpoint: from it, as long as the page can still hold rows written since it was read.
        let (from, position) = match self.ids.last() {
            Some(last) => (*last, (self.ids.len() as i64 - 1) * CHECKPOINT_EVERY),
            None => (i64::MIN, 0),
        };
        let skip = offset - position;
        (skip < 2 * CHECKPOINT_EVERY).then_some((from, skip))
    }
}

#[derive(Default)]
pub(crate) struct PageCheckpoints {
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    known: HashMap<ListKey, Arc<Checkpoints>>,
    /// Per tenant, moves at every `forget`: checkpoints read across a forget may miss its write and are not kept.
    forgotten: HashMap<i64, u64>,
    /// Per list, held while its checkpoints are read, so that a burst of requests reads them once.
    reading: HashMap<ListKey, Arc<tokio::sync::Mutex<()>>>,
}

impl PageCheckpoints {
    fn entries(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn get(&self, tenant: i64, list: &'static str) -> Option<Arc<Checkpoints>> {
        self.entries().known.get(&(tenant, list)).cloned()
    }

    /// The lock held while one list's checkpoints are read.
    pub(crate) fn reading(&self, tenant: i64, list: &'static str) -> Arc<tokio::sync::Mutex<()>> {
        self.entries()
            .reading
            .entry((tenant, list))
            .or_default()
            .clone()
    }

    /// Taken before reading checkpoints, and given back to [`PageCheckpoints::put`].
    pub(crate) fn ticket(&self, tenant: i64) -> u64 {
        self.entries().forgotten.get(&tenant).copied().unwrap_or(0)
    }

    /// Keeps checkpoints read under `ticket`, unless the tenant's were forgotten since.
    pub(crate) fn put(
        &self,
        tenant: i64,
        list: &'static str,
        checkpoints: Arc<Checkpoints>,
        ticket: u64,
    ) {
        let mut entries = self.entries();
        if entries.forgotten.get(&tenant).copied().unwrap_or(0) == ticket {
            entries.known.insert((tenant, list), checkpoints);
        }
    }

    pub(crate) fn forget(&self, tenant: i64) {
        let mut entries = self.entries();
        *entries.forgotten.entry(tenant).or_default() += 1;
        entries.known.retain(|(cached, _), _| *cached != tenant);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Summaries play no part in these tests.
    const SUMMARY: ListSummary = ListSummary {
        count: 0,
        id_sum: 0,
        last_id: 0,
    };

    #[test]
    fn pages_start_at_the_nearest_checkpoint() {
        let every = CHECKPOINT_EVERY;
        let checkpoints = Checkpoints::new(vec![5, 1_200, 2_900], 17, SUMMARY);
        assert_eq!(checkpoints.seek(0), Some((5, 0)));
        assert_eq!(checkpoints.seek(every - 1), Some((5, every - 1)));
        assert_eq!(checkpoints.seek(every), Some((1_200, 0)));
        assert_eq!(checkpoints.seek(2 * every + 15), Some((2_900, 15)));
        // Past the known end: from the last checkpoint for rows written since, then nothing to walk.
        assert_eq!(checkpoints.seek(3 * every + 5), Some((2_900, every + 5)));
        assert_eq!(checkpoints.seek(4 * every), None);
        assert_eq!(checkpoints.seek(i64::from(u32::MAX) * 1000), None);
        let empty = Checkpoints::new(Vec::new(), 0, SUMMARY);
        assert_eq!(empty.seek(0), Some((i64::MIN, 0)));
        assert_eq!(empty.seek(2 * every), None);
    }

    #[test]
    fn the_total_is_the_full_stretches_and_the_last_one() {
        assert_eq!(
            Checkpoints::new(vec![5, 1_200, 2_900], 17, SUMMARY).total,
            2 * CHECKPOINT_EVERY + 17
        );
        assert_eq!(Checkpoints::new(vec![5], 1, SUMMARY).total, 1);
        assert_eq!(Checkpoints::new(Vec::new(), 0, SUMMARY).total, 0);
    }

    #[test]
    fn checkpoints_are_renewed_only_while_the_list_has_the_same_summary() {
        let summary = ListSummary {
            count: CHECKPOINT_EVERY + 40,
            id_sum: 123_456,
            last_id: 1_300,
        };
        let read = Checkpoints::new(vec![5, 1_200], 40, summary);
        let renewed = read
            .renewed_if_unchanged(summary)
            .expect("the list is the same");
        assert_eq!(
            (renewed.ids.clone(), renewed.total),
            (vec![5, 1_200], CHECKPOINT_EVERY + 40)
        );
        assert_eq!(renewed.age(), Age::Fresh);
        for changed in [
            ListSummary {
                count: summary.count + 1,
                ..summary
            },
            ListSummary {
                id_sum: summary.id_sum - 7,
                ..summary
            },
            ListSummary {
                last_id: 1_301,
                ..summary
            },
        ] {
            assert!(read.renewed_if_unchanged(changed).is_none());
        }
    }
}
