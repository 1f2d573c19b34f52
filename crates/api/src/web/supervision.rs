//! The supervisor's block of the home page: the sections and teachers of the subjects they supervise, and the
//! grades of the learning paths assigned to those teachers. Read-only.

use classbridge_domain::{TenantId, UserId};
use classbridge_service::{
    pages::home::supervised,
    subjects::{SubjectRow, SubjectSection, SubjectTeacher},
};
use maud::{html, Markup};

use super::{i18n::Lang, labs_pages};
use crate::{error::ApiError, state::AppState};

/// English or Arabic words of this block.
fn tr(lang: Lang, en: &'static str, ar: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::Ar => ar,
    }
}

pub async fn supervisor_block(
    state: &AppState,
    tenant: TenantId,
    user_id: UserId,
    lang: Lang,
) -> Result<Markup, ApiError> {
    let (subjects, sections, teachers) = supervised(&state.service, tenant, user_id).await?;
    let teacher_ids: Vec<UserId> = {
        let mut ids: Vec<UserId> = teachers.iter().map(|t| t.user_id).collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    };
    let paths = labs_pages::paths_of_teachers(state, tenant, &teacher_ids, lang).await?;
    Ok(html! {
        section id="supervision" {
            h2 { (tr(lang, "Supervision", "الإشراف")) }
            @if subjects.is_empty() {
                p class="muted" { (tr(lang, "No subjects are assigned to you for supervision yet.", "لم تُسند إليك مواد للإشراف بعد.")) }
            }
            @for subject in &subjects { (subject_article(lang, subject, &sections, &teachers)) }
        }
        section id="supervised-learning-paths" {
            h2 { (tr(lang, "Learning paths of these teachers", "مسارات التعلّم لهؤلاء المعلمين")) }
            (paths)
        }
    })
}

fn subject_article(
    lang: Lang,
    subject: &SubjectRow,
    sections: &[SubjectSection],
    teachers: &[SubjectTeacher],
) -> Markup {
    html! {
        article class="supervised-subject" {
            h3 { bdi { (subject.name) } " · " bdi { (subject.branch_name) } }
            table {
                thead { tr {
                    th scope="col" { (tr(lang, "Class", "الصف")) }
                    th scope="col" { (tr(lang, "Section", "الشعبة")) }
                    th scope="col" { (tr(lang, "Teachers", "المعلمون")) }
                } }
                tbody {
                    @for section in sections.iter().filter(|s| s.subject_id == subject.id) {
                        @let names: Vec<&str> = teachers.iter()
                            .filter(|t| t.subject_id == subject.id && t.section_id == section.section_id)
                            .map(|t| t.name.as_str()).collect();
                        tr class="supervised-section" {
                            td { bdi { (section.class_name) } }
                            td { bdi { (section.section_name) } }
                            td {
                                @if names.is_empty() { span class="muted" { (tr(lang, "No teacher yet", "لا يوجد معلم بعد")) } }
                                @for (i, name) in names.iter().enumerate() { @if i > 0 { ", " } bdi { (name) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
