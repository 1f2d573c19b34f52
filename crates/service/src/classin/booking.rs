//! Mode B: students book seats of bookable lessons themselves (through the partner API or their home page) and
//! cancel until the lesson locks. Seats are exact under any concurrency: the lesson's row is locked while its
//! seats are counted and taken, and the student's row while their other bookings are checked for overlaps.

use classbridge_domain::{LessonId, Scope, StudentIdentity, TenantId, UnixMillis, UserId};
use classbridge_store::{
    classin::{
        self, bookings as booking_store, bookings::OverlappingBooking, courses as course_store,
        lessons::LessonRow,
    },
    Store, StoreError,
};

use super::{courses::course_has_ended, lessons::is_locked};

/// Why a booking or a cancellation was refused.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    #[error("No lesson with this id.")]
    LessonNotFound,
    #[error("This lesson was deleted.")]
    LessonDeleted,
    #[error("This lesson is not open for booking.")]
    NotBookable,
    #[error("The lesson has ended.")]
    LessonEnded,
    #[error("Booking has closed: the lesson starts within 20 minutes.")]
    BookingClosed,
    #[error("Bookings can no longer be cancelled: the lesson starts within 20 minutes.")]
    CancellationClosed,
    #[error("The course of this lesson has ended.")]
    CourseEnded,
    #[error("No user with this uid in this school.")]
    UnknownPerson,
    #[error("This user is deactivated.")]
    Deactivated,
    #[error("This user is not a student of the school.")]
    NotAStudent,
    #[error("This lesson is full.")]
    LessonFull,
    #[error("This student already has a lesson at that time.")]
    Overlap(OverlappingBooking),
    #[error("This student has not booked this lesson.")]
    NotBooked,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A seat held, with the lesson's seats after it was taken.
#[derive(Debug, Clone)]
pub struct Booking {
    pub lesson_id: LessonId,
    pub user_id: UserId,
    pub name: String,
    pub booked_at: UnixMillis,
    /// `false` when the student already held this seat (booking again changes nothing).
    pub created: bool,
    pub seats: i64,
    pub booked: i64,
}

/// Whether bookings (and cancellations) of the lesson are still taken at `now_ms`.
fn check_bookable_now(lesson: &LessonRow, now_ms: i64) -> Result<(), BookingError> {
    if lesson.deleted_at.is_some() {
        return Err(BookingError::LessonDeleted);
    }
    if lesson.ends_at <= UnixMillis::new(now_ms) {
        return Err(BookingError::LessonEnded);
    }
    Ok(())
}

/// Whether the lesson and the person are in the scope: a branch's credential books and cancels only lessons of its
/// branch's courses for its branch's people. `Err` is what an unknown lesson or person would answer.
async fn check_scope(
    store: &Store,
    scope: Scope,
    lesson_id: LessonId,
    user_id: UserId,
    unknown_person: BookingError,
) -> Result<TenantId, BookingError> {
    if !scope.is_tenant_wide() {
        if store.find_lesson_summary(scope, lesson_id).await?.is_none() {
            return Err(BookingError::LessonNotFound);
        }
        if !store.is_person_in_scope(scope, user_id).await? {
            return Err(unknown_person);
        }
    }
    Ok(scope.tenant_id())
}

/// Books one seat of the lesson for the student (adding them to its course when needed). Times in Unix ms.
pub async fn book(
    service: &crate::Service,
    scope: Scope,
    lesson_id: LessonId,
    user_id: UserId,
    now_ms: i64,
) -> Result<Booking, BookingError> {
    let store = service.store();
    let tenant_id = check_scope(
        store,
        scope,
        lesson_id,
        user_id,
        BookingError::UnknownPerson,
    )
    .await?;
    let mut tx = store.begin_for(tenant_id).await?;
    let lesson = booking_store::lock_lesson(&mut tx, lesson_id)
        .await?
        .ok_or(BookingError::LessonNotFound)?;
    check_bookable_now(&lesson, now_ms)?;
    if !lesson.bookable {
        return Err(BookingError::NotBookable);
    }
    let person = classin::find_person(&mut tx, user_id)
        .await?
        .ok_or(BookingError::UnknownPerson)?;
    if !person.active {
        return Err(BookingError::Deactivated);
    }
    if !booking_store::is_student(&mut tx, user_id).await? {
        return Err(BookingError::NotAStudent);
    }
    booking_store::lock_person(&mut tx, user_id).await?;
    let seats = lesson.seat_count;
    if let Some(booked_at) = booking_store::find_booking(&mut tx, lesson.id, user_id).await? {
        let booked = booking_store::count_bookings(&mut tx, lesson.id).await?;
        return Ok(Booking {
            lesson_id: lesson.id,
            user_id,
            name: person.name,
            booked_at,
            created: false,
            seats,
            booked,
        });
    }
    if is_locked(&lesson, now_ms) {
        return Err(BookingError::BookingClosed);
    }
    let course = course_store::find_course(&mut tx, lesson.course_id)
        .await?
        .ok_or(BookingError::LessonNotFound)?;
    if course_has_ended(&course, now_ms / 1000) {
        return Err(BookingError::CourseEnded);
    }
    let booked = booking_store::count_bookings(&mut tx, lesson.id).await?;
    if booked >= seats {
        return Err(BookingError::LessonFull);
    }
    if let Some(other) = booking_store::overlapping_booking(&mut tx, user_id, &lesson).await? {
        return Err(BookingError::Overlap(other));
    }
    if course_store::course_identity_of(&mut tx, course.id, user_id)
        .await?
        .is_none()
    {
        course_store::insert_course_student(
            &mut tx,
            course.id,
            user_id,
            StudentIdentity::Student,
            None,
        )
        .await?;
    }
    let booked_at = UnixMillis::new(now_ms);
    booking_store::insert_booking(&mut tx, &lesson, user_id, booked_at).await?;
    crate::pushes::lesson_students_changed(
        &mut tx,
        &lesson,
        crate::pushes::SOURCE_LMS,
        now_ms / 1000,
    )
    .await?;
    tx.commit().await?;
    Ok(Booking {
        lesson_id: lesson.id,
        user_id,
        name: person.name,
        booked_at,
        created: true,
        seats,
        booked: booked + 1,
    })
}

/// Gives the student's seat back, until the lesson locks (20 minutes before its start).
pub async fn cancel(
    service: &crate::Service,
    scope: Scope,
    lesson_id: LessonId,
    user_id: UserId,
    now_ms: i64,
) -> Result<(), BookingError> {
    let store = service.store();
    let tenant_id = check_scope(store, scope, lesson_id, user_id, BookingError::NotBooked).await?;
    let mut tx = store.begin_for(tenant_id).await?;
    let lesson = booking_store::lock_lesson(&mut tx, lesson_id)
        .await?
        .ok_or(BookingError::LessonNotFound)?;
    check_bookable_now(&lesson, now_ms)?;
    if booking_store::find_booking(&mut tx, lesson.id, user_id)
        .await?
        .is_none()
    {
        return Err(BookingError::NotBooked);
    }
    if is_locked(&lesson, now_ms) {
        return Err(BookingError::CancellationClosed);
    }
    booking_store::delete_booking(&mut tx, lesson.id, user_id).await?;
    crate::pushes::lesson_students_changed(
        &mut tx,
        &lesson,
        crate::pushes::SOURCE_LMS,
        now_ms / 1000,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
