"""What of a course gets indexed, computed once for every engine."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from courses.models import CourseClass, CoursePage
from search.analysis import index_terms
from search.highlight import plain_text


@dataclass
class CourseFacts:
    id: int
    title: str
    keywords: str
    summary: str
    body: str
    category_id: int | None
    category: str
    category_slug: str
    provider_id: int | None
    provider: str
    form: str
    fee: Decimal
    published_at: datetime.datetime | None
    audience_ids: list[int] = field(default_factory=list)
    audiences: list[tuple[str, str]] = field(default_factory=list)  # (slug, name)
    town_ids: list[int] = field(default_factory=list)
    towns: list[tuple[str, str]] = field(default_factory=list)
    classes: list[CourseClass] = field(default_factory=list)

    @property
    def names(self) -> str:
        return " ".join(
            [self.category, self.provider, *(name for _, name in self.audiences), *(name for _, name in self.towns)]
        )

    def terms(self) -> dict[str, str]:
        return {
            "title_terms": index_terms(self.title),
            "keyword_terms": index_terms(self.keywords),
            "summary_terms": index_terms(self.summary),
            "body_terms": index_terms(f"{self.body} {self.names}"),
        }


def indexable_courses():
    """Live courses with everything course_facts() reads, in a fixed number of queries per batch."""
    from django.db.models import Prefetch

    today = timezone.localdate()
    current = CourseClass.objects.filter(ends_on__gte=today).select_related("venue__town").order_by("starts_on", "pk")
    return (
        CoursePage.objects.live()
        .select_related("category", "provider", "town")
        .prefetch_related("audiences", Prefetch("classes", queryset=current, to_attr="indexed_classes"))
    )


def course_facts(course: CoursePage) -> CourseFacts:
    """Read everything an index needs from a course (its live revision's fields, as stored)."""
    today = timezone.localdate()
    if hasattr(course, "indexed_classes"):
        classes = course.indexed_classes
    else:
        classes = list(course.classes.filter(ends_on__gte=today).select_related("venue__town").order_by("starts_on"))
    towns = {}
    if course.town_id:
        towns[course.town_id] = (course.town.slug, course.town.name)
    for course_class in classes:
        if course_class.venue and course_class.venue.town_id:
            town = course_class.venue.town
            towns.setdefault(town.pk, (town.slug, town.name))
    audiences = list(course.audiences.all())
    return CourseFacts(
        id=course.pk,
        title=course.title,
        keywords=course.keywords or "",
        summary=course.summary or "",
        body=plain_text(course.body),
        category_id=course.category_id,
        category=course.category.name if course.category else "",
        category_slug=course.category.slug if course.category else "",
        provider_id=course.provider_id,
        provider=course.provider.title if course.provider else "",
        form=course.form,
        fee=course.fee,
        published_at=course.first_published_at,
        audience_ids=[a.pk for a in audiences],
        audiences=[(a.slug, a.name) for a in audiences],
        town_ids=list(towns),
        towns=list(towns.values()),
        classes=classes,
    )
