//! The mirror payload of the performance targets, generated lazily: one branch per chunk of the request body.
//!
//! Shape (platform.md, "Performance targets"): branches × 10 classes × 5 sections; each section has 100 students and
//! 5 subjects (Math, Science, Arabic, English, Art) with one teacher each. Students are numbered 1..=N in section
//! order (`s{n}`, "Student {n}"), sections 1..=S across the payload, teachers 1..=5S (`t{n}`, "Teacher {n}"). When N
//! is not a multiple of 5,000 the last branch is smaller: fewer sections, and a last section with fewer students.

use std::{
    fmt::Write,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
};

use bytes::Bytes;
use futures::StreamExt as _;

pub const STUDENTS_PER_SECTION: u64 = 100;
pub const SECTIONS_PER_CLASS: u64 = 5;
pub const CLASSES_PER_BRANCH: u64 = 10;
pub const SECTIONS_PER_BRANCH: u64 = SECTIONS_PER_CLASS * CLASSES_PER_BRANCH;
pub const STUDENTS_PER_BRANCH: u64 = STUDENTS_PER_SECTION * SECTIONS_PER_BRANCH;
pub const SUBJECTS: [&str; 5] = ["Math", "Science", "Arabic", "English", "Art"];
const SECTION_NAMES: [&str; SECTIONS_PER_CLASS as usize] = ["A", "B", "C", "D", "E"];
/// Every `RENAME_EVERY`th student is renamed in the "1 % changed" variant.
pub const RENAME_EVERY: u64 = 100;

/// How many of everything a payload of N students holds.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub students: u64,
    pub branches: u64,
    pub sections: u64,
    pub teachers: u64,
}

impl Shape {
    pub fn new(students: u64) -> Self {
        let students = students.max(1);
        let sections = students.div_ceil(STUDENTS_PER_SECTION);
        Self {
            students,
            branches: students.div_ceil(STUDENTS_PER_BRANCH),
            sections,
            teachers: sections * SUBJECTS.len() as u64,
        }
    }

    /// The section (1-based, across the payload) of student `n`.
    pub fn section_of(n: u64) -> u64 {
        (n - 1) / STUDENTS_PER_SECTION + 1
    }

    /// Students renamed by the "1 % changed" variant.
    pub fn renamed_students(&self) -> u64 {
        self.students / RENAME_EVERY
    }

    /// Teaching assignments (section + subject + teacher): one per teacher.
    pub fn teaching_assignments(&self) -> u64 {
        self.teachers
    }
}

/// Which payload to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Everyone with their plain name.
    Original,
    /// Every 100th student renamed to "Student {n} (renamed)".
    Renamed,
}

/// A request body that generates the payload while it is sent (chunked, no Content-Length), adding the bytes it
/// produced to `sent`.
pub fn body(shape: Shape, variant: Variant, sent: Arc<AtomicU64>) -> reqwest::Body {
    let chunks = futures::stream::iter(0..=shape.branches).map(move |index| {
        let chunk = chunk(&shape, variant, index);
        sent.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        Ok::<Bytes, std::io::Error>(chunk)
    });
    reqwest::Body::wrap_stream(chunks)
}

/// Chunk `index` of the body: branches 1..=B (the first opening the document), then B+1 closing it.
fn chunk(shape: &Shape, variant: Variant, index: u64) -> Bytes {
    let mut out = String::with_capacity(320 * 1024);
    if index == 0 {
        out.push_str("{\"branches\":[");
    }
    if index < shape.branches {
        if index > 0 {
            out.push(',');
        }
        write_branch(&mut out, shape, variant, index + 1);
    } else {
        out.push_str("]}");
    }
    Bytes::from(out)
}

