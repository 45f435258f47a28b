"""What a search asks for and what it answers: the one interface every engine implements.

A SearchRequest holds what the engine itself understands: words, the fee, occurrence filters, order and
page. The facets a source filters by are added by subclassing it (courses.search.CourseSearch adds
category, audience…): every field named in FACETS is matched against the documents' values of that facet.
GET parameters are read once for all of them: the engine's own here, the facets by the subclass.
"""

import re
from dataclasses import dataclass, replace
from typing import ClassVar
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

PAGE_SIZE = 12
MAX_PAGE = 1000
MAX_STARTS_WITHIN_DAYS = 365
MAX_QUERY_PARAMETER_CHARS = 1000


class Sort:
    RELEVANCE = "relevance"
    SOONEST = "soonest"
    NEWEST = "newest"
    CHOICES = [(RELEVANCE, _("最相关")), (SOONEST, _("最近开课")), (NEWEST, _("最新发布"))]
    VALUES = {RELEVANCE, SOONEST, NEWEST}


@dataclass(frozen=True)
class SearchRequest:
    """A search as a resident (or the API) asks it. Unknown filter values are dropped, never errors."""

    FACETS: ClassVar[tuple[str, ...]] = ()

    q: str = ""
    free: bool = False
    starts_within: int | None = None
    open_seats: bool = False
    sort: str = Sort.RELEVANCE
    page: int = 1
    page_size: int = PAGE_SIZE
    with_facets: bool = True  # listings that show no counts (the catalogue) skip their queries

    def facet_filters(self) -> dict[str, str]:
        """facet name → the value asked for, for the facets given."""
        return {name: str(getattr(self, name)) for name in self.FACETS if getattr(self, name) not in ("", None)}

    @property
    def filters_active(self) -> bool:
        return bool(self.facet_filters() or self.free or self.starts_within or self.open_seats)

    def as_query_string(self, **changes) -> str:
        """The GET parameters that ask this search again (defaults left out)."""
        changed = replace(self, **changes)
        names = ["q", *self.FACETS, "free", "starts_within", "open_seats", "sort", "page"]
        values = {name: getattr(changed, name) for name in names}
        if values["page"] == 1:
            values.pop("page")
        if values["sort"] == Sort.RELEVANCE:
            values.pop("sort")
        return urlencode({k: ("1" if v is True else v) for k, v in values.items() if v not in ("", None, False)})


def slug_parameter(value) -> str:
    value = str(value or "").strip()
    return value if value and len(value) <= 80 and all(c.isalnum() or c in "-_" for c in value) else ""


_ASCII_NUMBER = re.compile(r"[0-9]{1,7}")


def positive_int_parameter(value, maximum: int) -> int | None:
    """A number typed with 0-9 only, capped at `maximum`; None for anything else. Not `str.isdigit()`: it
    accepts '²', which int() refuses (a 500 on every listing), and int() accepts '٣' and '1_000'.
    core.numbers does the same for the rest of the site; search imports no package of ours."""
    value = str(value or "").strip()
    if not _ASCII_NUMBER.fullmatch(value):
        return None
    number = int(value)
    return min(number, maximum) if number > 0 else None


def flag_parameter(value) -> bool:
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def request_parameters(query) -> dict:
    """The engine's own fields of a SearchRequest read from GET parameters, dropping what makes no sense.
    A subclass adds its facets: `CourseSearch(**request_parameters(GET), category=…)`."""
    sort = str(query.get("sort") or "").strip()
    return {
        "q": str(query.get("q") or "")[:MAX_QUERY_PARAMETER_CHARS],
        "free": flag_parameter(query.get("free")),
        "starts_within": positive_int_parameter(query.get("starts_within"), MAX_STARTS_WITHIN_DAYS),
        "open_seats": flag_parameter(query.get("open_seats")),
        "sort": sort if sort in Sort.VALUES else Sort.RELEVANCE,
        "page": positive_int_parameter(query.get("page"), MAX_PAGE) or 1,
    }


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


class Paged:
    """Page arithmetic for anything with a `request` and a `total`."""

    request: SearchRequest
    total: int

    @property
    def page(self) -> int:
        return self.request.page

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.request.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1
