"""Writes for the catalogue."""

from django.db.models import Q

from courses.models import CoursePage, ProviderPage


def course_provider_sync(*, moved_path: str) -> None:
    """After a page move: every course in the moved subtree takes the school it now sits under, with one UPDATE
    per school involved (the school a moved course went to, or the schools moved with their courses)."""
    steplen = ProviderPage.steplen
    courses = CoursePage.objects.filter(path__startswith=moved_path)
    schools = ProviderPage.objects.filter(Q(path=moved_path[:-steplen]) | Q(path__startswith=moved_path))
    placed = Q()
    for school_id, school_path in schools.values_list("pk", "path"):
        under = Q(path__startswith=school_path, depth=len(school_path) // steplen + 1)
        courses.filter(under).update(provider_id=school_id)
        placed |= under
    # A course moved in code to a page that is not a school (the admin's move view does not allow it).
    (courses.exclude(placed) if placed else courses).update(provider_id=None)
