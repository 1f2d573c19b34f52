//! The validator's memory of everyone a payload names, a few bytes per person: per uuid a 128-bit hash (the key), a
//! 64-bit hash of the name, the roles seen, and where the person was first seen as an occurrence number that maps back
//! to a list (`branches.2.classes.0.sections.4.students`) and an index in it. Strings are never kept.
//!
//! Size: a slot is 28 bytes in an open-addressing table kept between 60 % and 80 % full, so 35–47 bytes per distinct
//! person, plus 20 bytes per person list that introduced someone new (≈ 1 byte per person when lists hold ~100
//! people). Growing briefly holds the old and the new table (2.3× the table).
//!
//! Collisions: two different uuids with the same 128-bit hash would be taken for one person (a false "different
//! name" or "student and teacher" error); two different names with the same 64-bit hash would pass as the same name.
//! With hashers seeded randomly per validator the odds are about n²/2¹²⁹ (≈ 10⁻²⁷ for a million people) and 2⁻⁶⁴ per
//! comparison, and a partner cannot aim for them.

use std::hash::{BuildHasher, RandomState};

/// "No index" in a [`ListSite`]: no item index (single classroom object) or, as `subject`, the students list.
pub(super) const NONE: u32 = u32::MAX;

/// Where a list of people sits in the payload, as indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ListSite {
    pub item: u32,
    pub class: u32,
    pub section: u32,
    /// [`NONE`] for a students list; otherwise a teachers list (of that subject, in a branches mirror).
    pub subject: u32,
}

/// A person's first place: the list and the index in it.
pub(super) type Place = (ListSite, u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Student,
    Teacher,
}

/// What one occurrence of a known person contradicts.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Conflicts {
    /// The name differs from the one at this first place.
    pub name: Option<Place>,
    /// The person holds the other role, first seen at this place, and both roles are not allowed.
    pub role: Option<Place>,
}

const STUDENT: u32 = 1 << 30;
const TEACHER: u32 = 1 << 31;
const ORDINAL: u32 = STUDENT - 1;

#[derive(Debug, Clone, Copy, Default)]
struct Slot {
    /// The uuid's 128-bit hash; all zero marks an empty slot (a real key always has its lowest bit set).
    key: [u32; 4],
    name: [u32; 2],
    /// The first occurrence's ordinal (30 bits) and the role bits.
    tag: u32,
}

#[derive(Clone, Copy)]
struct SiteStart {
    first: u32,
    site: ListSite,
}

pub(super) struct People {
    hashers: [RandomState; 2],
    slots: Vec<Slot>,
    len: usize,
    /// Lists that introduced someone, by their first ordinal (increasing).
    sites: Vec<SiteStart>,
    /// The list being read, its first ordinal, and whether it is in `sites` yet.
    current: Option<(SiteStart, bool)>,
    next_ordinal: u64,
}

impl People {
    pub fn new() -> Self {
        Self {
            hashers: [RandomState::new(), RandomState::new()],
            slots: Vec::new(),
            len: 0,
            sites: Vec::new(),
            current: None,
            next_ordinal: 0,
        }
    }

    /// Distinct people recorded.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The next [`People::record`] calls are for the people of this list, which has `len` entries.
    pub fn begin_list(&mut self, site: ListSite, len: usize) {
        let first = u32::try_from(self.next_ordinal).unwrap_or(u32::MAX);
        self.next_ordinal += len as u64;
        self.current = Some((SiteStart { first, site }, false));
    }

    /// Records the person at `index` of the current list, or reports what this occurrence contradicts. A
    /// contradicted occurrence changes nothing, so the first place stays the reference for later messages.
    pub fn record(
        &mut self,
        uuid: &str,
        name: &str,
        role: Role,
        index: usize,
        allow_both: bool,
    ) -> Conflicts {
        let Some((start, pushed)) = self.current else {
            return Conflicts::default();
        };
        let ordinal = u64::from(start.first) + index as u64;
        if ordinal > u64::from(ORDINAL) {
            // Past a billion occurrences (not reachable within the body limit): stop remembering.
            return Conflicts::default();
        }
        let role_bit = match role {
            Role::Student => STUDENT,
            Role::Teacher => TEACHER,
        };
        let key = self.key(uuid);
        let name = split(self.hashers[1].hash_one((name, 1u8)));
        if (self.len + 1) * 5 > self.slots.len() * 4 {
            self.grow();
        }
        let (at, found) = find(&self.slots, key);
        if !found {
            if !pushed {
                self.current = Some((start, true));
                self.sites.push(start);
            }
            self.slots[at] = Slot {
                key,
                name,
                tag: ordinal as u32 | role_bit,
            };
            self.len += 1;
            return Conflicts::default();
        }
        let slot = self.slots[at];
        let first = self.place(slot.tag & ORDINAL);
        let mut conflicts = Conflicts::default();
        if slot.name != name {
            conflicts.name = Some(first);
        }
        let other = (STUDENT | TEACHER) & !role_bit;
        if slot.tag & other != 0 && slot.tag & role_bit == 0 && !allow_both {
            conflicts.role = Some(first);
        }
        if conflicts == Conflicts::default() {
            self.slots[at].tag |= role_bit;
        }
        conflicts
    }

