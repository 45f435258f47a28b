"""What a search result or a catalogue listing shows of a course: its card, read in two plain queries.

A card is not a CoursePage. Building 20 Wagtail page objects (each with every Page field deferred, its
category, school page and town, and its classes through modelcluster's prefetch) took 11–14 ms of a search
request at 100k courses; the same values as rows take 4–5 (decision 0022). Seats are read with the card, at
render time, so they are never stale. A page that needs more than the card loads the CoursePage itself.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.http import RFC3986_SUBDELIMS
from wagtail.models import Site

from courses import models

COURSE_VALUES = (
    "id",
    "title",
    "url_path",
    "summary",
    "body",
    "keywords",
    "form",
    "fee",
    "hours",
    "provider_id",
    "provider__title",
    "category__name",
    "category__slug",
    "town__name",
)
CLASS_VALUES = (
    "id",
    "course_id",
    "label",
    "starts_on",
    "ends_on",
    "schedule",
    "capacity",
    "seats_taken",
    "enrol_opens",
    "enrol_closes",
    "venue__name",
    "venue__town__name",
)


@dataclass(frozen=True, slots=True)
class ClassCard:
    """A current class as the card shows it: when, where, and the seats left now."""

    pk: int
    label: str
    starts_on: datetime.date
    ends_on: datetime.date
    schedule: str
    capacity: int
    seats_taken: int
    enrol_opens: datetime.date | None
    enrol_closes: datetime.date | None
    venue_name: str | None
    town_name: str | None

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)


@dataclass(slots=True)
class CourseCard:
    pk: int
    title: str
    path: str  # the URL on the course's own site
    site_id: int | None
    root_url: str  # that site's address, for a link from another site
    summary: str
    body: str  # rich text: highlighting and the spelling suggestion read it, never shown whole
    keywords: str
    form: str
    fee: Decimal
    hours: Decimal
    provider_id: int | None
    provider_title: str | None
    category_name: str | None
    category_slug: str | None
    town_name: str | None
    classes: list[ClassCard] = field(default_factory=list)  # not yet finished, soonest first
    single_site: bool = True

    @property
    def url(self) -> str:
        """As Wagtail's Page.url: relative with one site, with the site's address when there are several."""
        return self.path if self.single_site else self.url_on(None)

    def url_on(self, site: Site | None) -> str:
        """Relative on the course's own site, with the site's address on another (Wagtail's get_url)."""
        if site is not None and site.pk == self.site_id:
            return self.path
        return f"{self.root_url.rstrip('/')}{self.path}" if self.root_url else self.path

    @property
    def is_free(self) -> bool:
        return not self.fee

    @property
    def form_label(self) -> str:
        return str(dict(models.CourseForm.choices).get(self.form, self.form))

    @property
    def next_class(self) -> ClassCard | None:
        return self.classes[0] if self.classes else None


def course_cards(ids: list[int]) -> dict[int, CourseCard]:
    """The cards of these courses (live or not: the caller asked for these ids), with their current classes."""
    if not ids:
        return {}
    roots = Site.get_site_root_paths()
    single_site = len({root.site_id for root in roots}) == 1
    classes = defaultdict(list)
    current = (
        models.CourseClass.objects.filter(course_id__in=ids, ends_on__gte=timezone.localdate())
        .order_by("starts_on", "pk")
        .values_list(*CLASS_VALUES)
    )
    for pk, course_id, *values in current:
        classes[course_id].append(ClassCard(pk, *values))
    # Wagtail reverses its serve view for each page; reversing once and quoting each page's part as reverse()
    # does gives the same URL at a tenth of the cost.
    serve_prefix = reverse("wagtail_serve", args=("",))
    cards = {}
    # Unordered: the cards are looked up by id (a page's default order by tree path costs a join's sort).
    for row in models.CoursePage.objects.filter(pk__in=ids).order_by().values(*COURSE_VALUES):
        root = next((root for root in roots if row["url_path"].startswith(root.root_path)), None)
        if root is None:  # outside every site: Wagtail gives it no URL either
            continue
        cards[row["id"]] = CourseCard(
            pk=row["id"],
            title=row["title"],
            path=serve_prefix + quote(row["url_path"][len(root.root_path) :], safe=RFC3986_SUBDELIMS + "/~:@"),
            site_id=root.site_id,
            root_url=root.root_url,
            summary=row["summary"],
            body=row["body"],
            keywords=row["keywords"],
            form=row["form"],
            fee=row["fee"],
            hours=row["hours"],
            provider_id=row["provider_id"],
            provider_title=row["provider__title"],
            category_name=row["category__name"],
            category_slug=row["category__slug"],
            town_name=row["town__name"],
            classes=classes[row["id"]],
            single_site=single_site,
        )
    return cards
