"""What one search request costs the database: a fixed number of queries, however many courses it shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Category, CoursePage
from places.models import Town, Venue
from tests.factories import course_class, course_page


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def grapes_and_chestnuts(tree, indexed):
    """One course on grapes, six on chestnuts in two schools and several towns, each with a class."""
    farm = Category.objects.get_or_create(name="农业技术")[0]
    towns = [Town.objects.get_or_create(name=name)[0] for name in ("罗庄子镇", "下营镇", "官庄镇")]
    venues = [Venue.objects.create(name=f"{town.name}文化站", town=town) for town in towns]

    def build():
        course_page(
            tree["school_a"],
            title="葡萄架式栽培",
            category=farm,
            town=towns[0],
            classes=[course_class(venue=venues[0])],
        )
        for n in range(6):
            course_page(
                tree["school_a" if n % 2 else "school_b"],
                title=f"板栗嫁接第{n + 1}期",
                category=farm,
                town=towns[n % 3],
                classes=[course_class(starts_in_days=5 + n, venue=venues[n % 3])],
            )

    indexed(build)


def _queries(client, params) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/courses/", params)
    assert response.status_code == 200
    return len(queries), response.json()


@pytest.mark.parametrize("extra", [{}, {"open_seats": "1", "category": "nong-ye-ji-shu"}])
def test_api_request_queries_do_not_grow_with_the_results(client, grapes_and_chestnuts, extra):
    _queries(client, {"q": "葡萄", **extra})  # warm the tokenizer, synonyms and site root paths
    _queries(client, {"q": "板栗", **extra})
    few, grapes = _queries(client, {"q": "葡萄", **extra})
    many, chestnuts = _queries(client, {"q": "板栗", **extra})
    assert grapes["count"] == 1 and chestnuts["count"] == 6
    assert [f["value"] for f in chestnuts["facets"]["category"]] == ["nong-ye-ji-shu"]
    assert chestnuts["facets"]["open_seats"] == 6
    assert all(result["next_class"]["town"] for result in chestnuts["results"])
    assert many == few


def test_search_page_queries_do_not_grow_with_the_results(client, grapes_and_chestnuts):
    client.get("/search/", {"q": "葡萄"})
    client.get("/search/", {"q": "板栗"})
    with CaptureQueriesContext(connection) as few:
        assert "葡萄架式栽培" in client.get("/search/", {"q": "葡萄"}).content.decode()
    with CaptureQueriesContext(connection) as many:
        html = client.get("/search/", {"q": "板栗"}).content.decode()
    assert "板栗嫁接第6期" in html and "下营镇" in html
    assert len(many) == len(few)


def test_counts_are_reused_until_the_index_changes(client, grapes_and_chestnuts, tree, indexed):
    _queries(client, {"q": "葡萄"})  # warm the tokenizer, synonyms and site root paths
    first, chestnuts = _queries(client, {"q": "板栗"})
    again, same = _queries(client, {"q": "板栗"})
    # The total, the yes/no counts and the facet values are not counted again.
    assert again <= first - 3
    assert same == chestnuts and same["count"] == 6
    # Publishing a course changes the index: the next search counts it at once.
    indexed(lambda: course_page(tree["school_b"], title="板栗修剪第7期"))
    _, after = _queries(client, {"q": "板栗"})
    assert after["count"] == 7 and "板栗修剪第7期" in {result["title"] for result in after["results"]}
    # So does unpublishing it.
    indexed(lambda: CoursePage.objects.get(title="板栗修剪第7期").unpublish())
    assert _queries(client, {"q": "板栗"})[1]["count"] == 6