    fn key(&self, uuid: &str) -> [u32; 4] {
        let [a, b] = split(self.hashers[0].hash_one(uuid));
        let [c, d] = split(self.hashers[1].hash_one(uuid) | 1);
        [a, b, c, d]
    }

    fn place(&self, ordinal: u32) -> Place {
        let after = self.sites.partition_point(|start| start.first <= ordinal);
        let start = &self.sites[after.saturating_sub(1)];
        (start.site, ordinal - start.first)
    }

    /// About a third larger (after growing, the table is 60 % full).
    fn grow(&mut self) {
        let capacity = (self.slots.len() + self.slots.len() / 3).max(64);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); capacity]);
        for slot in old.into_iter().filter(|slot| slot.key != [0; 4]) {
            let (at, _) = find(&self.slots, slot.key);
            self.slots[at] = slot;
        }
    }
}

fn split(hash: u64) -> [u32; 2] {
    [hash as u32, (hash >> 32) as u32]
}

/// The slot holding `key`, or the empty slot where it belongs (linear probing; the table is never full).
fn find(slots: &[Slot], key: [u32; 4]) -> (usize, bool) {
    let hash = u64::from(key[0]) | u64::from(key[1]) << 32;
    let mut at = ((u128::from(hash) * slots.len() as u128) >> 64) as usize;
    loop {
        let slot = &slots[at];
        if slot.key == key {
            return (at, true);
        }
        if slot.key == [0; 4] {
            return (at, false);
        }
        at += 1;
        if at == slots.len() {
            at = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(item: u32, subject: u32) -> ListSite {
        ListSite {
            item,
            class: 1,
            section: 2,
            subject,
        }
    }

    #[test]
    fn a_person_slot_is_28_bytes() {
        assert_eq!(std::mem::size_of::<Slot>(), 28);
    }

    #[test]
    fn a_second_name_or_role_points_at_the_first_place() {
        let mut people = People::new();
        people.begin_list(site(0, NONE), 3);
        people.record("x", "Other", Role::Student, 0, false);
        assert_eq!(
            people.record("u1", "Sara", Role::Student, 2, false),
            Conflicts::default()
        );
        people.begin_list(site(1, 4), 1);
        let conflicts = people.record("u1", "Sarah", Role::Teacher, 0, false);
        assert_eq!(conflicts.name, Some((site(0, NONE), 2)));
        assert_eq!(conflicts.role, Some((site(0, NONE), 2)));
        let conflicts = people.record("u1", "Sara", Role::Teacher, 0, true);
        assert_eq!(conflicts, Conflicts::default());
        assert_eq!(
            people.record("u1", "Sara", Role::Student, 0, false),
            Conflicts::default()
        );
        assert_eq!(people.len(), 2);
    }

    #[test]
    fn people_survive_the_table_growing() {
        let mut people = People::new();
        for list in 0..100u32 {
            people.begin_list(site(list, NONE), 1000);
            for index in 0..1000 {
                let uuid = format!("{list}-{index}");
                assert_eq!(
                    people.record(&uuid, "n", Role::Student, index, false),
                    Conflicts::default()
                );
            }
        }
        assert_eq!(people.len(), 100_000);
        people.begin_list(site(7, 3), 100_000);
        for list in 0..100u32 {
            for index in (0..1000).step_by(97) {
                let uuid = format!("{list}-{index}");
                let conflicts = people.record(&uuid, "m", Role::Student, 0, false);
                assert_eq!(conflicts.name, Some((site(list, NONE), index as u32)));
            }
        }
        assert_eq!(people.len(), 100_000);
        let bytes = people.slots.len() * std::mem::size_of::<Slot>();
        assert!(bytes * 4 >= people.len * 28 * 5, "at most 80 % full");
        assert!(
            bytes <= people.len * 47,
            "{} bytes per person",
            bytes / people.len
        );
    }
}
