//! The scheduling API's course actions: `addCourse`, `editCourse`, `endCourse`, `addCourseStudent`,
//! `addCourseStudentMultiple`, `delCourseStudent`, `delCourseStudentMultiple`, `modifyCourseTeacher`,
//! `removeCourseTeacher`.

use classbridge_service::classin::{course_students, course_teachers, courses};

use super::{Answer, Call};

pub(super) async fn answer(action: &str, call: &Call<'_>) -> Option<Answer> {
    let (store, school, params, now) = (&call.state.service, &call.school, call.params, call.now);
    Some(match action {
        "addCourse" => Answer::id(courses::add_course(store, school, params, now).await),
        "editCourse" => Answer::done(courses::edit_course(store, school, params, now).await),
        "endCourse" => Answer::done(courses::end_course(store, school, params, now).await),
        "addCourseStudent" => {
            Answer::done(course_students::add_course_student(store, school, params, now).await)
        }
        "addCourseStudentMultiple" => Answer::batch(
            course_students::add_course_student_multiple(store, school, params, now).await,
            |_| None,
        ),
        "delCourseStudent" => {
            Answer::done(course_students::del_course_student(store, school, params).await)
        }
        "delCourseStudentMultiple" => Answer::batch(
            course_students::del_course_student_multiple(store, school, params).await,
            |_| None,
        ),
        "modifyCourseTeacher" => {
            Answer::value(course_teachers::modify_course_teacher(store, school, params, now).await)
        }
        "removeCourseTeacher" => {
            Answer::done(course_teachers::remove_course_teacher(store, school, params, now).await)
        }
        _ => return None,
    })
}
