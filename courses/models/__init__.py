"""Models of the courses app, one module per concern; import them from here."""

from .catalogue import (
    Audience,
    Category,
    CourseClass,
    CourseForm,
    CourseIndexPage,
    CoursePage,
    ProviderKind,
    ProviderPage,
)
from .enrolment import (
    ACTIVE_STATUSES,
    Attendance,
    AttendanceMethod,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    PhoneReveal,
)
from .records import (
    Certificate,
    CertificateStatus,
    CreditConversion,
    CreditRule,
    LearnerKey,
    Recognition,
    RecognitionStatus,
    XapiStatement,
    XapiVerb,
)

__all__ = [
    "Certificate",
    "CertificateStatus",
    "CreditConversion",
    "CreditRule",
    "LearnerKey",
    "Recognition",
    "RecognitionStatus",
    "XapiStatement",
    "XapiVerb",
    "ACTIVE_STATUSES",
    "Attendance",
    "AttendanceMethod",
    "Enrolment",
    "EnrolmentStatus",
    "Meeting",
    "PhoneReveal",
    "Audience",
    "Category",
    "CourseClass",
    "CourseForm",
    "CourseIndexPage",
    "CoursePage",
    "ProviderKind",
    "ProviderPage",
]
