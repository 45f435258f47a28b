"""The catalogue page as a resident uses it: filters, pagination, course page, constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import CourseForm
from courses.search import CATALOGUE_PAGE_SIZE
from tests.factories import AudienceFactory, CategoryFactory, TownFactory, VenueFactory, course_class, course_page


def titles(response) -> list[str]:
    return [course.title for course in response.context["courses"]]


@pytest.fixture
def catalogue(tree, indexed):
    indexed(lambda: _build_catalogue(tree))
    return tree


def _build_catalogue(tree):
    farming = CategoryFactory(name="农业技术")
    elderly = CategoryFactory(name="老年教育")
    farmers = AudienceFactory(name="农民")
    seniors = AudienceFactory(name="老年人")
    luozhuangzi = TownFactory(name="罗庄子镇")
    xiaying = TownFactory(name="下营镇")
    orchard = VenueFactory(name="罗庄子镇梨树示范园", town=luozhuangzi)
    hall = VenueFactory(name="下营镇社区学校", town=xiaying)

    pear = course_page(
        tree["school_a"], title="梨树冬季修剪技术", category=farming, classes=[course_class(venue=orchard)]
    )
    pear.audiences.set([farmers])
    pear.save_revision().publish()
    phone = course_page(
        tree["school_b"],
        title="智能手机防诈骗",
        category=elderly,
        form=CourseForm.BLENDED,
        classes=[course_class(venue=hall, starts_in_days=3)],
    )
    phone.audiences.set([seniors])
    phone.save_revision().publish()
    course_page(tree["school_b"], title="太极拳入门", category=elderly, town=luozhuangzi)
    course_page(tree["school_a"], title="未发布的草稿课程", category=farming, publish=False)
    return tree


def test_catalogue_lists_live_courses_soonest_class_first(client, catalogue):
    response = client.get(catalogue["catalogue"].url)
    assert response.status_code == 200
    assert titles(response) == ["智能手机防诈骗", "梨树冬季修剪技术", "太极拳入门"]
    assert "未发布的草稿课程" not in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"category": "nong-ye-ji-shu"}, {"梨树冬季修剪技术"}),
        ({"category": "lao-nian-jiao-yu"}, {"智能手机防诈骗", "太极拳入门"}),
        ({"audience": "lao-nian-ren"}, {"智能手机防诈骗"}),
        ({"form": "blended"}, {"智能手机防诈骗"}),
        ({"town": "luo-zhuang-zi-zhen"}, {"梨树冬季修剪技术", "太极拳入门"}),
        ({"town": "xia-ying-zhen"}, {"智能手机防诈骗"}),
        ({"category": "lao-nian-jiao-yu", "town": "luo-zhuang-zi-zhen"}, {"太极拳入门"}),
    ],
)
def test_filters(client, catalogue, query, expected):
    response = client.get(catalogue["catalogue"].url, query)
    assert set(titles(response)) == expected


def test_filter_by_provider(client, catalogue):
    response = client.get(catalogue["catalogue"].url, {"provider": catalogue["school_b"].pk})
    assert set(titles(response)) == {"智能手机防诈骗", "太极拳入门"}


@pytest.mark.parametrize(
    "query",
    [
        {"category": "<script>"},
        {"provider": "abc"},
        {"provider": "9" * 40},
        {"form": "DROP TABLE"},
        {"page": "-1"},
        {"page": "x"},
        {"town": "不存在的镇"},
    ],
)
def test_nonsense_filters_never_error(client, catalogue, query):
    response = client.get(catalogue["catalogue"].url, query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_unknown_town_slug_gives_an_empty_list_with_a_message(client, catalogue):
    response = client.get(catalogue["catalogue"].url, {"town": "no-such-town"})
    assert titles(response) == []
    assert "没有符合条件的课程" in response.content.decode()


def test_course_page_shows_what_a_resident_needs(client, catalogue):
    course = catalogue["school_a"].get_children().specific().get(title="梨树冬季修剪技术")
    html = client.get(course.url).content.decode()
    for expected in (
        "梨树冬季修剪技术",
        "农业技术",
        "农民",
        "线下面授",
        "16",
        "免费",
        "罗庄子镇成人文化技术学校",
        "冬季班",
        "每周二、周四",
        "罗庄子镇梨树示范园",
        "共 30 人，余 30 个",
    ):
        assert expected in html, expected


def _create_courses(tree, count):
    category = CategoryFactory(name="职业技能")
    venue = VenueFactory()
    for n in range(count):
        course = course_page(
            tree["school_a"],
            title=f"计算机应用基础{n}",
            category=category,
            classes=[course_class(venue=venue, starts_in_days=n + 1), course_class(venue=venue, starts_in_days=n + 40)],
        )
        course.audiences.set([AudienceFactory(name="企业职工"), AudienceFactory(name="农民")])


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_catalogue_query_count_does_not_grow_with_courses(client, tree, indexed, settings):
    settings.PAGE_CACHE_SECONDS = 0  # what rendering costs, not what the anonymous page cache saves
    url = tree["catalogue"].url
    indexed(lambda: _create_courses(tree, 2))
    client.get(url)  # the first search loads the word lists once per process
    few = _count_queries(client, url)
    indexed(lambda: _create_courses(tree, CATALOGUE_PAGE_SIZE + 5))
    client.get(url)  # like the first: the total is counted once per index change (decision 0018)
    many = _count_queries(client, url)
    assert len(client.get(url).context["courses"]) == CATALOGUE_PAGE_SIZE
    assert many == few, f"{few} queries for 2 courses but {many} for a full page"


def test_pagination_keeps_filters(client, tree, indexed):
    indexed(lambda: _create_courses(tree, CATALOGUE_PAGE_SIZE + 3))
    url = tree["catalogue"].url
    first = client.get(url, {"category": "zhi-ye-ji-neng"})
    assert 'href="?category=zhi-ye-ji-neng&amp;page=2"' in first.content.decode()
    second = client.get(url, {"category": "zhi-ye-ji-neng", "page": 2})
    assert len(second.context["courses"]) == 3
