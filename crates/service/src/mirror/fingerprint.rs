//! Fingerprints of a branch payload, so that a re-mirror can tell what it has to compare at all.

use classbridge_domain::mirror::MirrorBranch;

/// Two hashes of the branch payload, in its order: of its structure (everything but people's names) and of all of it.
pub fn payload_fingerprints(branch: &MirrorBranch) -> (String, String) {
    use sha2::{Digest, Sha256};
    let (mut structure, mut names) = (Sha256::new(), Sha256::new());
    let put = |hash: &mut Sha256, value: &str| {
        hash.update((value.len() as u64).to_le_bytes());
        hash.update(value.as_bytes());
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
                    put(&mut names, &teacher.name);
                }
            }
            put(&mut structure, "students");
            for student in &section.students {
                put(&mut structure, &student.uuid);
                put(&mut names, &student.name);
            }
        }
    }
    let structure = hex::encode(structure.finalize());
    let mut full = Sha256::new();
    full.update(structure.as_bytes());
    full.update(names.finalize());
    (structure, hex::encode(full.finalize()))
}
