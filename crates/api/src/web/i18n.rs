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
}
