"""What the catalogue gives the search engine, and when: live courses as search documents.

The engine (search/) knows no model of ours. This module is its source (search.registry.SearchSource),
registered in CoursesConfig.ready: documents built from CoursePages, the names the segmenter keeps whole,
and the class facts the database engine reads live at query time (open for enrolment, starting soon, seats
left, next start) as expressions over CourseClass. The receivers in courses/signals.py queue a re-index of
the courses a change touches.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone, translation

from accounts.models import Audience
from courses.models import Category, CourseClass, CourseForm, CoursePage, ProviderPage
from places.models import Town, Venue
from search.documents import Document, FacetChoice, Occurrence
from search.highlight import plain_text
from search.services import search_index_queue


def _order(sort_order: int) -> str:
    return f"{sort_order:05d}"


def open_classes(today: datetime.date) -> QuerySet[CourseClass]:
    """Classes a resident can enrol in today (CourseClass.is_open_for_enrolment, as a query)."""
    return CourseClass.objects.filter(
        Q(enrol_opens__isnull=True) | Q(enrol_opens__lte=today),
        Q(enrol_closes__gte=today) | Q(enrol_closes__isnull=True, starts_on__gte=today),
    )


def indexable_courses() -> QuerySet[CoursePage]:
    """Live courses with everything course_document() reads, in a fixed number of queries per batch."""
    today = timezone.localdate()
    current = CourseClass.objects.filter(ends_on__gte=today).select_related("venue__town").order_by("starts_on", "pk")
    return (
        CoursePage.objects.live()
        .select_related("category", "provider", "town")
        .prefetch_related("audiences", Prefetch("classes", queryset=current, to_attr="indexed_classes"))
    )


def course_document(course: CoursePage) -> Document:
    """A course as the engine indexes it (its live revision's fields, as stored)."""
    classes = course.indexed_classes
    towns: dict[int, Town] = {}
    if course.town_id:
        towns[course.town_id] = course.town
    for course_class in classes:
        if course_class.venue and course_class.venue.town_id:
            towns.setdefault(course_class.venue.town_id, course_class.venue.town)
    audiences = list(course.audiences.all())
    category, provider = course.category, course.provider
    # The names are searchable too, at the weakest weight (a school's name finds its courses).
    names = " ".join(
        [
            category.name if category else "",
            provider.title if provider else "",
            *(a.name for a in audiences),
            *(t.name for t in towns.values()),
        ]
    )
    # Labels are stored in the site's language; the catalogue shows form labels in the visitor's.
    with translation.override(settings.LANGUAGE_CODE):
        form_label = str(CourseForm(course.form).label) if course.form in CourseForm.values else course.form
    facets = {
        "category": [FacetChoice(category.slug, category.name, _order(category.sort_order))] if category else [],
        "audience": [FacetChoice(a.slug, a.name, _order(a.sort_order)) for a in audiences],
        "form": [FacetChoice(course.form, form_label, course.form)] if course.form else [],
        "provider": [FacetChoice(str(provider.pk), provider.title, provider.title)] if provider else [],
        "town": [FacetChoice(t.slug, t.name, _order(t.sort_order)) for t in towns.values()],
    }
    return Document(
        id=course.pk,
        title=course.title,
        keywords=course.keywords or "",
        summary=course.summary or "",
        body=f"{plain_text(course.body)} {names}",
        facets=facets,
        fee=course.fee,
        published_at=course.first_published_at,
        occurrences=[
            Occurrence(
                id=c.pk,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                enrol_opens=c.enrol_opens,
                enrol_closes=c.enrol_closes,
                seats_left=c.seats_left,
            )
            for c in classes
        ],
    )


class CourseSearchSource:
    """The catalogue as a search.registry.SearchSource."""

    def documents(self, ids: Sequence[int]) -> list[Document]:
        return [course_document(course) for course in indexable_courses().filter(pk__in=list(ids)).order_by("pk")]

    def live_ids(self) -> list[int]:
        return list(CoursePage.objects.live().order_by("pk").values_list("pk", flat=True))

    def ids_containing(self, word: str) -> list[int]:
        containing = (
            Q(title__contains=word) | Q(summary__contains=word) | Q(body__contains=word) | Q(keywords__contains=word)
        )
        return list(CoursePage.objects.live().filter(containing).values_list("pk", flat=True))

    def dictionary_words(self) -> Iterable[str]:
        yield from Town.objects.values_list("name", flat=True)
        yield from ProviderPage.objects.values_list("title", flat=True)
        yield from Category.objects.values_list("name", flat=True)
        yield from Audience.objects.values_list("name", flat=True)

    def open_now(self, *, today: datetime.date, document: OuterRef) -> Exists:
        return Exists(open_classes(today).filter(course_id=document))

    def starting_within(self, *, today: datetime.date, days: int, document: OuterRef) -> Exists:
        until = today + datetime.timedelta(days=days)
        return Exists(CourseClass.objects.filter(course_id=document, starts_on__gte=today, starts_on__lte=until))

    def with_open_seats(self, *, today: datetime.date, document: OuterRef) -> Exists:
        return Exists(open_classes(today).filter(course_id=document, seats_taken__lt=F("capacity")))

    def next_start(self, *, today: datetime.date, document: OuterRef) -> Subquery:
        return Subquery(
            CourseClass.objects.filter(course_id=document, ends_on__gte=today)
            .values("course_id")
            .annotate(first=Min("starts_on"))
            .values("first")[:1]
        )


# --- Index upkeep: what a change touches, queued after commit -------------------------------------


def course_index_queue(*, course_ids: Iterable[int | None]) -> None:
    """Re-index these courses after commit (removed from the index if no longer live)."""
    search_index_queue(document_ids=[pk for pk in course_ids if pk])


def course_index_queue_naming(*, named: Category | Audience | Town | Venue | ProviderPage) -> None:
    """A category, audience, town, venue or school was saved or is being deleted: its name and slug are in
    the documents of the courses that name it (their facets and text), so those are re-indexed."""
    if isinstance(named, Category):
        courses = CoursePage.objects.filter(category=named)
    elif isinstance(named, Audience):
        courses = CoursePage.objects.filter(audiences=named)
    elif isinstance(named, Town):
        courses = CoursePage.objects.filter(Q(town=named) | Q(classes__venue__town=named))
    elif isinstance(named, Venue):
        courses = CoursePage.objects.filter(classes__venue=named)
    else:
        courses = CoursePage.objects.filter(provider=named)
    course_index_queue(course_ids=set(courses.values_list("pk", flat=True)))


def course_index_queue_moved(*, moved_path: str) -> None:
    """A page moved: the courses in the moved subtree may have a new school."""
    course_index_queue(course_ids=CoursePage.objects.filter(path__startswith=moved_path).values_list("pk", flat=True))
