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

__all__ = [
    "Audience",
    "Category",
    "CourseClass",
    "CourseForm",
    "CourseIndexPage",
    "CoursePage",
    "ProviderKind",
    "ProviderPage",
]
