//! The scheduling API's user actions: `register`, `registerMultiple`, `addTeacher`, `addSchoolStudent`,
//! `editTeacher`, `editSchoolStudent`, `stopUsingTeacher`, `restartUsingTeacher`, `modifyPasswordByTelephone` (and
//! `modifyPassword`, the name `SUMMARY.md` links).

use classbridge_service::classin::users;

use super::{Answer, Call};

pub(super) async fn answer(action: &str, call: &Call<'_>) -> Option<Answer> {
    let (store, school, params) = (&call.state.service, &call.school, call.params);
    Some(match action {
        "register" => Answer::id(users::register(store, school, params).await),
        "registerMultiple" => Answer::batch(
            users::register_multiple(store, school, params).await,
            |_| None,
        ),
        "addTeacher" => Answer::id(users::add_teacher(store, school, params).await),
        "addSchoolStudent" => Answer::done(users::add_school_student(store, school, params).await),
        "editTeacher" => Answer::done(users::edit_teacher(store, school, params).await),
        "editSchoolStudent" => {
            Answer::done(users::edit_school_student(store, school, params).await)
        }
        "stopUsingTeacher" => {
            Answer::done(users::set_teacher_stopped(store, school, params, true, call.now).await)
        }
        "restartUsingTeacher" => {
            Answer::done(users::set_teacher_stopped(store, school, params, false, call.now).await)
        }
        "modifyPasswordByTelephone" | "modifyPassword" => {
            Answer::done(users::modify_password(store, school, params).await)
        }
        _ => return None,
    })
}
