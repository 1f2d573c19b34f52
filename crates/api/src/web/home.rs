//! `GET /home`: what the signed-in person's roles let them see — a student's classes and subjects, a teacher's
//! sections with their students, their upcoming lessons with a join button, the lessons a student may book, a
//! supervisor's and an admin's entry points. Nothing about anyone else.

use std::collections::BTreeMap;

use axum::{
    extract::State,
    response::{Html, IntoResponse, Response},
};
use classbridge_domain::{Role, SectionId};
use classbridge_service::pages::{
    self,
    home::{self as reads, Place, SectionStudent, SectionSubject, Teaching},
};
use maud::{html, Markup};

use super::{
    bdi,
    i18n::{Key, Lang},
    layout, lessons, WebSession,
};
use crate::{error::ApiError, state::AppState};

pub async fn home(State(state): State<AppState>, session: WebSession) -> Response {
    match render(&state, &session).await {
        Ok(page) => page.into_response(),
        Err(error) => error.into_response(),
    }
}

async fn render(state: &AppState, session: &WebSession) -> Result<Html<String>, ApiError> {
    let lang = session.lang();
    let tenant = session.row.tenant_id;
    let user = session.row.user_id;
    let roles = pages::roles_of_person(&state.service, tenant, user).await?;
    let mut blocks: Vec<Markup> = Vec::new();
    if roles.contains(&Role::Student) {
        let (places, subjects) = reads::student_places(&state.service, tenant, user).await?;
        blocks.push(student_block(lang, &places, &subjects));
        blocks.push(
            super::labs_pages::student_block(state, tenant, user, lang, &session.row.csrf_token)
                .await?,
        );
    }
    if roles.contains(&Role::Teacher) {
        let (teaching, students) = reads::teacher_places(&state.service, tenant, user).await?;
        blocks.push(teacher_block(lang, &teaching, &students));
        blocks.push(super::labs_pages::teacher_block(state, tenant, user, lang).await?);
    }
    let now = state.clock.now_seconds();
    let lessons = reads::upcoming_lessons(&state.service, tenant, user, now * 1000).await?;
    let csrf = &session.row.csrf_token;
    if !lessons.is_empty() || roles.contains(&Role::Student) || roles.contains(&Role::Teacher) {
        blocks.push(lessons::my_lessons(lang, &lessons, now, csrf));
    }
    if roles.contains(&Role::Student) {
        let bookable = reads::bookable_lessons(&state.service, tenant, user, now * 1000).await?;
        blocks.push(lessons::open_for_booking(lang, &bookable, csrf));
    }
    if roles.contains(&Role::Supervisor) {
        blocks.push(super::supervision::supervisor_block(state, tenant, user, lang).await?);
    }
    if roles.contains(&Role::Admin) {
        blocks.push(html! { section id="administration" { h2 { (lang.t(Key::Administration)) } p { a href="/dashboard" { (lang.t(Key::Dashboard)) } } } });
    }
    let body = html! {
        h1 { (lang.t(Key::Home)) }
        @if blocks.is_empty() { section { p { (lang.t(Key::NothingHere)) } } }
        @for block in &blocks { (block) }
    };
    Ok(layout(session, lang.t(Key::Home), body))
}

fn student_block(lang: Lang, places: &[Place], subjects: &[SectionSubject]) -> Markup {
    // subject → (teachers, sections) across the student's sections.
    let mut by_subject: BTreeMap<(&str, SectionId), Vec<&str>> = BTreeMap::new();
    for row in subjects {
        let teachers = by_subject
            .entry((row.subject.as_str(), row.section_id))
            .or_default();
        if let Some(teacher) = &row.teacher {
            teachers.push(teacher);
        }
    }
    let section_name = |id: SectionId| {
        places
            .iter()
            .find(|p| p.section_id == id)
            .map_or("", |p| p.section.as_str())
    };
    html! {
        section id="my-classes" {
            h2 { (lang.t(Key::MyClasses)) }
            @if places.is_empty() { p class="muted" { (lang.t(Key::NoClasses)) } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Branch)) } th scope="col" { (lang.t(Key::Class)) } th scope="col" { (lang.t(Key::Section)) } } }
                    tbody { @for place in places { tr class="class-row" { td { (bdi(&place.branch)) } td { (bdi(&place.class)) } td { (bdi(&place.section)) } } } }
                }
            }
        }
        section id="my-subjects" {
            h2 { (lang.t(Key::MySubjects)) }
            @if by_subject.is_empty() { p class="muted" { "—" } } @else {
                table {
                    thead { tr { th scope="col" { (lang.t(Key::Subject)) } th scope="col" { (lang.t(Key::Section)) } th scope="col" { (lang.t(Key::Teachers)) } } }
                    tbody {
                        @for ((subject, section), teachers) in &by_subject {
                            tr class="subject-row" {
                                td { (bdi(subject)) } td { (bdi(section_name(*section))) }
                                td { @if teachers.is_empty() { span class="muted" { (lang.t(Key::NoTeacher)) } } @else { @for (index, teacher) in teachers.iter().enumerate() { @if index > 0 { ", " } (bdi(teacher)) } } }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn teacher_block(lang: Lang, teaching: &[Teaching], students: &[SectionStudent]) -> Markup {
    // section → (place, subjects)
    let mut sections: Vec<(&Teaching, Vec<&str>)> = Vec::new();
    for row in teaching {
        match sections
            .iter_mut()
            .find(|(place, _)| place.section_id == row.section_id)
        {
            Some((_, subjects)) => subjects.extend(row.subject.as_deref()),
            None => sections.push((row, row.subject.as_deref().into_iter().collect())),
        }
    }
    html! {
        section id="my-sections" {
            h2 { (lang.t(Key::MySections)) }
            @if sections.is_empty() { p class="muted" { (lang.t(Key::NoSections)) } }
            @for (place, subjects) in &sections {
                article class="teacher-section" {
                    h3 { (bdi(&place.branch)) " › " (bdi(&place.class)) " › " (bdi(&place.section)) }
                    @if !subjects.is_empty() { p { strong { (lang.t(Key::Subject)) ": " } (subjects.join(", ")) } }
                    @let names: Vec<&str> = students.iter().filter(|student| student.section_id == place.section_id).map(|student| student.name.as_str()).collect();
                    p { strong { (lang.t(Key::Students)) " (" (names.len()) ")" } }
                    @if names.is_empty() { p class="muted" { (lang.t(Key::NoStudents)) } } @else {
                        ul { @for name in &names { li { (bdi(name)) } } }
                    }
                }
            }
        }
    }
}
