"""Reads for the catalogue. Every listing here runs a fixed number of queries, however many rows."""

from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone
from wagtail.models import GroupPagePermission

from accounts.models import Audience
from courses.models import Category, CourseClass, CourseForm, ProviderPage
from places.models import Town

CATALOGUE_PAGE_SIZE = 12


@dataclass(frozen=True)
class CatalogueFilters:
    """What a resident chose in the catalogue's filter form. Unknown values are dropped, not errors."""

    category: str = ""
    audience: str = ""
    form: str = ""
    provider: int | None = None
    town: str = ""

    def as_query_string(self) -> str:
        return urlencode({key: value for key, value in asdict(self).items() if value not in ("", None)})

    @property
    def active(self) -> bool:
        return any(value not in ("", None) for value in asdict(self).values())


def _slug(value: str | None) -> str:
    value = (value or "").strip()
    return value if value and len(value) <= 80 and all(c.isalnum() or c in "-_" for c in value) else ""


def catalogue_filters_from_query(query) -> CatalogueFilters:
    provider = (query.get("provider") or "").strip()
    form = (query.get("form") or "").strip()
    return CatalogueFilters(
        category=_slug(query.get("category")),
        audience=_slug(query.get("audience")),
        form=form if form in CourseForm.values else "",
        provider=int(provider) if provider.isdigit() and len(provider) < 12 else None,
        town=_slug(query.get("town")),
    )


def current_classes_prefetch() -> Prefetch:
    today = timezone.localdate()
    return Prefetch(
        "classes",
        queryset=CourseClass.objects.filter(ends_on__gte=today)
        .select_related("venue__town", "teacher")
        .order_by("starts_on", "pk"),
        to_attr="current_classes",
    )


@dataclass(frozen=True)
class CatalogueFacets:
    categories: list[Category]
    audiences: list[Audience]
    forms: list[tuple[str, str]]
    providers: list[ProviderPage]
    towns: list[Town]


def catalogue_facets() -> CatalogueFacets:
    return CatalogueFacets(
        categories=list(Category.objects.all()),
        audiences=list(Audience.objects.all()),
        forms=list(CourseForm.choices),
        providers=list(ProviderPage.objects.live().only("id", "title", "path", "depth").order_by("path")),
        towns=list(Town.objects.all()),
    )


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
