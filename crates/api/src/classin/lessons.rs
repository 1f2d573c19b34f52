//! The scheduling API's lesson actions: `addCourseClass` and `addCourseClassMultiple` (with `more_data`),
//! `editCourseClass` (answering `more_data`), `delCourseClass`, `delEndCourseClass`, `modifyClassSeatNum`,
//! `addClassStudentMultiple`, `delClassStudentMultiple`, `addCourseClassStudent` and `getLoginLinked`.

use classbridge_service::classin::{
    lesson_access::{self, LinkSettings},
    lesson_changes, lessons,
};

use super::{Answer, Call};

pub(super) async fn answer(action: &str, call: &Call<'_>) -> Option<Answer> {
    let (store, school, params, now) = (&call.state.service, &call.school, call.params, call.now);
    let more = |id: i64| call.more_data(id);
    Some(match action {
        "addCourseClass" => Answer::lesson(
            lessons::add_course_class(store, school, params, now).await,
            more,
        ),
        "addCourseClassMultiple" => Answer::batch(
            lessons::add_course_class_multiple(store, school, params, now).await,
            more,
        ),
        "editCourseClass" => {
            // The page answers `more_data` and no `data`.
            let mut answer = Answer::lesson(
                lesson_changes::edit_course_class(store, school, params, now).await,
                more,
            );
            answer.data = None;
            answer
        }
        "delCourseClass" => {
            Answer::done(lesson_changes::del_course_class(store, school, params, now).await)
        }
        "delEndCourseClass" => {
            Answer::done(lesson_changes::del_end_course_class(store, school, params, now).await)
        }
        "modifyClassSeatNum" => {
            Answer::done(lesson_changes::modify_class_seat_num(store, school, params, now).await)
        }
        "addClassStudentMultiple" => Answer::batch(
            lesson_access::add_class_student_multiple(store, school, params, now).await,
            |_| None,
        ),
        "delClassStudentMultiple" => Answer::batch(
            lesson_access::del_class_student_multiple(store, school, params, now).await,
            |_| None,
        ),
        "addCourseClassStudent" => Answer::batch(
            lesson_access::add_course_class_student(store, school, params, now).await,
            |_| None,
        ),
        "getLoginLinked" => {
            let base_url = call.state.settings.tenant_base_url(&school.tenant_slug);
            let links = LinkSettings {
                base_url: &base_url,
                app_scheme: &call.state.settings.app_scheme,
            };
            Answer::text(lesson_access::login_link(store, school, params, &links, now).await)
        }
        _ => return None,
    })
}
