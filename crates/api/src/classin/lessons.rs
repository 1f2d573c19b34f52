//! The scheduling API's lesson actions: `addCourseClass` (with `more_data.live_url`), `addCourseClassMultiple`,
//! `editCourseClass`, `delCourseClass`, `addClassStudentMultiple`, `delClassStudentMultiple`, `modifyClassSeatNum`
//! and `getLoginLinked`.

use classbridge_service::classin::{
    lesson_access::{self, LinkSettings},
    lessons,
};
use serde_json::{json, Value};

use super::{Answer, Call};

pub(super) async fn answer(action: &str, call: &Call<'_>) -> Option<Answer> {
    let (store, school, params, now) = (&call.state.store, &call.school, call.params, call.now);
    let live_url = |id: i64| Some(json!({"live_url": call.live_url(id)}));
    Some(match action {
        "addCourseClass" => Answer::id(lessons::add_course_class(store, school, params, now).await)
            .with_more_data(|data: &Value| data.as_i64().and_then(live_url)),
        "addCourseClassMultiple" => Answer::batch(
            lessons::add_course_class_multiple(store, school, params, now).await,
            live_url,
        ),
        "editCourseClass" => {
            Answer::done(lessons::edit_course_class(store, school, params, now).await)
        }
        "delCourseClass" => {
            Answer::done(lessons::del_course_class(store, school, params, now).await)
        }
        "modifyClassSeatNum" => {
            Answer::done(lessons::modify_class_seat_num(store, school, params, now).await)
        }
        "addClassStudentMultiple" => Answer::batch(
            lesson_access::add_class_student_multiple(store, school, params, now).await,
            |_| None,
        ),
        "delClassStudentMultiple" => Answer::batch(
            lesson_access::del_class_student_multiple(store, school, params, now).await,
            |_| None,
        ),
        "getLoginLinked" => {
            let base_url = call.state.settings.tenant_base_url(&school.tenant_slug);
            let links = LinkSettings {
                base_url: &base_url,
                app_scheme: &call.state.settings.app_scheme,
            };
            Answer::text(lesson_access::login_link(store, school, params, &links).await)
        }
        _ => return None,
    })
}
