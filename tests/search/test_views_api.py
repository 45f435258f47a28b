"""The search page, suggestions-as-you-type and GET /api/v1/courses/: one service, three doors."""

import pytest

from tests.factories import course_page


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""


def test_search_page_shows_ranked_highlighted_results(client, small_catalogue):
    response = client.get("/search/", {"q": "lishu"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "找到 2 门课程" in html
    assert html.index("梨树冬季修剪技术") < html.index("苹果树整形修剪")
    assert "<mark>梨树</mark>" in html
    assert 'value="lishu"' in html


def test_search_page_filters_and_facet_counts(client, small_catalogue):
    html = client.get("/search/", {"q": "修剪", "free": "1"}).content.decode()
    assert "找到 1 门课程" in html and "苹果树整形修剪" not in html
    assert "农业技术 (1)" in html


def test_search_page_without_query_is_a_form(client, small_catalogue):
    response = client.get("/search/")
    assert response.status_code == 200
    assert "找到" not in response.content.decode()


def test_search_page_suggests_a_correction(client, small_catalogue):
    html = client.get("/search/", {"q": "果数修剪"}).content.decode()
    assert "您是不是要找" in html and "果树修剪" in html
    assert "没有完全符合的课程" in html


def test_unpublished_courses_never_show(client, tree, indexed):
    indexed(lambda: course_page(tree["school_a"], title="草稿梨树课", publish=False))
    assert "草稿梨树课" not in client.get("/search/", {"q": "梨树"}).content.decode()
    assert client.get("/api/v1/courses/", {"q": "梨树"}).json()["count"] == 0


def test_search_page_runs_a_bounded_number_of_queries(client, small_catalogue, django_assert_max_num_queries):
    client.get("/search/", {"q": "修剪"})  # warm the tokenizer and synonyms
    with django_assert_max_num_queries(25):
        assert client.get("/search/", {"q": "修剪", "open_seats": "1"}).status_code == 200


def test_api_shape(client, small_catalogue):
    response = client.get("/api/v1/courses/", {"q": "lishu"})
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"count", "results", "facets", "suggestion"}
    assert data["count"] == 2 and data["suggestion"] is None
    first = data["results"][0]
    assert set(first) == {"id", "title", "url", "provider", "category", "summary", "highlight", "next_class"}
    assert first["title"] == "梨树冬季修剪技术" and first["provider"] == "罗庄子镇成人文化技术学校"
    assert first["category"] == "农业技术" and "<mark>梨树</mark>" in first["highlight"]
    assert first["url"].endswith("/")
    assert set(first["next_class"]) == {"id", "starts", "town", "seats_left"}
    assert first["next_class"]["town"] == "罗庄子镇" and first["next_class"]["seats_left"] == 30
    assert data["results"][1]["next_class"]["town"] == "下营镇"
    assert {f["label"] for f in data["facets"]["category"]} == {"农业技术"}
    assert data["facets"]["free"] == 1


def test_api_filters_pages_and_course_without_classes(client, small_catalogue):
    data = client.get("/api/v1/courses/", {"category": "lao-nian-jiao-yu", "q": "电脑"}).json()
    assert [r["title"] for r in data["results"]] == ["老年人计算机入门"]
    assert data["results"][0]["next_class"] is None
    data = client.get("/api/v1/courses/", {"page": "2"}).json()
    assert data["count"] == 6 and data["results"] == []  # 20 per page: page 2 is empty
    data = client.get("/api/v1/courses/", {"q": "果数修剪"}).json()
    assert data["suggestion"] == "果树修剪" and data["count"] == 2


def test_api_ignores_nonsense_parameters(client, small_catalogue):
    data = client.get(
        "/api/v1/courses/",
        {"page": "-3", "category": "'; DROP TABLE x", "provider": "abc", "sort": "evil", "starts_within": "9" * 20},
    ).json()
    assert data["count"] == 6


def test_suggest_endpoint(client, small_catalogue):
    data = client.get("/search/suggest/", {"q": "zhinen"}).json()
    assert data["suggestions"][0]["title"] == "智能手机入门：微信聊天与视频通话"
    assert data["suggestions"][0]["url"].endswith("/")
    assert client.get("/search/suggest/", {"q": ""}).json() == {"suggestions": []}
    assert client.post("/search/suggest/", {"q": "x"}).status_code == 405
