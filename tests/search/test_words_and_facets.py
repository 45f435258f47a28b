"""Issue 13 on the database engine: the shipped thesaurus merged with staff's synonyms, numerals written
either way, facet counts estimated (and labelled) when a query matches many courses, and the bounded
ranking giving the same order as ranking every match."""

import pytest

from courses.search import CourseSearch, course_search
from search.analysis import digits_of, synonyms, thesaurus_groups
from search.engines.database import RANK_ALL_LIMIT, DatabaseEngine
from search.models import Synonym
from tests.factories import course_class, course_page


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""


def titles(client, q, **params):
    return [c["title"] for c in client.get("/api/v1/courses/", {"q": q, **params}).json()["results"]]


def test_the_shipped_thesaurus_is_large_and_has_residents_words(db):
    groups = thesaurus_groups()
    assert len(groups) >= 300
    words = synonyms()
    for everyday, written in [
        ("土豆", "马铃薯"),
        ("广场舞", "舞蹈"),
        ("做饭", "烹饪"),
        ("拍照", "摄影"),
        ("大棚", "设施农业"),
        ("养猪", "生猪养殖"),
        ("红果", "山楂"),
        ("棒子", "玉米"),
    ]:
        assert written in words[everyday], everyday


def test_everyday_words_find_courses_written_otherwise(client, tree, indexed):
    indexed(
        lambda: [
            course_page(tree["school_a"], title="马铃薯脱毒种薯栽培", summary="种薯选择与播种。"),
            course_page(tree["school_b"], title="老年民族舞蹈", summary="跟着音乐一起练。"),
        ]
    )
    assert titles(client, "土豆") == ["马铃薯脱毒种薯栽培"]
    assert titles(client, "广场舞") == ["老年民族舞蹈"]


def test_staff_synonyms_are_merged_and_take_effect_at_once(client, tree, indexed, django_capture_on_commit_callbacks):
    indexed(lambda: course_page(tree["school_a"], title="柿饼加工技术", summary="削皮、晾晒和捂霜。"))
    assert titles(client, "蜜饯") == []  # no word or character in common
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.create(terms="蜜饯 柿饼")
    assert titles(client, "蜜饯") == ["柿饼加工技术"]
    assert "马铃薯" in synonyms()["土豆"]  # the shipped groups are still there
    with django_capture_on_commit_callbacks(execute=True):
        Synonym.objects.filter(terms="蜜饯 柿饼").delete()
    assert "蜜饯" not in synonyms()
    assert titles(client, "蜜饯") == []


@pytest.mark.parametrize("numeral, digits", [("二十四", "24"), ("四十二", "42"), ("两百", "200"), ("三", "3")])
def test_chinese_numerals_read_as_digits(numeral, digits):
    assert digits_of(numeral) == digits


def test_numbers_match_whichever_way_they_are_written(client, tree, indexed):
    indexed(
        lambda: [
            course_page(tree["school_b"], title="二十四式太极拳", summary="简化太极拳。"),
            course_page(tree["school_b"], title="32式太极剑", summary="太极剑入门。"),
        ]
    )
    assert titles(client, "24式太极拳")[:1] == ["二十四式太极拳"]
    assert titles(client, "２４式")[:1] == ["二十四式太极拳"]  # full-width digits, as phones type them
    assert titles(client, "三十二式")[:1] == ["32式太极剑"]


@pytest.fixture
def many_courses(tree, indexed):
    def build():
        return [
            course_page(tree["school_a" if n % 2 else "school_b"], title=f"果树修剪第{n}期", fee=0 if n % 3 else 50)
            for n in range(12)
        ]

    return indexed(build)


def test_facets_are_exact_for_few_matches(client, many_courses):
    body = client.get("/api/v1/courses/", {"q": "修剪"}).json()
    assert body["count"] == 12 and body["facets_approximate"] is False
    assert body["facets"]["free"] == 8
    assert sorted(v["count"] for v in body["facets"]["provider"]) == [6, 6]


