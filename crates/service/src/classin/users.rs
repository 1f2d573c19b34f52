//! People through the scheduling API: registering accounts (by telephone or e-mail) and their identities in the
//! school, as teacher or student. A person registered here is a tenant user like any other; their UID is `users.id`.

use classbridge_domain::{UnixMillis, UserId};
use classbridge_store::{
    classin::{
        self, Account, AccountRow, NewAccount, SchoolIdentity, SchoolMemberRow,
        TEACHER_RELATIONSHIP_OFFSET,
    },
    RosterWrite, Store, StoreError, TenantTx,
};
use serde_json::Value;

use super::{
    custom_column, errno, item_object, required_name, ClassinResult, Failure, ItemOutcome, Params,
    School,
};
use crate::users::{hash_password, is_valid_email};

/// Longest nickname and name in the school.
pub const NAME_MAX: usize = 24;
/// Most accounts in one `registerMultiple`.
pub const REGISTER_MULTIPLE_MAX: usize = 10;

/// A telephone number as ClassIn takes it: 11 digits (mainland China) or `00<country code>-<number>`.
pub fn is_valid_telephone(telephone: &str) -> bool {
    let digits = |text: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
    };
    if digits(telephone, 11..=11) {
        return true;
    }
    match telephone
        .strip_prefix("00")
        .and_then(|rest| rest.split_once('-'))
    {
        Some((country, number)) => {
            digits(country, 1..=4) && !country.starts_with('0') && digits(number, 4..=15)
        }
        None => false,
    }
}

/// An account named by a `teacherAccount` / `studentAccount`: an e-mail when it has an `@`, else a telephone.
fn read_account(text: Option<String>, key: &str, malformed: i64) -> ClassinResult<(String, bool)> {
    let Some(text) = text else {
        return Err(Failure::bad_parameter(format!(
            "The parameter {key} is required."
        )));
    };
    if text.contains('@') {
        return Ok((text.to_lowercase(), true));
    }
    if !is_valid_telephone(&text) {
        return Err(Failure::new(
            malformed,
            "The telephone number is malformed: 11 digits, or 00<country code>-<number>.",
        ));
    }
    Ok((text, false))
}

fn account_of(text: &str, is_email: bool) -> Account<'_> {
    if is_email {
        Account::Email(text)
    } else {
        Account::Telephone(text)
    }
}

/// A registration, read and checked.
struct Registration {
    telephone: Option<String>,
    email: Option<String>,
    nickname: Option<String>,
    password: Option<String>,
    md5_password: Option<String>,
    school_identity: Option<SchoolIdentity>,
}

fn read_registration(params: Params<'_>) -> ClassinResult<Registration> {
    let telephone = params.text("telephone");
    let email = params.text("email").map(|email| email.to_lowercase());
    if telephone.is_none() && email.is_none() {
        return Err(Failure::bad_parameter(
            "Give the account's telephone or email.",
        ));
    }
    if telephone.as_deref().is_some_and(|t| !is_valid_telephone(t)) {
        return Err(Failure::new(
            errno::TELEPHONE_MALFORMED,
            "The telephone number is malformed: 11 digits, or 00<country code>-<number>.",
        ));
    }
    if email.as_deref().is_some_and(|e| !is_valid_email(e)) {
        return Err(Failure::bad_parameter("The email address is malformed."));
    }
    let nickname = params.truncated_text("nickname", NAME_MAX)?;
    let password_text = match params.0.get("password") {
        Some(Value::String(password)) => Some(password.clone()),
        // ClassIn's own registerMultiple example sends "password":123456.
        Some(Value::Number(number)) => Some(number.to_string()),
        _ => None,
    };
    let password = match password_text {
        Some(password) if !password.is_empty() => {
            let length = password.chars().count();
            if !(6..=20).contains(&length) {
                return Err(Failure::new(
                    errno::PASSWORD_LENGTH,
                    "The password must be 6 to 20 characters.",
                ));
            }
            Some(password)
        }
        _ => None,
    };
    let md5_password = params.text("md5pass").map(|text| text.to_ascii_lowercase());
    if md5_password
        .as_deref()
        .is_some_and(|md5| md5.len() != 32 || !md5.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return Err(Failure::bad_parameter(
            "The md5pass must be 32 hexadecimal digits.",
        ));
    }
    if password.is_none() && md5_password.is_none() {
        return Err(Failure::new(
            errno::PASSWORD_LENGTH,
            "Give a password of 6 to 20 characters (or md5pass).",
        ));
    }
    // "any other value = not added" (register.md).
    let school_identity = match params.integer("addToSchoolMember")? {
        Some(1) => Some(SchoolIdentity::Student),
        Some(2) => Some(SchoolIdentity::Teacher),
        _ => None,
    };
    Ok(Registration {
        telephone,
        email,
        nickname,
        password,
        md5_password,
        school_identity,
    })
}

