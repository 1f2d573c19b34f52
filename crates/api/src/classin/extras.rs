//! The scheduling API's label and comment actions (`addSchoolLabel`, `updateSchoolLabel`, `deleteSchoolLabel`,
//! `addCourseLabels`, `addClassLabels`, `updateClassStudentComment`), and the actions classbridge does not serve:
//! those of ClassIn's desktop client and cloud drive, each answered errno 100 naming it and saying why.

use classbridge_service::classin::labels;

use super::{Answer, Call};

pub(super) async fn answer(action: &str, call: &Call<'_>) -> Option<Answer> {
    let (store, school, params, now) = (&call.state.service, &call.school, call.params, call.now);
    Some(match action {
        "addSchoolLabel" => Answer::value(labels::add_school_label(store, school, params).await),
        "updateSchoolLabel" => {
            Answer::done(labels::update_school_label(store, school, params).await)
        }
        "deleteSchoolLabel" => {
            Answer::done(labels::delete_school_label(store, school, params).await)
        }
        "addCourseLabels" => Answer::batch(
            labels::add_course_labels(store, school, params, now).await,
            |_| None,
        ),
        "addClassLabels" => Answer::batch(
            labels::add_class_labels(store, school, params, now).await,
            |_| None,
        ),
        "updateClassStudentComment" => Answer::batch(
            labels::update_class_student_comment(store, school, params).await,
            |_| None,
        ),
        _ => return None,
    })
}

/// The v1 actions classbridge does not serve, with the reason the answer gives (the README lists them too).
pub(crate) const UNSUPPORTED: [(&str, &str); 19] = [
    ("setClassVideoMultiple", "classbridge records no video and has no live streams or web replay"),
    ("deleteClassVideo", "classbridge records no video"),
    ("updateClassLockStatus", "it locks recordings, and classbridge records no video"),
    ("getWebcastUrl", "classbridge has no webcast player; a lesson's page is its more_data.live_url"),
    ("modifyGroupMemberNickname", "it renames members of ClassIn's IM class groups, which classbridge does not have"),
    ("addCourseGroup", "student groupings serve ClassIn's desktop classroom, which classbridge does not have"),
    ("editCourseGroup", "student groupings serve ClassIn's desktop classroom, which classbridge does not have"),
    ("delCourseGroup", "student groupings serve ClassIn's desktop classroom, which classbridge does not have"),
    ("deleteSubSchoolAccount", "eeo.cn sub-accounts of the school's main account do not exist in classbridge (its staff are tenant users with roles)"),
    ("updateTeacherCloudFolders", "it authorises cloud-drive folders (and ClassIn took it offline on 2024-08-30)"),
    ("getFolderList", "classbridge has no cloud drive"),
    ("getCloudList", "classbridge has no cloud drive"),
    ("getTopFolderId", "classbridge has no cloud drive"),
    ("uploadFile", "classbridge has no cloud drive"),
    ("renameFile", "classbridge has no cloud drive"),
    ("delFile", "classbridge has no cloud drive"),
    ("createFolder", "classbridge has no cloud drive"),
    ("renameFolder", "classbridge has no cloud drive"),
    ("delFolder", "classbridge has no cloud drive"),
];

/// Why an action is not served, when it is one of [`UNSUPPORTED`].
pub(super) fn unsupported(action: &str) -> Option<&'static str> {
    UNSUPPORTED
        .iter()
        .find(|(name, _)| *name == action)
        .map(|(_, reason)| *reason)
}
