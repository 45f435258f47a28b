"""Reads for the catalogue. Every listing here runs a fixed number of queries, however many rows.

The catalogue's listing and course search (its filter object, facets and reads) are in courses/search.py."""

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from wagtail.models import GroupPagePermission

from courses.models import Category, CourseClass, ProviderPage


def catalogue_categories() -> list[Category]:
    return list(Category.objects.all())


def upcoming_classes(*, limit: int = 6) -> list[CourseClass]:
    """The next classes still open for enrolment, across the district, for the home page."""
    today = timezone.localdate()
    return list(
        CourseClass.objects.filter(course__live=True, starts_on__gte=today)
        .filter(Q(enrol_opens__isnull=True) | Q(enrol_opens__lte=today))
        .filter(seats_taken__lt=F("capacity"))
        .select_related("course", "venue__town")
        .order_by("starts_on", "pk")[:limit]
    )


def providers_for_user(user) -> QuerySet[ProviderPage]:
    """The schools whose pages `user` may edit: Wagtail's page permissions are the one source of truth.

    Centre staff hold permissions on the catalogue (or the root), so they get every school.
    """
    if not user.is_authenticated or not user.is_active:
        return ProviderPage.objects.none()
    if user.is_superuser:
        return ProviderPage.objects.all()
    paths = list(
        GroupPagePermission.objects.filter(group__user=user, permission__codename="change_page")
        .values_list("page__path", flat=True)
        .distinct()
    )
    if not paths:
        return ProviderPage.objects.none()
    within = Q()
    for path in paths:
        within |= Q(path__startswith=path)
    return ProviderPage.objects.filter(within)