/// The failure for an account already registered (135 by telephone, 461 by e-mail), carrying its UID; the school
/// identity asked for is given all the same, and nothing else about the person changes.
async fn already_registered(
    tx: &mut TenantTx,
    registration: &Registration,
) -> ClassinResult<Option<Failure>> {
    let mut found = None;
    if let Some(telephone) = &registration.telephone {
        if let Some(row) = classin::find_account(tx, Account::Telephone(telephone)).await? {
            found = Some((row, errno::TELEPHONE_TAKEN, "telephone"));
        }
    }
    if found.is_none() {
        if let Some(email) = &registration.email {
            if let Some(row) = classin::find_account(tx, Account::Email(email)).await? {
                found = Some((row, errno::EMAIL_TAKEN, "email address"));
            }
        }
    }
    let Some((row, number, what)) = found else {
        return Ok(None);
    };
    if let Some(identity) = registration.school_identity {
        if classin::find_school_member(tx, identity, row.id)
            .await?
            .is_none()
        {
            classin::insert_school_member(tx, identity, row.id, &row.name).await?;
        }
    }
    Ok(Some(
        Failure::new(number, format!("This {what} is already registered.")).with_data(row.id.get()),
    ))
}

/// `register`: creates the account and answers its UID.
pub async fn register(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<i64> {
    let store = service.store();
    let registration = read_registration(params)?;
    let tenant_id = school.tenant_id;
    let mut tx = store.begin_for(school.tenant_id).await?;
    if let Some(failure) = already_registered(&mut tx, &registration).await? {
        tx.commit().await?;
        return Err(failure);
    }
    drop(tx);
    // Hashing takes a while: not inside the transaction.
    let password_hash = match (&registration.password, &registration.md5_password) {
        (Some(password), _) => Some(hash_password(password.clone()).await),
        (None, Some(md5)) => Some(hash_password(md5.clone()).await),
        (None, None) => None,
    }
    .transpose()
    .map_err(|error| {
        tracing::error!(error = %error, "password hashing failed");
        Failure::new(errno::SERVER_ERROR, "Unexpected server error; retry.")
    })?;
    let account = NewAccount {
        name: registration
            .nickname
            .clone()
            .or_else(|| registration.telephone.clone())
            .or_else(|| registration.email.clone())
            .unwrap_or_default(),
        telephone: registration.telephone.clone(),
        email: registration.email.clone(),
        password_hash,
    };
    // A new account is in no branch yet: its counts change, no branch a mirror remembers does.
    let mut tx = RosterWrite::begin_without_version_bump(store, tenant_id).await?;
    if let Some(failure) = already_registered(&mut tx, &registration).await? {
        tx.commit().await?;
        return Err(failure);
    }
    let id = match classin::insert_account(&mut tx, &account).await {
        Ok(id) => id,
        Err(StoreError::Conflict { .. }) => {
            // Registered by a racing request, or taken as another person's username-less e-mail: say which UID.
            drop(tx);
            let mut tx = store.begin_for(school.tenant_id).await?;
            let failure = already_registered(&mut tx, &registration).await?;
            tx.commit().await?;
            return Err(failure.unwrap_or_else(|| {
                Failure::new(errno::EMAIL_TAKEN, "This account is already registered.")
            }));
        }
        Err(error) => return Err(error.into()),
    };
    if let Some(identity) = registration.school_identity {
        classin::insert_school_member(&mut tx, identity, id, &account.name).await?;
    }
    tx.commit().await?;
    Ok(id.get())
}

/// `registerMultiple`: up to ten registrations from `userJson`, one result each.
pub async fn register_multiple(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<Vec<ItemOutcome>> {
    let _store = service.store();
    let items = params.json_array("userJson", REGISTER_MULTIPLE_MAX)?;
    let mut outcomes = Vec::with_capacity(items.len());
    for item in &items {
        let (result, telephone) = match item_object(item, "userJson") {
            Ok(object) => (
                register(service, school, Params(object)).await.map(Some),
                Params(object).text("telephone").map(Value::from),
            ),
            Err(failure) => (Err(failure), None),
        };
        outcomes.push(ItemOutcome::new(result, custom_column(item)).echo("telephone", telephone));
    }
    Ok(outcomes)
}

/// Gives a registered person (by telephone or e-mail) an identity in the school; answers the identity's row id.
async fn add_school_member(
    store: &Store,
    school: &School,
    identity: SchoolIdentity,
    account: (String, bool),
    name: &str,
) -> ClassinResult<i64> {
    let mut tx = store.begin_for(school.tenant_id).await?;
    let Some(person) = classin::find_account(&mut tx, account_of(&account.0, account.1)).await?
    else {
        return Err(Failure::new(
            errno::NOT_REGISTERED,
            "No account is registered with this telephone or email; register it first.",
        ));
    };
    if let Some(existing) = classin::find_school_member(&mut tx, identity, person.id).await? {
        let failure = Failure::new(
            errno::ALREADY_IN_SCHOOL,
            "This person already has this identity in the school.",
        );
        return Err(match identity {
            SchoolIdentity::Teacher => failure.with_data(existing.id + TEACHER_RELATIONSHIP_OFFSET),
            SchoolIdentity::Student => failure,
        });
    }
    let row_id = match classin::insert_school_member(&mut tx, identity, person.id, name).await {
        Err(StoreError::Conflict { .. }) => {
            return Err(Failure::new(
                errno::ALREADY_IN_SCHOOL,
                "This person already has this identity in the school.",
            ))
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(row_id)
}

/// `addTeacher`: answers the school–teacher relationship id, which is not the UID.
pub async fn add_teacher(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<i64> {
    let store = service.store();
    let account = read_account(
        params.text("teacherAccount"),
        "teacherAccount",
        errno::TEACHER_ACCOUNT_MALFORMED,
    )?;
    let name = required_name(params, "teacherName", NAME_MAX)?;
    let row_id = add_school_member(store, school, SchoolIdentity::Teacher, account, &name).await?;
    Ok(row_id + TEACHER_RELATIONSHIP_OFFSET)
}

/// `addSchoolStudent`: answers no data.
pub async fn add_school_student(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let account = read_account(
        params.text("studentAccount"),
        "studentAccount",
        errno::TELEPHONE_MALFORMED,
    )?;
    let name = required_name(params, "studentName", NAME_MAX)?;
    add_school_member(store, school, SchoolIdentity::Student, account, &name).await?;
    Ok(())
}

/// The school's teacher with this UID (136 otherwise: a relationship id is no UID).
pub(crate) async fn school_teacher(
    tx: &mut TenantTx,
    uid: UserId,
) -> ClassinResult<SchoolMemberRow> {
    classin::find_school_member(tx, SchoolIdentity::Teacher, uid)
        .await?
        .ok_or_else(|| {
            Failure::new(
                errno::TEACHER_NOT_FOUND,
                format!("{uid} is not the UID of a teacher of this school."),
            )
        })
}

/// A teacher who may be given lessons: of the school (136 otherwise) and not stopped (387).
pub(crate) async fn schedulable_teacher(tx: &mut TenantTx, uid: UserId) -> ClassinResult<()> {
    usable_teacher(tx, uid, errno::TEACHER_NOT_FOUND, errno::TEACHER_STOPPED).await
}

/// A teacher of the school who is not stopped, with the codes of the role asked for: 136/387 a lesson's teacher,
/// 318/388 an assistant, 334/389 a course's head teacher.
pub(crate) async fn usable_teacher(
    tx: &mut TenantTx,
    uid: UserId,
    unknown: i64,
    stopped: i64,
) -> ClassinResult<()> {
    let teacher = classin::find_school_member(tx, SchoolIdentity::Teacher, uid)
        .await?
        .ok_or_else(|| {
            Failure::new(
                unknown,
                format!("{uid} is not the UID of a teacher of this school."),
            )
        })?;
    if teacher.stopped_at.is_some() {
        return Err(Failure::new(
            stopped,
            format!("The teacher {uid} is stopped (stopUsingTeacher) and cannot be given lessons."),
        ));
    }
    Ok(())
}

/// The school's student with this UID (228 otherwise).
pub(crate) async fn school_student(tx: &mut TenantTx, uid: UserId) -> ClassinResult<AccountRow> {
    if classin::find_school_member(tx, SchoolIdentity::Student, uid)
        .await?
        .is_none()
    {
        return Err(Failure::new(
            errno::NOT_SCHOOL_STUDENT,
            format!("{uid} is not the UID of a student of this school."),
        ));
    }
    classin::find_person(tx, uid)
        .await?
        .ok_or_else(|| Failure::new(errno::NOT_SCHOOL_STUDENT, "Not a student of this school."))
}

/// `editTeacher`: renames the teacher within the school.
pub async fn edit_teacher(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let uid = params.required_id("teacherUid", UserId::new)?;
    let name = required_name(params, "teacherName", NAME_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    school_teacher(&mut tx, uid)
        .await
        .map_err(|failure| failure.with_errno(errno::TEACHER_INFO_MISSING))?;
    classin::rename_school_member(&mut tx, SchoolIdentity::Teacher, uid, &name).await?;
    tx.commit().await?;
    Ok(())
}

/// `editSchoolStudent`: renames the student within the school.
pub async fn edit_school_student(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let uid = params.required_id("studentUid", UserId::new)?;
    let name = required_name(params, "studentName", NAME_MAX)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    if classin::find_school_member(&mut tx, SchoolIdentity::Student, uid)
        .await?
        .is_none()
    {
        return Err(Failure::new(
            errno::NOT_SCHOOL_STUDENT,
            format!("{uid} is not the UID of a student of this school."),
        ));
    }
    classin::rename_school_member(&mut tx, SchoolIdentity::Student, uid, &name).await?;
    tx.commit().await?;
    Ok(())
}

/// `stopUsingTeacher` (`stop`) and `restartUsingTeacher`: a stopped teacher cannot be given new lessons (387).
/// Stopping is refused while the teacher has lessons that have not ended (317); stopping or restarting twice
/// changes nothing and succeeds.
pub async fn set_teacher_stopped(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
    stop: bool,
    now: i64,
) -> ClassinResult<()> {
    let store = service.store();
    let uid = params.required_id("teacherUid", UserId::new)?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let teacher = school_teacher(&mut tx, uid).await?;
    if stop
        && classbridge_store::classin::lessons::count_unfinished_lessons_taught(
            &mut tx,
            None,
            uid,
            UnixMillis::from_seconds(now),
        )
        .await?
            > 0
    {
        return Err(Failure::new(
            errno::TEACHER_HAS_LESSONS,
            "The teacher has lessons that have not ended; change their teacher or delete them first.",
        ));
    }
    if stop == teacher.stopped_at.is_some() {
        return Ok(());
    }
    let stopped_at = stop.then_some(UnixMillis::from_seconds(now));
    classin::set_teacher_stopped(&mut tx, uid, stopped_at).await?;
    tx.commit().await?;
    Ok(())
}

/// `modifyPasswordByTelephone` (and `modifyPassword`): sets a school member's password without the old one; a
/// person who is neither a teacher nor a student of the school is 227.
pub async fn modify_password(
    service: &crate::Service,
    school: &School,
    params: Params<'_>,
) -> ClassinResult<()> {
    let store = service.store();
    let uid = params.required_id("uid", UserId::new)?;
    let mut fields = params.0.clone();
    fields.insert("telephone".into(), Value::from("00000000000"));
    let registration = read_registration(Params(&fields))?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    let mut member = false;
    for identity in [SchoolIdentity::Teacher, SchoolIdentity::Student] {
        member |= classin::find_school_member(&mut tx, identity, uid)
            .await?
            .is_some();
    }
    if !member {
        return Err(Failure::new(
            errno::NO_PASSWORD_PERMISSION,
            "This person is not a teacher or student of the school (addTeacher / addSchoolStudent first).",
        ));
    }
    drop(tx);
    let secret = registration
        .password
        .or(registration.md5_password)
        .unwrap_or_default();
    let hash = hash_password(secret).await.map_err(|error| {
        tracing::error!(error = %error, "password hashing failed");
        Failure::new(errno::SERVER_ERROR, "Unexpected server error; retry.")
    })?;
    let mut tx = store.begin_for(school.tenant_id).await?;
    classin::set_password_hash(&mut tx, uid, &hash).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_valid_telephone;

    #[test]
    fn telephones_are_eleven_digits_or_international() {
        for good in [
            "13800138000",
            "0044-7700900123",
            "00971-501234567",
            "001-2025550123",
        ] {
            assert!(is_valid_telephone(good), "{good}");
        }
        for bad in [
            "1380013800",
            "138001380001",
            "+44-7700900123",
            "0044 7700900123",
            "44-7700900123",
            "0044-",
            "000-1234567",
            "1380013800a",
        ] {
            assert!(!is_valid_telephone(bad), "{bad}");
        }
    }
}