fn write_branch(out: &mut String, shape: &Shape, variant: Variant, branch: u64) {
    let first_section = (branch - 1) * SECTIONS_PER_BRANCH + 1;
    let last_section = (branch * SECTIONS_PER_BRANCH).min(shape.sections);
    let sections = last_section - first_section + 1;
    let classes = sections.div_ceil(SECTIONS_PER_CLASS);
    let _ = write!(
        out,
        "{{\"id\":{branch},\"name\":\"Branch {branch}\",\"classes\":["
    );
    for class in 1..=classes {
        if class > 1 {
            out.push(',');
        }
        let _ = write!(
            out,
            "{{\"id\":{class},\"name\":\"Class {class}\",\"sections\":["
        );
        let class_first = first_section + (class - 1) * SECTIONS_PER_CLASS;
        let class_last = (class_first + SECTIONS_PER_CLASS - 1).min(last_section);
        for (position, section) in (class_first..=class_last).enumerate() {
            if position > 0 {
                out.push(',');
            }
            write_section(out, shape, variant, section, SECTION_NAMES[position]);
        }
        out.push_str("]}");
    }
    out.push_str("]}");
}

fn write_section(out: &mut String, shape: &Shape, variant: Variant, section: u64, name: &str) {
    let _ = write!(out, "{{\"name\":\"{name}\",\"subjects\":[");
    for (offset, subject) in SUBJECTS.iter().enumerate() {
        if offset > 0 {
            out.push(',');
        }
        let id = offset + 1;
        let teacher = (section - 1) * SUBJECTS.len() as u64 + id as u64;
        let _ = write!(
            out,
            "{{\"id\":{id},\"name\":\"{subject}\",\"teachers\":[{{\"uuid\":\"t{teacher}\",\"name\":\"Teacher {teacher}\"}}]}}"
        );
    }
    out.push_str("],\"students\":[");
    let first = (section - 1) * STUDENTS_PER_SECTION + 1;
    let last = (section * STUDENTS_PER_SECTION).min(shape.students);
    for n in first..=last {
        if n > first {
            out.push(',');
        }
        let suffix = if variant == Variant::Renamed && n % RENAME_EVERY == 0 {
            " (renamed)"
        } else {
            ""
        };
        let _ = write!(
            out,
            "{{\"uuid\":\"s{n}\",\"name\":\"Student {n}{suffix}\"}}"
        );
    }
    out.push_str("]}");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(shape: Shape, variant: Variant) -> serde_json::Value {
        let mut text = Vec::new();
        for index in 0..=shape.branches {
            text.extend_from_slice(&chunk(&shape, variant, index));
        }
        serde_json::from_slice(&text).expect("the payload is JSON")
    }

    #[test]
    fn full_branches_have_the_documented_shape() {
        let shape = Shape::new(10_000);
        assert_eq!(
            (shape.branches, shape.sections, shape.teachers),
            (2, 100, 500)
        );
        let doc = whole(shape, Variant::Original);
        let branches = doc["branches"].as_array().unwrap();
        assert_eq!(branches.len(), 2);
        let classes = branches[1]["classes"].as_array().unwrap();
        assert_eq!(classes.len(), 10);
        let section = &classes[9]["sections"][4];
        assert_eq!(section["name"], "E");
        assert_eq!(section["subjects"].as_array().unwrap().len(), 5);
        assert_eq!(section["subjects"][4]["teachers"][0]["uuid"], "t500");
        let students = section["students"].as_array().unwrap();
        assert_eq!(students.len(), 100);
        assert_eq!(students[99]["uuid"], "s10000");
        assert_eq!(students[99]["name"], "Student 10000");
    }

    #[test]
    fn the_last_branch_is_smaller_and_renames_every_hundredth() {
        let shape = Shape::new(5_150);
        assert_eq!(
            (shape.branches, shape.sections, shape.teachers),
            (2, 52, 260)
        );
        assert_eq!(shape.renamed_students(), 51);
        let doc = whole(shape, Variant::Renamed);
        let last = &doc["branches"][1];
        assert_eq!(last["classes"].as_array().unwrap().len(), 1);
        let sections = last["classes"][0]["sections"].as_array().unwrap();
        assert_eq!(sections.len(), 2);
        let students = sections[1]["students"].as_array().unwrap();
        assert_eq!(students.len(), 50);
        assert_eq!(students[49]["name"], "Student 5150");
        assert_eq!(
            doc["branches"][0]["classes"][0]["sections"][0]["students"][99]["name"],
            "Student 100 (renamed)"
        );
        assert_eq!(Shape::section_of(5_101), 52);
    }
}