def test_facets_over_many_matches_are_estimated_and_say_so(client, many_courses, monkeypatch):
    monkeypatch.setattr(DatabaseEngine, "facet_exact_limit", 5)
    monkeypatch.setattr(DatabaseEngine, "facet_sample", 6)
    body = client.get("/api/v1/courses/", {"q": "修剪"}).json()
    assert body["count"] == 12  # the total stays exact
    assert body["facets_approximate"] is True
    assert all(0 < v["count"] <= 24 for v in body["facets"]["provider"])
    html = client.get("/search/", {"q": "修剪"}).content.decode()
    assert "找到 12 门课程" in html and "(约" in html


def test_bounded_ranking_gives_the_order_of_ranking_everything(many_courses, monkeypatch):
    def pages():
        return [
            [hit.course.pk for hit in course_search(CourseSearch(q="果树修剪", page=page, page_size=5)).hits]
            for page in (1, 2, 3)
        ]

    everything = pages()
    monkeypatch.setattr(DatabaseEngine, "rank_all_limit", 0)
    bounded = pages()
    assert bounded == everything and sum(map(len, bounded)) == 12


@pytest.fixture
def courses_with_classes(tree, indexed):
    """14 courses matching 果树: starts shared by pairs (ties for the text score to order), open or full,
    and two with no class at all (they come last in the "soonest" order)."""

    def build():
        courses = [
            course_page(
                tree["school_a" if n % 2 else "school_b"],
                title=f"果树修剪第{n}期" + ("：果树嫁接与果树施肥" if n % 3 == 0 else ""),
                classes=[course_class(starts_in_days=3 + n // 2, capacity=0 if n % 4 == 0 else 30)],
            )
            for n in range(12)
        ]
        return courses + [course_page(tree["school_a"], title=f"果树冬季管理{n}") for n in range(2)]

    return indexed(build)


def ranked_pages(sort, pages=3, page_size=4, **filters):
    return [
        [
            hit.course.pk
            for hit in course_search(CourseSearch(q="果树", sort=sort, page=page, page_size=page_size, **filters)).hits
        ]
        for page in range(1, pages + 1)
    ]


def test_bounded_orders_give_the_order_of_ranking_everything(courses_with_classes, monkeypatch):
    """Relevance and "soonest" read only the candidates that can reach the page, whether they were all among
    the ids read first (1000) or not (5: the bounded statement instead), with or without a filter that probes
    the classes (on PostgreSQL the matching ids are then read once)."""
    for sort in ("relevance", "soonest"):
        for filters in ({}, {"open_seats": True}):
            monkeypatch.setattr(DatabaseEngine, "rank_all_limit", RANK_ALL_LIMIT)
            everything = ranked_pages(sort, pages=4, **filters)
            assert len(sum(everything, [])) == (9 if filters else 14)
            monkeypatch.setattr(DatabaseEngine, "rank_all_limit", 0)
            for read in (1000, 5):
                monkeypatch.setattr(DatabaseEngine, "rank_candidates_read", read)
                assert ranked_pages(sort, pages=4, **filters) == everything, (sort, filters, read)


def test_soonest_puts_the_earliest_start_first_with_filters(courses_with_classes, monkeypatch):
    """With a filter that probes the classes (open seats), "soonest" gives the earliest open course first (第0期
    starts as early but is full), and of two starting the same day the better match (第3期 names 果树 three
    times)."""
    monkeypatch.setattr(DatabaseEngine, "rank_all_limit", 0)
    first = course_search(CourseSearch(q="果树", sort="soonest", open_seats=True, page_size=3))
    titles_first = [hit.course.title for hit in first.hits]
    assert titles_first == ["果树修剪第1期", "果树修剪第3期：果树嫁接与果树施肥", "果树修剪第2期"]
    assert first.total == 9  # 12 with a class, 3 of them full (capacity 0)
