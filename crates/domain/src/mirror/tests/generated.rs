//! A payload generated as it is read, so nothing needs the whole document in memory.

use std::io::{self, Read};

use crate::input::BodyFormat;
use crate::mirror::{stream_items, MirrorKind, MirrorSummary, MirrorValidator};

/// A branches payload produced section by section as it is read: 40 branches × 5 classes × 5 sections, each with
/// 200 students and 2 subjects with one teacher each. The whole document never exists.
struct Generated {
    next_section: usize,
    chunk: Vec<u8>,
    at: usize,
    largest_chunk: usize,
}

const BRANCHES: usize = 40;
const CLASSES: usize = 5;
const SECTIONS: usize = 5;
const STUDENTS: usize = 200;

impl Generated {
    fn fill(&mut self) {
        use std::fmt::Write as _;
        let (sections, total) = (CLASSES * SECTIONS, BRANCHES * CLASSES * SECTIONS);
        let k = self.next_section;
        let (b, c, s) = (k / sections, k / SECTIONS % CLASSES, k % SECTIONS);
        let mut out = String::new();
        if k == 0 {
            out.push_str(r#"{"force": false, "branches": ["#);
        }
        if c == 0 && s == 0 {
            let comma = if b > 0 { "," } else { "" };
            write!(
                out,
                r#"{comma}{{"id": {b}, "name": "Branch {b}", "classes": ["#
            )
            .unwrap();
        }
        if s == 0 {
            let comma = if c > 0 { "," } else { "" };
            write!(
                out,
                r#"{comma}{{"id": {c}, "name": "Grade {c}", "sections": ["#
            )
            .unwrap();
        } else {
            out.push(',');
        }
        write!(out, r#"{{"name": "S{s}", "subjects": ["#).unwrap();
        for (j, name) in ["Math", "Science"].iter().enumerate() {
            let comma = if j > 0 { "," } else { "" };
            write!(out, r#"{comma}{{"id": {j}, "name": "{name}", "teachers": [{{"uuid": "t-{k}-{j}", "name": "T {k} {j}"}}]}}"#).unwrap();
        }
        out.push_str(r#"], "students": ["#);
        for n in 0..STUDENTS {
            let comma = if n > 0 { "," } else { "" };
            write!(
                out,
                "{comma}\n  {{\"uuid\": \"s-{k}-{n}\", \"name\": \"Student {n} of {k}\"}}"
            )
            .unwrap();
        }
        out.push_str("]}");
        if s == SECTIONS - 1 {
            out.push_str("]}");
        }
        if s == SECTIONS - 1 && c == CLASSES - 1 {
            out.push_str("]}");
        }
        if k == total - 1 {
            out.push_str("]}\n");
        }
        self.next_section += 1;
        self.largest_chunk = self.largest_chunk.max(out.len());
        self.chunk = out.into_bytes();
        self.at = 0;
    }
}

impl Read for &mut Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.chunk.len() {
            if self.next_section == BRANCHES * CLASSES * SECTIONS {
                return Ok(0);
            }
            self.fill();
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_generated_payload_of_200000_students_is_validated_one_branch_at_a_time() {
    let mut generated = Generated {
        next_section: 0,
        chunk: Vec::new(),
        at: 0,
        largest_chunk: 0,
    };
    let mut validator = MirrorValidator::new(MirrorKind::Branches, BodyFormat::Json, false);
    let mut students = 0;
    let top = stream_items(&mut generated, MirrorKind::Branches, |index, value| {
        let branch = validator.branch(index.unwrap(), &value).ok_or("invalid")?;
        let sections = branch.classes.iter().flat_map(|class| &class.sections);
        students += sections
            .map(|section| section.students.len())
            .sum::<usize>();
        Ok::<(), &str>(())
    })
    .unwrap();
    let summary = validator.finish(&top).unwrap();
    let teachers = BRANCHES * CLASSES * SECTIONS * 2;
    assert_eq!(students, 200_000);
    assert_eq!(
        summary,
        MirrorSummary {
            items: BRANCHES,
            people: 200_000 + teachers,
            student_memberships: 200_000,
            teaching_assignments: teachers,
            force: false,
        }
    );
    assert!(
        generated.largest_chunk < 20_000,
        "{}",
        generated.largest_chunk
    );
}
