"""The search server's request (decision 0019), on the real node: the looser tiers asked in one multi-search give
the answers the tiers asked one by one give; totals and counts are kept per index generation and never outlive
a change of the index; a request costs the database a fixed number of queries however many courses it shows;
a multi-search against a missing index is answered by the database engine."""

import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Category, CoursePage
from courses.search import CourseSearch, course_search
from places.models import Town, Venue
from search.analysis import parse_query
from search.engines import configured_engine
from search.engines.base import Asked
from search.engines.clients import IndexMissing
from tests.factories import course_class, course_page


@pytest.fixture
def chestnuts(search_server, tree, indexed):
    """One course on grapes, six on chestnuts in two schools and several towns, each with a class."""
    farm = Category.objects.get_or_create(name="农业技术")[0]
    towns = [Town.objects.get_or_create(name=name)[0] for name in ("罗庄子镇", "下营镇", "官庄镇")]
    venues = [Venue.objects.create(name=f"{town.name}文化站", town=town) for town in towns]

    def build():
        course_page(tree["school_a"], title="葡萄架式栽培", category=farm, classes=[course_class(venue=venues[0])])
        for n in range(6):
            course_page(
                tree["school_a" if n % 2 else "school_b"],
                title=f"板栗嫁接第{n + 1}期",
                summary="冬季管理与病虫害防治",
                category=farm,
                town=towns[n % 3],
                classes=[course_class(starts_in_days=5 + n, venue=venues[n % 3])],
            )

    indexed(build)
    return search_server


def _api(client, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/courses/", params)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize(
    "extra", [{}, {"open_seats": "1", "category": "nong-ye-ji-shu"}, {"sort": "soonest"}, {"sort": "newest"}]
)
def test_server_request_queries_do_not_grow_with_the_results(client, chestnuts, extra):
    _api(client, {"q": "葡萄", **extra})  # warm the tokenizer, synonyms, site root paths and facet labels
    _api(client, {"q": "板栗", **extra})
    few, grapes = _api(client, {"q": "葡萄", **extra})
    many, found = _api(client, {"q": "板栗", **extra})
    assert grapes["count"] == 1 and found["count"] == 6
    assert [f["value"] for f in found["facets"]["category"]] == ["nong-ye-ji-shu"]
    assert found["facets"]["open_seats"] == 6
    assert all(result["next_class"]["town"] for result in found["results"])
    assert many == few


@pytest.mark.parametrize(
    "q, extra",
    [
        ("板栗冬季焊工", {}),  # one word of three matches nothing: the search without it (a second round trip)
        ("板栗焊工", {}),  # one word of two matches nothing: the other word's search, asked with the relaxed one
        ("焊工证", {"category": "nong-ye-ji-shu"}),  # nothing matches at all: any word
        ("板粒", {}),  # a typo: relaxed (sounds alike)
        ("板栗嫁接", {"town": "xia-ying-zhen"}),  # strict: no looser tier
    ],
)
def test_looser_tiers_at_once_answer_as_one_by_one(chestnuts, q, extra):
    engine = configured_engine()
    request = CourseSearch(q=q, **extra)
    engine.batches_searches = False
    try:
        one_by_one = course_search(request)
    finally:
        engine.batches_searches = True
    at_once = course_search(request)
    assert at_once.engine == one_by_one.engine == "elasticsearch"
    assert [(h.course.pk, h.score) for h in at_once.hits] == [(h.course.pk, h.score) for h in one_by_one.hits]
    assert (at_once.total, at_once.approximate, at_once.facets) == (
        one_by_one.total,
        one_by_one.approximate,
        one_by_one.facets,
    )


@pytest.mark.parametrize(
    "q, extra, rankings",
    [
        ("板栗焊工", {}, 2),  # the strict search, then the word that matches
        ("板粒", {}, 2),  # the strict search, then the relaxed one
        ("焊工证", {"category": "nong-ye-ji-shu"}, 1),  # nothing matches at all: nothing to rank after the strict
    ],
)
def test_the_looser_tiers_are_counted_and_only_the_answering_one_is_ranked(chestnuts, monkeypatch, q, extra, rankings):
    """Ranking every match of a loose query costs the server several times what counting them does."""
    client = configured_engine().client
    sent = []
    for name in ("search", "msearch"):
        original = getattr(client, name)

        def spy(index, bodies, _original=original, _many=name == "msearch"):
            sent.extend(bodies if _many else [bodies])
            return _original(index, bodies)

        monkeypatch.setattr(client, name, spy)
    course_search(CourseSearch(q=q, **extra))
    assert sum(1 for body in sent if body.get("size")) == rankings


def test_counts_are_reused_until_the_index_changes(client, chestnuts, tree, indexed):
    first = _api(client, {"q": "板栗"})[1]
    again = _api(client, {"q": "板栗", "page": "1"})[1]
    assert again == first and first["count"] == 6 and first["facets"]["town"]
    # Publishing a course changes the index: the next search counts it at once.
    indexed(lambda: course_page(tree["school_b"], title="板栗修剪第7期"))
    after = _api(client, {"q": "板栗"})[1]
    assert after["count"] == 7 and "板栗修剪第7期" in {result["title"] for result in after["results"]}
    assert sum(f["count"] for f in after["facets"]["provider"]) == 7
    # So does unpublishing it.
    indexed(lambda: CoursePage.objects.get(title="板栗修剪第7期").unpublish())
    assert _api(client, {"q": "板栗"})[1]["count"] == 6


def test_a_later_page_of_a_counted_search_has_the_same_total(chestnuts):
    first = course_search(CourseSearch(q="板栗", page_size=4))
    second = course_search(CourseSearch(q="板栗", page_size=4, page=2))
    assert first.total == second.total == 6
    assert first.facets == second.facets
    assert len(second.hits) == 2
    assert not {h.course.pk for h in first.hits} & {h.course.pk for h in second.hits}


def test_a_multi_search_against_a_missing_index_is_answered_by_the_database_engine(chestnuts, settings, caplog):
    settings.SEARCH_RETRY_AFTER = 0
    engine = configured_engine()
    request, parsed = CourseSearch(q="板栗"), parse_query("板栗")
    assert [r.total for r in engine.search_all(request, [Asked(parsed), Asked(parsed, count_only=True)])] == [6, 6]
    engine.clear()  # someone deletes the index
    with caplog.at_level(logging.ERROR, logger="search"), pytest.raises(IndexMissing):
        engine.search_all(request, [Asked(parsed), Asked(parsed, count_only=True)])
    assert any("index missing" in r.getMessage() for r in caplog.records)
    response = course_search(CourseSearch(q="板栗冬季焊工"))
    assert response.engine == "database" and response.total == 6 and response.approximate
