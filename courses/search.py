"""The catalogue's course search: the one filter object, its GET parameters, and the reads behind the
search page, GET /api/v1/courses/, suggestions-as-you-type and the catalogue's own listing.

The engine (search.selectors.search) finds and ranks course ids; this module loads the courses of one
page in a fixed number of queries, adds highlighted snippets and, when the query had to be loosened, a
corrected query to suggest.

courses.models imports this module for the catalogue pages' get_context, so it refers to the page models
through the module (`models.CoursePage`), read when called.
"""

from dataclasses import dataclass, field, replace
from typing import ClassVar

from django.core.paginator import Page, Paginator
from django.utils.safestring import SafeString

from accounts.models import Audience
from courses import models
from courses.cards import CourseCard, course_cards
from places.models import Town
from search.highlight import highlight, plain_text
from search.query import (
    PAGE_SIZE,
    FacetValue,
    Paged,
    SearchRequest,
    positive_int_parameter,
    request_parameters,
    slug_parameter,
)
from search.selectors import search, spelling_suggestion

CATALOGUE_PAGE_SIZE = 12
SUGGESTION_SOURCES = 5  # courses whose words a corrected query is built from


@dataclass(frozen=True)
class CourseSearch(SearchRequest):
    """What a resident asks of the catalogue: words or none, its filters, order and page. The catalogue's
    listing is a CourseSearch without words; the search page and the API add words and more filters."""

    FACETS: ClassVar[tuple[str, ...]] = ("category", "audience", "form", "provider", "town")

    category: str = ""
    audience: str = ""
    form: str = ""
    provider: int | None = None
    town: str = ""


def course_search_from_query(query, *, page_size: int = PAGE_SIZE) -> CourseSearch:
    """Read a CourseSearch from GET parameters, dropping whatever does not make sense."""
    form = str(query.get("form") or "").strip()
    return CourseSearch(
        **request_parameters(query),
        category=slug_parameter(query.get("category")),
        audience=slug_parameter(query.get("audience")),
        form=form if form in models.CourseForm.values else "",
        provider=positive_int_parameter(query.get("provider"), 10**12),
        town=slug_parameter(query.get("town")),
        page_size=page_size,
    )


def catalogue_search_from_query(query, **fixed) -> CourseSearch:
    """The catalogue's listing: the choices of its filter form (words, sorting and the other filters are
    the search page's), one page of CATALOGUE_PAGE_SIZE, no counts. `fixed` filters override the query
    (a school's page lists its own courses)."""
    asked = course_search_from_query(query, page_size=CATALOGUE_PAGE_SIZE)
    filters = {name: getattr(asked, name) for name in CourseSearch.FACETS}
    return CourseSearch(**{**filters, **fixed}, page=asked.page, page_size=CATALOGUE_PAGE_SIZE, with_facets=False)


@dataclass(frozen=True)
class CatalogueFacets:
    """The choices of the filter forms (every category, audience, form, school and town)."""

    categories: list["models.Category"]
    audiences: list[Audience]
    forms: list[tuple[str, str]]
    providers: list["models.ProviderPage"]
    towns: list[Town]


def catalogue_facets() -> CatalogueFacets:
    return CatalogueFacets(
        categories=list(models.Category.objects.all()),
        audiences=list(Audience.objects.all()),
        forms=list(models.CourseForm.choices),
        providers=list(models.ProviderPage.objects.live().only("id", "title", "path", "depth").order_by("path")),
        towns=list(Town.objects.all()),
    )


@dataclass
class CourseHit:
    course: CourseCard  # what the result shows, seats read now
    score: float
    highlight: SafeString


@dataclass
class CourseSearchResponse(Paged):
    request: CourseSearch
    hits: list[CourseHit]
    total: int
    facets: dict[str, list[FacetValue] | int] = field(default_factory=dict)
    suggestion: str | None = None
    # True when nothing matched every word and the results match only some (or sound alike).
    approximate: bool = False
    engine: str = "database"
    # True when the facet counts are estimates from a sample of many matches: shown as "about".
    facets_approximate: bool = False

    def as_page(self) -> Page:
        """The hits' course cards as a Django paginator page, for templates written for Paginator."""
        paginator = Paginator(_Counted(self.total), self.request.page_size)
        return Page([hit.course for hit in self.hits], min(self.page, self.num_pages), paginator)


class _Counted:
    def __init__(self, total: int):
        self.total = total

    def __len__(self) -> int:
        return self.total


def _form_labels(facets: dict) -> dict:
    """Form labels in the visitor's language (the index keeps the site's)."""
    if not facets.get("form"):
        return facets
    labels = dict(models.CourseForm.choices)
    return {**facets, "form": [replace(f, label=str(labels.get(f.value, f.label))) for f in facets["form"]]}


def course_search(request: CourseSearch) -> CourseSearchResponse:
    """Search live courses: ranked hits of one page with snippets, total, facets and a suggestion."""
    result = search(request)
    courses = course_cards([pk for pk, _ in result.ranked])
    hits = []
    for pk, score in result.ranked:
        course = courses.get(pk)
        if course is None:  # deleted between the two queries
            continue
        snippet = highlight(result.parsed, title=course.title, summary=course.summary, body_html=course.body)
        hits.append(CourseHit(course=course, score=score, highlight=snippet))
    suggestion = None
    if result.approximate:
        texts = [
            f"{h.course.title} {h.course.keywords} {h.course.summary} {plain_text(h.course.body)}"
            for h in hits[:SUGGESTION_SOURCES]
        ]
        suggestion = spelling_suggestion(request.q, texts)
    return CourseSearchResponse(
        request=request,
        hits=hits,
        total=result.total,
        facets=_form_labels(result.facets),
        suggestion=suggestion,
        approximate=result.approximate,
        engine=result.engine,
        facets_approximate=result.facets_approximate,
    )


def course_suggestions(prefix: str, *, limit: int = 8) -> list[dict]:
    """Titles for suggestions-as-you-type: the best matches of what was typed so far."""
    response = course_search(CourseSearch(q=prefix, page_size=limit, with_facets=False))
    if response.approximate:
        return []
    return [{"title": hit.course.title, "url": hit.course.url} for hit in response.hits]


def catalogue_page(request: CourseSearch) -> Page:
    """A page of the catalogue's listing (same order without words: soonest class, then newest), as a
    Django paginator page of course cards with their current classes; past the last page, the last page."""
    response = course_search(request)
    if not response.hits and response.total and request.page > response.num_pages:
        response = course_search(replace(request, page=response.num_pages))
    return response.as_page()
