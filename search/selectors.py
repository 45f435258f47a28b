"""course_search(): the one read used by the search page, the API and the catalogue.

The engine finds and ranks ids; this module tries progressively looser matching when nothing matches
every word, loads the courses for one page in a fixed number of queries, adds highlighted snippets
and, when the query had to be loosened, a corrected query to suggest.
"""

import logging
from dataclasses import replace

from django.utils import timezone

from courses.models import CoursePage
from courses.selectors import current_classes_prefetch
from search.analysis import ParsedQuery, is_cjk, parse_query, pinyin_forms, words
from search.engines import EngineResult, SearchEngine, configured_engine, database_engine
from search.highlight import highlight, plain_text
from search.query import Hit, SearchRequest, SearchResponse

logger = logging.getLogger(__name__)


class EngineUnavailable(Exception):
    """An external engine (Elasticsearch) could not answer; the database engine answers instead."""


def _run(engine: SearchEngine, request: SearchRequest, parsed: ParsedQuery, match_any: bool = False) -> EngineResult:
    return engine.search(request, parsed, match_any=match_any)


def _search_tiers(engine: SearchEngine, request: SearchRequest) -> tuple[EngineResult, ParsedQuery, bool]:
    """Strict (every word); then relaxed (pinyin and characters too); then without the words that
    match nothing at all; then any word."""
    strict = parse_query(request.q)
    result = _run(engine, request, strict)
    if result.total or not strict:
        return result, strict, False
    relaxed = parse_query(request.q, relaxed=True)
    result = _run(engine, request, relaxed)
    if result.total or len(relaxed.groups) < 2:
        return result, relaxed, True
    useful = tuple(g for g in relaxed.groups if engine.count(request, ParsedQuery(relaxed.text, (g,))))
    if useful and len(useful) < len(relaxed.groups):
        narrowed = ParsedQuery(relaxed.text, useful)
        result = _run(engine, request, narrowed)
        if result.total:
            return result, narrowed, True
    return _run(engine, request, relaxed, match_any=True), relaxed, True


def _with_fallback(request: SearchRequest) -> tuple[EngineResult, ParsedQuery, bool, str]:
    engine = configured_engine()
    if engine.name != "database":
        try:
            return (*_search_tiers(engine, request), engine.name)
        except EngineUnavailable:
            # Logged where it happened, without the query text (it may hold a name or phone number).
            engine = database_engine()
    return (*_search_tiers(engine, request), engine.name)


def _courses(ids: list[int]) -> dict[int, CoursePage]:
    courses = (
        CoursePage.objects.filter(pk__in=ids)
        .select_related("category", "provider", "town")
        .prefetch_related(current_classes_prefetch())
    )
    return {course.pk: course for course in courses}


def _suggestion(request: SearchRequest, strict: ParsedQuery, courses: list[CoursePage]) -> str | None:
    """Replace each word no result contains by a result word that sounds alike or differs by one
    character (果数 → 果树, 书发 → 书法). None when nothing changes."""
    if not courses or not strict:
        return None
    text = " ".join(f"{c.title} {c.keywords} {c.summary} {plain_text(c.body)}" for c in courses[:5])
    vocabulary = {w for w in words(text, search_mode=True) if is_cjk(w) and len(w) > 1}
    changed, corrected = False, []
    for group in strict.groups:
        word = group.source
        if not is_cjk(word) or word in text or len(word) < 2:
            corrected.append(word)
            continue
        sound = pinyin_forms(word)[0]
        candidates = [v for v in vocabulary if pinyin_forms(v)[0] == sound]
        candidates += [
            v for v in vocabulary if len(v) == len(word) and sum(a != b for a, b in zip(v, word, strict=True)) == 1
        ]
        if candidates:
            corrected.append(candidates[0])
            changed = True
        else:
            corrected.append(word)
    return "".join(corrected) if changed else None


def course_search(request: SearchRequest) -> SearchResponse:
    """Search live courses: ranked hits of one page with snippets, total, facets and a suggestion."""
    result, parsed, approximate, engine_name = _with_fallback(request)
    courses = _courses([pk for pk, _ in result.ranked])
    hits = []
    for pk, score in result.ranked:
        course = courses.get(pk)
        if course is None:  # deleted between the two queries
            continue
        snippet = highlight(parsed, title=course.title, summary=course.summary, body_html=course.body)
        hits.append(Hit(course=course, score=score, highlight=snippet))
    suggestion = None
    if approximate:
        suggestion = _suggestion(request, parse_query(request.q), [h.course for h in hits])
    return SearchResponse(
        request=request,
        hits=hits,
        total=result.total,
        facets=result.facets,
        suggestion=suggestion,
        approximate=approximate,
        engine=engine_name,
        today=timezone.localdate(),
    )


def course_suggestions(prefix: str, *, limit: int = 8) -> list[dict]:
    """Titles for suggestions-as-you-type: the best matches of what was typed so far."""
    response = course_search(SearchRequest(q=prefix, page_size=limit, with_facets=False))
    if response.approximate:
        return []
    return [{"title": hit.course.title, "url": hit.course.url} for hit in response.hits]


def catalogue_search_page(*, filters, q: str = "", page_number=None):
    """The catalogue's listing through the search service: a drop-in for courses.selectors.catalogue_page
    (same filters, same order without words: soonest class, then newest), plus words when `q` is given.
    Returns a Django paginator page of CoursePages with classes prefetched."""
    from courses.selectors import CATALOGUE_PAGE_SIZE
    from search.query import search_request_from_query

    page = search_request_from_query({"page": page_number}).page
    request = SearchRequest(
        q=q,
        category=filters.category,
        audience=filters.audience,
        form=filters.form,
        provider=filters.provider,
        town=filters.town,
        page=page,
        page_size=CATALOGUE_PAGE_SIZE,
        with_facets=False,
    )
    response = course_search(request)
    if not response.hits and response.total and page > response.num_pages:
        response = course_search(replace(request, page=response.num_pages))
    return response.as_page()
