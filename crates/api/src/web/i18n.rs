//! The words of the pages, in English and Arabic (the pages turn right-to-left for Arabic).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Ar,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Self::En),
            "ar" => Some(Self::Ar),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ar => "ar",
        }
    }

    pub fn dir(self) -> &'static str {
        match self {
            Self::En => "ltr",
            Self::Ar => "rtl",
        }
    }

    /// The other language, for the switch.
    pub fn other(self) -> Self {
        match self {
            Self::En => Self::Ar,
            Self::Ar => Self::En,
        }
    }

    /// The language's own name.
    pub fn own_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Ar => "العربية",
        }
    }

    pub fn t(self, key: Key) -> &'static str {
        let (en, ar) = match key {
            Key::SignedInAs => ("Signed in as", "تم تسجيل الدخول باسم"),
            Key::SignOut => ("Sign out", "تسجيل الخروج"),
            Key::MyClasses => ("My classes", "صفوفي"),
            Key::MySubjects => ("My subjects", "موادي"),
            Key::MySections => ("My sections", "شعبي"),
            Key::Branch => ("School", "المدرسة"),
            Key::Class => ("Class", "الصف"),
            Key::Section => ("Section", "الشعبة"),
            Key::Subject => ("Subject", "المادة"),
            Key::Teachers => ("Teachers", "المعلمون"),
            Key::Students => ("Students", "الطلاب"),
            Key::NoClasses => ("You are not in any class yet.", "لم تُسجَّل في أي صف بعد."),
            Key::NoSections => ("You do not teach any section yet.", "لا تدرّس أي شعبة بعد."),
            Key::NoStudents => ("No students yet.", "لا يوجد طلاب بعد."),
            Key::NoTeacher => ("No teacher yet", "لا يوجد معلم بعد"),
            Key::Supervision => ("Supervision", "الإشراف"),
            Key::NoSupervision => (
                "No subjects are assigned to you for supervision yet.",
                "لم تُسند إليك مواد للإشراف بعد.",
            ),
            Key::Administration => ("Administration", "الإدارة"),
            Key::Dashboard => ("Open the school dashboard", "افتح لوحة المدرسة"),
            Key::NothingHere => (
                "Your account has no classes or roles yet.",
                "لا توجد صفوف أو أدوار في حسابك بعد.",
            ),
            Key::Home => ("Home", "الرئيسية"),
            Key::SwitchLanguage => ("Language", "اللغة"),
            Key::SchoolDashboard => ("School dashboard", "لوحة المدرسة"),
            Key::Branches => ("Schools, classes and sections", "المدارس والصفوف والشعب"),
            Key::MirrorJobs => ("Recent mirror jobs", "آخر عمليات المزامنة"),
            Key::Credentials => ("API credentials", "بيانات اعتماد الواجهة البرمجية"),
            Key::Status => ("Status", "الحالة"),
            Key::Accepted => ("Accepted", "وقت الاستلام"),
            Key::Changes => ("Changes", "التغييرات"),
            Key::Name => ("Name", "الاسم"),
            Key::Referer => ("Calls from", "مصدر الطلبات"),
            Key::LastUsed => ("Last used", "آخر استخدام"),
            Key::Never => ("never", "أبدًا"),
            Key::Revoked => ("revoked", "ملغاة"),
            Key::AdminsOnly => (
                "This page is for the school's administrators.",
                "هذه الصفحة لمسؤولي المدرسة.",
            ),
            Key::Nothing => ("Nothing yet.", "لا شيء بعد."),
            Key::MyLessons => (
                "My lessons",
                "دروسي",
            ),
            Key::NoLessons => (
                "No upcoming lessons.",
                "لا توجد دروس قادمة.",
            ),
            Key::OpenForBooking => (
                "Lessons open for booking",
                "دروس متاحة للحجز",
            ),
            Key::NoneOpenForBooking => (
                "No lessons are open for booking right now.",
                "لا توجد دروس متاحة للحجز الآن.",
            ),
            Key::Book => (
                "Book a seat",
                "احجز مقعدًا",
            ),
            Key::CancelBooking => (
                "Cancel my booking",
                "ألغِ حجزي",
            ),
            Key::BookedSeat => (
                "You have booked a seat.",
                "لقد حجزت مقعدًا.",
            ),
            Key::SeatsLeft => (
                "Seats left",
                "المقاعد المتبقية",
            ),
            Key::Enter => (
                "Enter the lesson",
                "ادخل الدرس",
            ),
            Key::OpensAt => (
                "Entry opens at",
                "يُفتح الدخول في",
            ),
            Key::LessonEnded => (
                "This lesson has ended.",
                "انتهى هذا الدرس.",
            ),
            Key::LessonCancelled => (
                "This lesson was cancelled.",
                "أُلغي هذا الدرس.",
            ),
            Key::Course => (
                "Course",
                "المقرر",
            ),
            Key::Teacher => (
                "Teacher",
                "المعلم",
            ),
            Key::Time => (
                "Time",
                "الوقت",
            ),
            Key::Assistants => (
                "Assistants",
                "المساعدون",
            ),
            Key::Attendance => (
                "Attendance",
                "الحضور",
            ),
            Key::Labels => ("Labels", "الوسوم"),
            Key::Comments => ("Comments on students", "ملاحظات على الطلاب"),
            Key::Stars => ("Stars", "النجوم"),
            Key::FirstEntered => (
                "First entered",
                "أول دخول",
            ),
            Key::Lesson => (
                "Lesson",
                "الدرس",
            ),
            Key::LessonsCalendar => (
                "Lessons in the next two weeks",
                "الدروس خلال الأسبوعين القادمين",
            ),
            Key::Seats => (
                "Seats",
                "المقاعد",
            ),
            Key::YouAreIn => (
                "You are in the lesson",
                "أنت في الدرس",
            ),
            Key::OpenRoom => (
                "Open the video room",
                "افتح غرفة الفيديو",
            ),
            Key::NoRoom => (
                "Your attendance is recorded. The school has not set up video rooms yet; ask your teacher where the lesson takes place.",
                "تم تسجيل حضورك. لم تُعِدّ المدرسة غرف الفيديو بعد؛ اسأل معلمك عن مكان الدرس.",
            ),
            Key::BackToLesson => (
                "Back to the lesson",
                "العودة إلى الدرس",
            ),
            Key::NoSuchLesson => (
                "There is no such lesson for you.",
                "لا يوجد درس كهذا لك.",
            ),
            Key::NotBookableAnyMore => (
                "Booking for this lesson has closed.",
                "أُغلق الحجز لهذا الدرس.",
            ),
            Key::EntryOpenUntil => (
                "Entry is open until",
                "الدخول متاح حتى",
            ),
            Key::NoSuchCourse => (
                "There is no such course for you.",
                "لا توجد دورة كهذه لك.",
            ),
            Key::CourseOutline => ("Course outline", "مخطط الدورة"),
            Key::CourseEnded => ("Ended", "انتهت"),
            Key::NothingInTheOutline => (
                "Nothing has been published in this course yet.",
                "لم يُنشر شيء في هذه الدورة بعد.",
            ),
            Key::NothingInTheUnit => ("Nothing in this unit yet.", "لا شيء في هذه الوحدة بعد."),
            Key::NoTopic => ("No topic", "بدون موضوع"),
            Key::Draft => ("Draft", "مسودة"),
            Key::Activity => ("Activity", "النشاط"),
            Key::Kind => ("Kind", "النوع"),
            Key::ActivityClassroom => ("Live lesson", "درس مباشر"),
            Key::ActivityHomework => ("Homework", "واجب منزلي"),
            Key::ActivityQuiz => ("Quiz", "اختبار قصير"),
            Key::ActivityRecordedLesson => ("Recorded lesson", "درس مسجل"),
            Key::ActivityStudyMaterial => ("Study material", "مادة دراسية"),
            Key::ActivityDiscussion => ("Discussion", "نقاش"),
            Key::ActivityAnswerSheet => ("Answer sheet", "ورقة إجابة"),
            Key::ActivityCheckIn => ("Check-in", "تسجيل الحضور"),
            Key::ActivityOther => ("Activity", "نشاط"),
        };
        match self {
            Self::En => en,
            Self::Ar => ar,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum Key {
    SignedInAs,
    SignOut,
    MyClasses,
    MySubjects,
    MySections,
    Branch,
    Class,
    Section,
    Subject,
    Teachers,
    Students,
    NoClasses,
    NoSections,
    NoStudents,
    NoTeacher,
    Supervision,
    NoSupervision,
    Administration,
    Dashboard,
    NothingHere,
    Home,
    SwitchLanguage,
    SchoolDashboard,
    Branches,
    MirrorJobs,
    Credentials,
    Status,
    Accepted,
    Changes,
    Name,
    Referer,
    LastUsed,
    Never,
    Revoked,
    AdminsOnly,
    Nothing,
    MyLessons,
    NoLessons,
    OpenForBooking,
    NoneOpenForBooking,
    Book,
    CancelBooking,
    BookedSeat,
    SeatsLeft,
    Enter,
    OpensAt,
    LessonEnded,
    LessonCancelled,
    Course,
    Teacher,
    Time,
    Assistants,
    Attendance,
    Labels,
    Comments,
    Stars,
    FirstEntered,
    Lesson,
    LessonsCalendar,
    Seats,
    YouAreIn,
    OpenRoom,
    NoRoom,
    BackToLesson,
    NoSuchLesson,
    NotBookableAnyMore,
    EntryOpenUntil,
    NoSuchCourse,
    CourseOutline,
    CourseEnded,
    NothingInTheOutline,
    NothingInTheUnit,
    NoTopic,
    Draft,
    Activity,
    Kind,
    ActivityClassroom,
    ActivityHomework,
    ActivityQuiz,
    ActivityRecordedLesson,
    ActivityStudyMaterial,
    ActivityDiscussion,
    ActivityAnswerSheet,
    ActivityCheckIn,
    ActivityOther,
}
