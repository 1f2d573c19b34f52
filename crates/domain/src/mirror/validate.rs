//! Validation of mirror items, one at a time, with every error at its dot path; valid items come back typed.

use std::borrow::Cow;
use std::collections::hash_map::{Entry, HashMap};
use std::fmt::Write as _;
use std::hash::Hash;

use serde_json::{Map, Value};

use super::people::{ListSite, People, Place, Role, NONE};
use super::{
    MirrorBranch, MirrorClass, MirrorClassroom, MirrorKind, MirrorPerson, MirrorSection,
    MirrorSubject, MirrorSummary, TopLevel,
};
use crate::input::{BodyFormat, FieldReader, TextRules};
use crate::validation::ValidationErrors;

/// Most characters in a uuid.
const UUID_MAX_CHARS: usize = 64;

/// The partner id of the tenant's default branch (the store's `DEFAULT_BRANCH_PARTNER_ID`): refused in payloads.
pub const RESERVED_BRANCH_ID: i64 = i64::MIN;

/// Checks one mirror request: feed it every item ([`MirrorValidator::branch`] or [`MirrorValidator::classroom`],
/// matching the kind), then [`MirrorValidator::finish`] with what [`super::stream_items`] returned.
///
/// Rules beyond each field's type and text limits: duplicate branch ids (payload), class ids (branch), section names
/// (class; trimmed, case-insensitive), subject ids (section), uuids within one students or teachers list, and
/// classroom names (payload; trimmed, case-insensitive); one subject id with two names in one branch; one uuid with two
/// names anywhere; one uuid as both student and teacher unless allowed. The first occurrence wins and later ones are
/// reported, naming the first. Names and uuids compare trimmed and case-sensitive.
pub struct MirrorValidator {
    kind: MirrorKind,
    format: BodyFormat,
    allow_student_teacher: bool,
    errors: ValidationErrors,
    people: People,
    branch_ids: HashMap<i64, usize>,
    classroom_names: HashMap<String, usize>,
    items: usize,
    student_memberships: usize,
    teaching_assignments: usize,
}

/// Per branch: subject id → (name, class, section, subject index) where it was first named.
type BranchSubjects = HashMap<i64, (String, usize, usize, usize)>;

impl MirrorValidator {
    /// One validator per request (or per worker pass): `allow_student_teacher` is the tenant's setting.
    pub fn new(kind: MirrorKind, format: BodyFormat, allow_student_teacher: bool) -> Self {
        Self {
            kind,
            format,
            allow_student_teacher,
            errors: ValidationErrors::new(),
            people: People::new(),
            branch_ids: HashMap::new(),
            classroom_names: HashMap::new(),
            items: 0,
            student_memberships: 0,
            teaching_assignments: 0,
        }
    }

    /// Validates the branch at `branches.{index}` and returns it typed when it has no error. Errors go into the
    /// validator's own [`ValidationErrors`].
    pub fn branch(&mut self, index: usize, value: &Value) -> Option<MirrorBranch> {
        let path = format!("branches.{index}");
        let object = self.reader().object(value, &path)?;
        let id = self.reader().required_integer(object, &path, "id");
        // The lowest id is classbridge's own default branch (simple mirrors, hand-made classrooms): never a
        // partner's.
        let id = id.filter(|&id| {
            if id == RESERVED_BRANCH_ID {
                self.errors.add(
                    format!("{path}.id"),
                    format!(
                        "The {path}.id is reserved by classbridge; give your branch another id."
                    ),
                );
                return false;
            }
            unique(
                &mut self.errors,
                &mut self.branch_ids,
                id,
                index,
                "branches",
                "id",
            )
        });
        let name = self
            .reader()
            .required_text(object, &path, "name", TextRules::NAME);
        let mut subjects = BranchSubjects::new();
        let classes = self.reader().required_array(object, &path, "classes");
        let classes =
            classes.and_then(|classes| self.classes(index, &path, classes, &mut subjects));
        let branch = MirrorBranch {
            id: id?,
            name: name?,
            classes: classes?,
        };
        self.items += 1;
        for section in branch.classes.iter().flat_map(|class| &class.sections) {
            self.student_memberships += section.students.len();
            let teachers = section
                .subjects
                .iter()
                .map(|subject| subject.teachers.len());
            self.teaching_assignments += teachers.sum::<usize>();
        }
        Some(branch)
    }

