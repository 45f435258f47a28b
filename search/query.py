"""What a search asks for and what it answers: the one interface every engine implements."""

import datetime
from dataclasses import asdict, dataclass, field, replace
from urllib.parse import urlencode

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from courses.models import CourseForm

PAGE_SIZE = 12
MAX_PAGE_SIZE = 50
MAX_PAGE = 1000
MAX_STARTS_WITHIN_DAYS = 365


class Sort:
    RELEVANCE = "relevance"
    SOONEST = "soonest"
    NEWEST = "newest"
    CHOICES = [(RELEVANCE, _("最相关")), (SOONEST, _("最近开课")), (NEWEST, _("最新发布"))]
    VALUES = {RELEVANCE, SOONEST, NEWEST}


@dataclass(frozen=True)
class SearchRequest:
    """A search as a resident (or the API) asks it. Unknown filter values are dropped, never errors."""

    q: str = ""
    category: str = ""
    audience: str = ""
    form: str = ""
    provider: int | None = None
    town: str = ""
    free: bool = False
    starts_within: int | None = None
    open_seats: bool = False
    sort: str = Sort.RELEVANCE
    page: int = 1
    page_size: int = PAGE_SIZE
    with_facets: bool = True  # listings that show no counts (the catalogue) skip their queries

    @property
    def filters_active(self) -> bool:
        return bool(
            self.category
            or self.audience
            or self.form
            or self.provider
            or self.town
            or self.free
            or self.starts_within
            or self.open_seats
        )

    def as_query_string(self, **changes) -> str:
        values = asdict(replace(self, **changes))
        values.pop("page_size")
        values.pop("with_facets")
        if values["page"] == 1:
            values.pop("page")
        if values["sort"] == Sort.RELEVANCE:
            values.pop("sort")
        return urlencode({k: ("1" if v is True else v) for k, v in values.items() if v not in ("", None, False)})


def _slug(value) -> str:
    value = str(value or "").strip()
    return value if value and len(value) <= 80 and all(c.isalnum() or c in "-_" for c in value) else ""


def _positive_int(value, maximum: int) -> int | None:
    value = str(value or "").strip()
    if not value.isdigit() or len(value) > 7:
        return None
    number = int(value)
    return min(number, maximum) if number > 0 else None


def _flag(value) -> bool:
    return str(value or "").strip().lower() in {"1", "true", "yes", "on"}


def search_request_from_query(query, *, page_size: int = PAGE_SIZE) -> SearchRequest:
    """Read a SearchRequest from GET parameters, dropping whatever does not make sense."""
    form = str(query.get("form") or "").strip()
    sort = str(query.get("sort") or "").strip()
    return SearchRequest(
        q=str(query.get("q") or "")[:1000],
        category=_slug(query.get("category")),
        audience=_slug(query.get("audience")),
        form=form if form in CourseForm.values else "",
        provider=_positive_int(query.get("provider"), 10**12),
        town=_slug(query.get("town")),
        free=_flag(query.get("free")),
        starts_within=_positive_int(query.get("starts_within"), MAX_STARTS_WITHIN_DAYS),
        open_seats=_flag(query.get("open_seats")),
        sort=sort if sort in Sort.VALUES else Sort.RELEVANCE,
        page=_positive_int(query.get("page"), MAX_PAGE) or 1,
        page_size=page_size,
    )


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass
class Hit:
    course: object  # courses.models.CoursePage, with category/provider/town and current classes loaded
    score: float
    highlight: SafeString


@dataclass
class SearchResponse:
    request: SearchRequest
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue] | int] = field(default_factory=dict)
    suggestion: str | None = None
    # True when nothing matched every word and the results match only some (or sound alike).
    approximate: bool = False
    engine: str = "database"
    today: datetime.date | None = None

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

    def as_page(self):
        """The hits' courses as a Django paginator page, for templates written for Paginator."""
        from django.core.paginator import Page, Paginator

        class _Counted:
            def __init__(self, total):
                self.total = total

            def __len__(self):
                return self.total

        paginator = Paginator(_Counted(self.total), self.request.page_size)
        return Page([hit.course for hit in self.hits], min(self.page, self.num_pages), paginator)
