"""What the catalogue gives the search engine, and when: live courses as search documents.

The engine (search/) knows no model of ours. This module is its source (search.registry.SearchSource),
registered in CoursesConfig.ready: documents built from CoursePages, the names the segmenter keeps whole,
and the class facts the database engine reads live at query time (open for enrolment, starting soon, seats
left, next start) as expressions over CourseClass. The receivers in courses/signals.py queue a re-index of
the courses a change touches.
"""

import datetime
import re
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Exists, F, Min, OuterRef, Q, QuerySet, Subquery
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


COURSE_FIELDS = ("pk", "title", "keywords", "summary", "body", "form", "fee", "first_published_at")
CLASS_FIELDS = ("pk", "course_id", "starts_on", "ends_on", "enrol_opens", "enrol_closes", "capacity", "seats_taken")
# Tags become nothing, as django.utils.html.strip_tags does; rich text from the editor is well formed, and a
# regular expression costs a fraction of an HTML parser's time (strip_tags was a sixth of building a document).
_TAG = re.compile(r"<[^>]*>")


def _plain_text(html: str) -> str:
    return plain_text(_TAG.sub("", html or ""))


def _names(model, pks: set[int], *fields: str) -> dict[int, dict]:
    return {row["pk"]: row for row in model.objects.filter(pk__in=pks).values("pk", *fields)} if pks else {}


def course_documents(ids: Sequence[int]) -> list[Document]:
    """The live courses of these ids as the engine indexes them (their live revision's fields, as stored),
    by id. Plain rows, not pages: a re-index reads 100k courses, and building Wagtail pages with their
    prefetched relations took longer than everything else but the analysis. Seven queries."""
    today = timezone.localdate()
    courses = list(
        CoursePage.objects.live()
        .filter(pk__in=list(ids))
        .order_by("pk")
        .values(*COURSE_FIELDS, "category_id", "provider_id", "town_id")
    )
    pks = [course["pk"] for course in courses]
    classes: dict[int, list[dict]] = {}
    for row in (
        CourseClass.objects.filter(course_id__in=pks, ends_on__gte=today)
        .order_by("starts_on", "pk")
        .values(*CLASS_FIELDS, town_id=F("venue__town_id"))
    ):
        classes.setdefault(row["course_id"], []).append(row)
    audiences_of: dict[int, list[int]] = {}
    for course_id, audience_id in CoursePage.audiences.through.objects.filter(coursepage_id__in=pks).values_list(
        "coursepage_id", "audience_id"
    ):
        audiences_of.setdefault(course_id, []).append(audience_id)
    categories = _names(Category, {c["category_id"] for c in courses if c["category_id"]}, "name", "slug", "sort_order")
    providers = _names(ProviderPage, {c["provider_id"] for c in courses if c["provider_id"]}, "title")
    audiences = _names(Audience, {a for ids_ in audiences_of.values() for a in ids_}, "name", "slug", "sort_order")
    town_ids = {c["town_id"] for c in courses if c["town_id"]} | {
        row["town_id"] for rows in classes.values() for row in rows if row["town_id"]
    }
    towns = _names(Town, town_ids, "name", "slug", "sort_order")
    # Labels are stored in the site's language; the catalogue shows form labels in the visitor's.
    with translation.override(settings.LANGUAGE_CODE):
        form_labels = {value: str(label) for value, label in CourseForm.choices}
    return [
        _course_document(
            course,
            classes=classes.get(course["pk"], []),
            category=categories.get(course["category_id"]),
            provider=providers.get(course["provider_id"]),
            # As Audience orders them (NamedSnippet: sort order, then name).
            audiences=sorted(
                (audiences[a] for a in audiences_of.get(course["pk"], [])), key=lambda a: (a["sort_order"], a["name"])
            ),
            towns=towns,
            form_labels=form_labels,
        )
        for course in courses
    ]


def _course_document(
    course: dict,
    *,
    classes: list[dict],
    category: dict | None,
    provider: dict | None,
    audiences: list[dict],
    towns: dict[int, dict],
    form_labels: dict[str, str],
) -> Document:
    # The course's own town first, then its classes' towns in the order the classes start.
    course_towns = [towns[pk] for pk in dict.fromkeys([course["town_id"], *(c["town_id"] for c in classes)]) if pk]
    # The names are searchable too, at the weakest weight (a school's name finds its courses).
    names = " ".join(
        [
            category["name"] if category else "",
            provider["title"] if provider else "",
            *(a["name"] for a in audiences),
            *(t["name"] for t in course_towns),
        ]
    )
    form = course["form"]
    facets = {
        "category": [FacetChoice(category["slug"], category["name"], _order(category["sort_order"]))]
        if category
        else [],
        "audience": [FacetChoice(a["slug"], a["name"], _order(a["sort_order"])) for a in audiences],
        "form": [FacetChoice(form, form_labels.get(form, form), form)] if form else [],
        "provider": [FacetChoice(str(provider["pk"]), provider["title"], provider["title"])] if provider else [],
        "town": [FacetChoice(t["slug"], t["name"], _order(t["sort_order"])) for t in course_towns],
    }
    return Document(
        id=course["pk"],
        title=course["title"],
        keywords=course["keywords"] or "",
        summary=course["summary"] or "",
        body=f"{_plain_text(course['body'])} {names}",
        facets=facets,
        fee=course["fee"],
        published_at=course["first_published_at"],
        occurrences=[
            Occurrence(
                id=c["pk"],
                starts_on=c["starts_on"],
                ends_on=c["ends_on"],
                enrol_opens=c["enrol_opens"],
                enrol_closes=c["enrol_closes"],
                seats_left=max(c["capacity"] - c["seats_taken"], 0),  # CourseClass.seats_left
            )
            for c in classes
        ],
    )


class CourseSearchSource:
    """The catalogue as a search.registry.SearchSource."""

    def documents(self, ids: Sequence[int]) -> list[Document]:
        return course_documents(ids)

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