    /// Validates the classroom at `classrooms.{index}`, or at `classrooms` when the payload gave one object (`None`),
    /// and returns it typed when it has no error.
    pub fn classroom(&mut self, index: Option<usize>, value: &Value) -> Option<MirrorClassroom> {
        let path = match index {
            Some(index) => format!("classrooms.{index}"),
            None => "classrooms".to_owned(),
        };
        let object = self.reader().object(value, &path)?;
        let name = self
            .reader()
            .required_text(object, &path, "name", TextRules::NAME);
        let name = name.filter(|name| match index {
            Some(index) => unique(
                &mut self.errors,
                &mut self.classroom_names,
                name.to_lowercase(),
                index,
                "classrooms",
                "name",
            ),
            None => true,
        });
        let item = index.map_or(NONE, to_u32);
        let site = |subject| ListSite {
            item,
            class: 0,
            section: 0,
            subject,
        };
        let students = self.people_list(object, &path, "students", site(NONE), Role::Student);
        let teachers = self.people_list(object, &path, "teachers", site(0), Role::Teacher);
        let classroom = MirrorClassroom {
            name: name?,
            students: students?,
            teachers: teachers?,
        };
        self.items += 1;
        self.student_memberships += classroom.students.len();
        self.teaching_assignments += classroom.teachers.len();
        Some(classroom)
    }

    /// 1000 errors reached: the caller may stop reading.
    pub fn is_full(&self) -> bool {
        self.errors.is_full()
    }

    /// After the last item: the top-level checks (items missing, not an array, empty; `force` not a boolean) and the
    /// result.
    pub fn finish(mut self, top: &TopLevel) -> Result<MirrorSummary, ValidationErrors> {
        let field = self.kind.field();
        if !top.items_field_present {
            self.errors
                .add(field, format!("The {field} field is required."));
        } else if top.items_not_array {
            self.errors
                .add(field, format!("The {field} must be an array."));
        } else if top.item_count == 0 {
            self.errors
                .add(field, format!("The {field} must have at least 1 item."));
        }
        let force = top.force.clone().and_then(|force| {
            let object = Map::from_iter([("force".to_owned(), force)]);
            self.reader().optional_boolean(&object, "", "force")
        });
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(MirrorSummary {
            items: self.items,
            people: self.people.len(),
            student_memberships: self.student_memberships,
            teaching_assignments: self.teaching_assignments,
            force: force.unwrap_or(false),
        })
    }

    /// The errors found so far, for a caller that stopped reading early (after [`MirrorValidator::is_full`]); the
    /// top-level checks are skipped.
    pub fn finish_partial(self) -> ValidationErrors {
        self.errors
    }

