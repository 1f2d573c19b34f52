//! The home page's reads: a student's places and subjects, a teacher's sections and students, the person's upcoming
//! lessons and the lessons a student may book, and a supervisor's subjects.

use classbridge_domain::{LessonPhase, SectionId, SubjectId, TenantId, UnixMillis, UserId};

use crate::{
    scheduling::{LessonSummary, PersonLesson},
    subjects::{SubjectRow, SubjectSection, SubjectTeacher},
    Service, StoreError,
};

/// A student's place (section, class, branch) and a teacher's teaching (section and subject).
pub use classbridge_store::home::{Place, SectionStudent, SectionSubject, Teaching};

/// A student's places and the subjects (with teachers) of their sections.
pub async fn student_places(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
) -> Result<(Vec<Place>, Vec<SectionSubject>), StoreError> {
    let store = service.store();
    let places = store.student_places(tenant_id, user_id).await?;
    let ids: Vec<SectionId> = places.iter().map(|p| p.section_id).collect();
    let subjects = store.subjects_with_teachers(tenant_id, &ids).await?;
    Ok((places, subjects))
}

/// A teacher's teaching and the students of their sections.
pub async fn teacher_places(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
) -> Result<(Vec<Teaching>, Vec<SectionStudent>), StoreError> {
    let store = service.store();
    let teaching = store.teacher_places(tenant_id, user_id).await?;
    let mut ids: Vec<SectionId> = teaching.iter().map(|t| t.section_id).collect();
    ids.dedup();
    let students = store.students_in(tenant_id, &ids).await?;
    Ok((teaching, students))
}

/// The person's lessons still open at `now_ms` (up to 50), soonest first.
pub async fn upcoming_lessons(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
    now_ms: i64,
) -> Result<Vec<PersonLesson>, StoreError> {
    service
        .store()
        .lessons_of_person(tenant_id, user_id, UnixMillis::new(now_ms), 50)
        .await
}

/// The lessons the student may still book at `now_ms` (up to 50).
pub async fn bookable_lessons(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
    now_ms: i64,
) -> Result<Vec<LessonSummary>, StoreError> {
    service
        .store()
        .lessons_open_for_booking(
            tenant_id,
            user_id,
            UnixMillis::new(now_ms),
            LessonPhase::LOCK_MILLIS,
            50,
        )
        .await
}

/// The subjects the supervisor supervises, with their sections and teachers.
pub async fn supervised(
    service: &Service,
    tenant_id: TenantId,
    user_id: UserId,
) -> Result<(Vec<SubjectRow>, Vec<SubjectSection>, Vec<SubjectTeacher>), StoreError> {
    let store = service.store();
    let subjects = store
        .supervised_subjects(tenant_id, None, &[user_id])
        .await?
        .remove(&user_id)
        .unwrap_or_default();
    let ids: Vec<SubjectId> = subjects.iter().map(|s| s.id).collect();
    let (sections, teachers) = store.subject_details(tenant_id, &ids).await?;
    Ok((subjects, sections, teachers))
}
