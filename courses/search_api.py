"""GET /api/v1/courses/: the course search as JSON, the same service as the search page."""

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel
from wagtail.models import Site

from courses.search import course_search, course_search_from_query
from search.query import FacetValue

router = Router(tags=["课程搜索"])
API_PAGE_SIZE = 20


# The answer's models are pydantic's own, not ninja's Schema: a Schema validates through a wrapper that reads
# every field of every nested object by attribute (ninja's DjangoGetter), about 4 ms of a search answering in
# 30 (decision 0022). The view builds plain dicts, so pydantic validates them directly, and ninja sends an
# instance of the declared model without validating it again.
class NextClassOut(BaseModel):
    id: int
    starts: str
    town: str | None
    seats_left: int


class CourseOut(BaseModel):
    id: int
    title: str
    url: str
    provider: str | None
    category: str | None
    summary: str
    highlight: str
    next_class: NextClassOut | None


class FacetValueOut(BaseModel):
    value: str
    label: str
    count: int


class FacetsOut(BaseModel):
    category: list[FacetValueOut] = []
    audience: list[FacetValueOut] = []
    form: list[FacetValueOut] = []
    provider: list[FacetValueOut] = []
    town: list[FacetValueOut] = []
    free: int = 0
    starts_within: int = 0
    open_seats: int = 0


class CourseSearchOut(BaseModel):
    count: int
    page: int
    num_pages: int
    results: list[CourseOut]
    facets: FacetsOut
    facets_approximate: bool = Field(
        False, description="true：匹配的课程很多，筛选项的数量是按抽样估算的约数（总数 count 仍是准确的）"
    )
    suggestion: str | None


class CourseSearchQuery(Schema):
    """The query parameters, declared for clients and fuzzers. All are text: a value that makes no sense (a page
    of '²', an unknown category) is ignored like on the search page, never refused (courses.search)."""

    q: str | None = Field(None, description="汉字、拼音或首字母；最多读取前1000个字符")
    category: str | None = Field(None, description="类别 slug")
    audience: str | None = Field(None, description="适用人群 slug")
    form: str | None = Field(None, description="上课形式：offline | online | blended | village")
    provider: str | None = Field(None, description="办学机构（学校）页面 id")
    town: str | None = Field(None, description="乡镇/街道 slug")
    free: str | None = Field(None, description="1：只看免费课程")
    starts_within: str | None = Field(None, description="多少天内开课（1–365）")
    open_seats: str | None = Field(None, description="1：只看有余位的班次")
    sort: str | None = Field(None, description="relevance（默认）| soonest | newest")
    page: str | None = Field(None, description="页码，从 1 开始（每页20条）")


def _current_site(request: HttpRequest) -> Site | None:
    """The site the API is asked on: result URLs on it are relative. With one site (a county's catalogue) it is
    that site, and Wagtail's lookup by host name is skipped: a query that also loads the root page, a tenth of a
    search request at 100k courses (decision 0019). With several, Wagtail looks it up."""
    site_ids = {root_path[0] for root_path in Site.get_site_root_paths()}
    if len(site_ids) == 1:
        return Site(id=site_ids.pop())
    return Site.find_for_request(request)


def _course(hit, site: Site | None) -> dict:
    course = hit.course  # a card (courses.cards): seats read with it
    next_class = course.next_class
    return {
        "id": course.pk,
        "title": course.title,
        "url": course.url_on(site),
        "provider": course.provider_title,
        "category": course.category_name,
        "summary": course.summary,
        "highlight": str(hit.highlight),
        "next_class": {
            "id": next_class.pk,
            "starts": next_class.starts_on.isoformat(),
            "town": next_class.town_name,
            "seats_left": next_class.seats_left,
        }
        if next_class
        else None,
    }


def _facets(facets: dict) -> dict:
    return {
        name: [vars(v) for v in value]
        if isinstance(value, list) and value and isinstance(value[0], FacetValue)
        else value
        for name, value in facets.items()
    }


@router.get(
    "/",
    response=CourseSearchOut,
    summary="搜索课程",
    description="参数见下；无法识别的参数值被忽略（不报错）。结果按相关度排序。",
)
def courses_search(request: HttpRequest, filters: Query[CourseSearchQuery]):
    """Public: lists only live courses. Bad parameters are ignored rather than refused."""
    asked = filters.dict(exclude_none=True)
    response = course_search(course_search_from_query(asked, page_size=API_PAGE_SIZE))
    site = _current_site(request) if response.hits else None
    return CourseSearchOut.model_validate(
        {
            "count": response.total,
            "page": response.page,
            "num_pages": response.num_pages,
            "results": [_course(hit, site) for hit in response.hits],
            "facets": _facets(response.facets),
            "facets_approximate": response.facets_approximate,
            "suggestion": response.suggestion,
        }
    )
