//! Fingerprints of a branch payload, so that a re-mirror can tell what it has to compare at all.

use classbridge_domain::mirror::MirrorBranch;
use sha2::{Digest, Sha256};

/// What a branch payload is made of, as remembered after it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFingerprint {
    /// SHA-256 of the structure: everything but people's names, in payload order.
    pub structure: String,
    /// SHA-256 of all of it.
    pub full: String,
    /// A 64-bit hash of each person's name, 8 bytes each, in payload order (teachers of each subject, then the
    /// students of each section, section after section). Two payloads of the same structure name the same people
    /// at the same places, so comparing these place by place finds whose name changed without reading anyone.
    pub names: Vec<u8>,
}

impl PayloadFingerprint {
    pub fn of(branch: &MirrorBranch) -> Self {
        let (mut structure, mut all_names) = (Sha256::new(), Sha256::new());
        let mut names = Vec::new();
        let put = |hash: &mut Sha256, value: &str| {
            hash.update((value.len() as u64).to_le_bytes());
            hash.update(value.as_bytes());
        };
        let mut put_name = |all_names: &mut Sha256, name: &str| {
            put(all_names, name);
            names.extend_from_slice(&name_hash(name).to_le_bytes());
        };
        put(&mut structure, &branch.id.to_string());
        put(&mut structure, &branch.name);
        for class in &branch.classes {
            put(&mut structure, "class");
            put(&mut structure, &class.id.to_string());
            put(&mut structure, &class.name);
            for section in &class.sections {
                put(&mut structure, "section");
                put(&mut structure, &section.name);
                for subject in &section.subjects {
                    put(&mut structure, "subject");
                    put(&mut structure, &subject.id.to_string());
                    put(&mut structure, &subject.name);
                    for teacher in &subject.teachers {
                        put(&mut structure, &teacher.uuid);
                        put_name(&mut all_names, &teacher.name);
                    }
                }
                put(&mut structure, "students");
                for student in &section.students {
                    put(&mut structure, &student.uuid);
                    put_name(&mut all_names, &student.name);
                }
            }
        }
        let structure = hex::encode(structure.finalize());
        let mut full = Sha256::new();
        full.update(structure.as_bytes());
        full.update(all_names.finalize());
        Self {
            structure,
            full: hex::encode(full.finalize()),
            names,
        }
    }

    /// What a branch keeps of its name hashes: prefixed with the hash of the whole payload they were taken from, so
    /// that hashes left beside another payload's fingerprint (written by a version that kept none) are not trusted.
    pub fn names_record(&self) -> Vec<u8> {
        let mut record = Vec::with_capacity(self.full.len() + self.names.len());
        record.extend_from_slice(self.full.as_bytes());
        record.extend_from_slice(&self.names);
        record
    }

    /// The name hashes of a kept record, when it was taken from the payload whose full hash is `full`.
    pub fn names_of<'a>(record: &'a [u8], full: &str) -> Option<&'a [u8]> {
        record.strip_prefix(full.as_bytes())
    }

    /// The places (in payload order) whose name hash differs from `before`'s; `None` when `before` does not have
    /// as many places (it was made from another structure, or by an older version that kept no name hashes).
    pub fn renamed_places(&self, before: &[u8]) -> Option<Vec<usize>> {
        (before.len() == self.names.len()).then(|| {
            self.names
                .chunks_exact(8)
                .zip(before.chunks_exact(8))
                .enumerate()
                .filter(|(_, (now, then))| now != then)
                .map(|(place, _)| place)
                .collect()
        })
    }
}

/// FNV-1a (64 bits) of a name: stable across builds and machines, as a stored hash must be.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The people of a branch payload at their places, in the order [`PayloadFingerprint::names`] hashes them.
pub fn people_in_order(branch: &MirrorBranch) -> impl Iterator<Item = (&str, &str)> {
    branch.classes.iter().flat_map(|class| {
        class.sections.iter().flat_map(|section| {
            section
                .subjects
                .iter()
                .flat_map(|subject| {
                    subject
                        .teachers
                        .iter()
                        .map(|t| (t.uuid.as_str(), t.name.as_str()))
                })
                .chain(
                    section
                        .students
                        .iter()
                        .map(|s| (s.uuid.as_str(), s.name.as_str())),
                )
        })
    })
}

#[cfg(test)]
mod tests {
    use classbridge_domain::mirror::{
        MirrorBranch, MirrorClass, MirrorPerson, MirrorSection, MirrorSubject,
    };

    use super::PayloadFingerprint;

    fn person(uuid: &str, name: &str) -> MirrorPerson {
        MirrorPerson {
            uuid: uuid.into(),
            name: name.into(),
        }
    }

    fn branch(student_name: &str) -> MirrorBranch {
        MirrorBranch {
            id: 1,
            name: "North".into(),
            classes: vec![MirrorClass {
                id: 10,
                name: "Grade 5".into(),
                sections: vec![MirrorSection {
                    name: "A".into(),
                    subjects: vec![MirrorSubject {
                        id: 1,
                        name: "Math".into(),
                        teachers: vec![person("t1", "T")],
                    }],
                    students: vec![person("s1", "Sara"), person("s2", student_name)],
                }],
            }],
        }
    }

    #[test]
    fn renamed_places_are_found_and_names_are_trusted_only_beside_their_payload() {
        let before = PayloadFingerprint::of(&branch("Omar"));
        let after = PayloadFingerprint::of(&branch("Omar B."));
        assert_eq!(before.structure, after.structure);
        let record = before.names_record();
        let names = PayloadFingerprint::names_of(&record, &before.full).unwrap();
        assert_eq!(
            after.renamed_places(names),
            Some(vec![2]),
            "teacher, Sara, then Omar"
        );
        assert_eq!(PayloadFingerprint::names_of(&record, &after.full), None);
        assert_eq!(
            after.renamed_places(&names[8..]),
            None,
            "another structure's hashes"
        );
    }
}