    fn reader(&mut self) -> FieldReader<'_> {
        FieldReader::new(&mut self.errors, self.format)
    }

    fn classes(
        &mut self,
        item: usize,
        branch_path: &str,
        classes: &[Value],
        subjects: &mut BranchSubjects,
    ) -> Option<Vec<MirrorClass>> {
        let list = format!("{branch_path}.classes");
        let mut ids = HashMap::new();
        let mut out = Some(Vec::with_capacity(classes.len()));
        for (index, value) in classes.iter().enumerate() {
            let path = format!("{list}.{index}");
            let class = self.reader().object(value, &path).and_then(|object| {
                let id = self.reader().required_integer(object, &path, "id");
                let id =
                    id.filter(|&id| unique(&mut self.errors, &mut ids, id, index, &list, "id"));
                let name = self
                    .reader()
                    .required_text(object, &path, "name", TextRules::NAME);
                let sections = self.reader().required_array(object, &path, "sections");
                let at = (item, index);
                let sections = sections.and_then(|s| self.sections(at, &path, s, subjects));
                Some(MirrorClass {
                    id: id?,
                    name: name?,
                    sections: sections?,
                })
            });
            keep(&mut out, class);
        }
        out
    }

    fn sections(
        &mut self,
        (item, class): (usize, usize),
        class_path: &str,
        sections: &[Value],
        subjects: &mut BranchSubjects,
    ) -> Option<Vec<MirrorSection>> {
        let list = format!("{class_path}.sections");
        let mut names = HashMap::new();
        let mut out = Some(Vec::with_capacity(sections.len()));
        for (index, value) in sections.iter().enumerate() {
            let path = format!("{list}.{index}");
            let section = self.reader().object(value, &path).and_then(|object| {
                let name = self
                    .reader()
                    .required_text(object, &path, "name", TextRules::NAME);
                let name = name.filter(|name| {
                    let key = name.to_lowercase();
                    unique(&mut self.errors, &mut names, key, index, &list, "name")
                });
                let site = ListSite {
                    item: to_u32(item),
                    class: to_u32(class),
                    section: to_u32(index),
                    subject: NONE,
                };
                let taught = self.reader().required_array(object, &path, "subjects");
                let taught = taught.and_then(|taught| self.subjects(site, &path, taught, subjects));
                let students = self.people_list(object, &path, "students", site, Role::Student);
                Some(MirrorSection {
                    name: name?,
                    subjects: taught?,
                    students: students?,
                })
            });
            keep(&mut out, section);
        }
        out
    }

    fn subjects(
        &mut self,
        site: ListSite,
        section_path: &str,
        subjects: &[Value],
        branch_subjects: &mut BranchSubjects,
    ) -> Option<Vec<MirrorSubject>> {
        let list = format!("{section_path}.subjects");
        let mut ids = HashMap::new();
        let mut out = Some(Vec::with_capacity(subjects.len()));
        for (index, value) in subjects.iter().enumerate() {
            let path = format!("{list}.{index}");
            let subject = self.reader().object(value, &path).and_then(|object| {
                let id = self.reader().required_integer(object, &path, "id");
                let id =
                    id.filter(|&id| unique(&mut self.errors, &mut ids, id, index, &list, "id"));
                let name = self
                    .reader()
                    .required_text(object, &path, "name", TextRules::NAME);
                let name = match (id, name) {
                    (Some(id), Some(name)) => {
                        self.same_subject_name(id, name, site, index, &path, branch_subjects)
                    }
                    (_, name) => name,
                };
                let site = ListSite {
                    subject: to_u32(index),
                    ..site
                };
                let teachers = self.people_list(object, &path, "teachers", site, Role::Teacher);
                Some(MirrorSubject {
                    id: id?,
                    name: name?,
                    teachers: teachers?,
                })
            });
            keep(&mut out, subject);
        }
        out
    }

    /// One subject id keeps one name across the sections of a branch.
    fn same_subject_name(
        &mut self,
        id: i64,
        name: String,
        site: ListSite,
        index: usize,
        path: &str,
        branch_subjects: &mut BranchSubjects,
    ) -> Option<String> {
        let (class, section) = (site.class as usize, site.section as usize);
        match branch_subjects.entry(id) {
            Entry::Vacant(entry) => {
                entry.insert((name.clone(), class, section, index));
                Some(name)
            }
            Entry::Occupied(entry) if entry.get().0 == name => Some(name),
            Entry::Occupied(entry) => {
                let (_, class, section, subject) = entry.get();
                let first = format!(
                    "branches.{}.classes.{class}.sections.{section}.subjects.{subject}.name",
                    site.item
                );
                self.errors.add(
                    format!("{path}.name"),
                    format!("The {path}.name does not match the name given for the same subject id at {first}."),
                );
                None
            }
        }
    }

    /// The required array `key` of `{uuid, name}` objects, checked and remembered across the payload.
    fn people_list(
        &mut self,
        object: &Map<String, Value>,
        parent: &str,
        key: &str,
        site: ListSite,
        role: Role,
    ) -> Option<Vec<MirrorPerson>> {
        let people = self.reader().required_array(object, parent, key)?;
        let list = format!("{parent}.{key}");
        self.people.begin_list(site, people.len());
        let mut seen = HashMap::with_capacity(people.len());
        let mut out = Some(Vec::with_capacity(people.len()));
        let mut path = String::with_capacity(list.len() + 8);
        for (index, value) in people.iter().enumerate() {
            path.clear();
            let _ = write!(path, "{list}.{index}");
            let Some(object) = self.reader().object(value, &path) else {
                out = None;
                continue;
            };
            let uuid = self.uuid(object, &path);
            let uuid = uuid.filter(|uuid| {
                unique(
                    &mut self.errors,
                    &mut seen,
                    uuid.clone(),
                    index,
                    &list,
                    "uuid",
                )
            });
            let name = self
                .reader()
                .required_text(object, &path, "name", TextRules::NAME);
            let person = match (uuid, name) {
                (Some(uuid), Some(name)) => {
                    let ok = self.remember(&uuid, &name, role, index, &path);
                    ok.then(|| MirrorPerson {
                        uuid: uuid.into_owned(),
                        name,
                    })
                }
                _ => None,
            };
            keep(&mut out, person);
        }
        out
    }

    /// A uuid: required text (a number is read as its text, as Laravel does), trimmed, 1–64 characters, no white
    /// space or control characters.
    fn uuid<'v>(&mut self, object: &'v Map<String, Value>, parent: &str) -> Option<Cow<'v, str>> {
        let value = self.reader().present(object, parent, "uuid")?;
        let path = format!("{parent}.uuid");
        let problem = match crate::input::lenient_text(value) {
            Some(text) => {
                let uuid = match text {
                    Cow::Borrowed(text) => Cow::Borrowed(text.trim()),
                    Cow::Owned(text) => Cow::Owned(text),
                };
                if uuid.is_empty() {
                    "field must not be empty.".to_owned()
                } else if uuid.chars().count() > UUID_MAX_CHARS {
                    format!("may not be greater than {UUID_MAX_CHARS} characters.")
                } else if uuid.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    "must not contain spaces or control characters.".to_owned()
                } else {
                    return Some(uuid);
                }
            }
            None => "must be a string.".to_owned(),
        };
        self.errors.add(&path, format!("The {path} {problem}"));
        None
    }

    /// Records a person occurrence across the payload; false (with the errors added) when it contradicts an earlier
    /// one.
    fn remember(&mut self, uuid: &str, name: &str, role: Role, index: usize, path: &str) -> bool {
        let conflicts = self
            .people
            .record(uuid, name, role, index, self.allow_student_teacher);
        if let Some(first) = conflicts.name {
            let first = self.place_path(first);
            self.errors.add(
                format!("{path}.name"),
                format!("The {path}.name does not match the name given for the same uuid at {first}.name."),
            );
        }
        if let Some(first) = conflicts.role {
            let first = self.place_path(first);
            let (was, now) = match role {
                Role::Student => ("a teacher", "a student"),
                Role::Teacher => ("a student", "a teacher"),
            };
            self.errors.add(
                format!("{path}.uuid"),
                format!("The {path}.uuid is already {was} at {first} and cannot also be {now}."),
            );
        }
        conflicts.name.is_none() && conflicts.role.is_none()
    }

    /// The dot path of a remembered place, e.g. `branches.0.classes.1.sections.2.subjects.0.teachers.3`.
    fn place_path(&self, (site, person): Place) -> String {
        let mut path = match (self.kind, site.item) {
            (MirrorKind::Branches, item) => format!(
                "branches.{item}.classes.{}.sections.{}",
                site.class, site.section
            ),
            (MirrorKind::Simple, NONE) => "classrooms".to_owned(),
            (MirrorKind::Simple, item) => format!("classrooms.{item}"),
        };
        let _ = match (self.kind, site.subject) {
            (_, NONE) => write!(path, ".students.{person}"),
            (MirrorKind::Branches, subject) => {
                write!(path, ".subjects.{subject}.teachers.{person}")
            }
            (MirrorKind::Simple, _) => write!(path, ".teachers.{person}"),
        };
        path
    }
}

/// Records `key` as first used by sibling `index` of `list`; on a repeat, reports `{list}.{index}.{field}` naming the
/// first sibling and returns false.
fn unique<K: Hash + Eq>(
    errors: &mut ValidationErrors,
    seen: &mut HashMap<K, usize>,
    key: K,
    index: usize,
    list: &str,
    field: &str,
) -> bool {
    match seen.entry(key) {
        Entry::Vacant(entry) => {
            entry.insert(index);
            true
        }
        Entry::Occupied(entry) => {
            let path = format!("{list}.{index}.{field}");
            let first = entry.get();
            errors.add(
                &path,
                format!("The {path} has already been used by {list}.{first}."),
            );
            false
        }
    }
}

/// Appends a checked element; one missing element spoils the list (the others are still checked).
fn keep<T>(out: &mut Option<Vec<T>>, item: Option<T>) {
    match (out.as_mut(), item) {
        (Some(items), Some(item)) => items.push(item),
        _ => *out = None,
    }
}

/// Indexes are far below `u32::MAX` within the body limit; saturate rather than wrap.
fn to_u32(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(NONE - 1)
}
