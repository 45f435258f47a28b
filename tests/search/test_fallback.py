"""The search server down when the site starts → the database engine answers and the failure is logged (for
real: a closed local port, no mock). More faults, on a real node, in test_engine_faults.py."""

import logging
import socket

import pytest

from courses.search import CourseSearch, course_search
from search.models import SearchDocument
from tests.factories import course_page


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there any more
    return port


@pytest.fixture
def unreachable(settings):
    from search.engines.elasticsearch import _engine

    _engine.cache_clear()
    settings.SEARCH_URL = f"http://127.0.0.1:{closed_port()}"
    yield settings.SEARCH_URL
    _engine.cache_clear()


def test_publishing_with_the_cluster_down_still_indexes_the_database(unreachable, tree, indexed, caplog):
    with caplog.at_level(logging.WARNING, logger="search"):
        course = indexed(lambda: course_page(tree["school_a"], title="梨树冬季修剪技术"))
    assert SearchDocument.objects.filter(pk=course.pk).exists()
    assert any("elasticsearch engine could not update documents" in r.getMessage() for r in caplog.records)


def test_search_falls_back_to_the_database_engine_and_logs(unreachable, tree, indexed, caplog, client):
    indexed(lambda: course_page(tree["school_a"], title="梨树冬季修剪技术"))
    from search.engines import configured_engine

    configured_engine()._down_until = 0  # indexing already found it down; try it again now
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="search"):
        response = course_search(CourseSearch(q="lishu 13812345678"))
    assert response.engine == "database"
    # No course has both words, so the course matching "lishu" alone is offered as approximate.
    assert response.total == 1 and response.approximate
    assert [h.course.title for h in course_search(CourseSearch(q="lishu")).hits] == ["梨树冬季修剪技术"]
    messages = [r.getMessage() for r in caplog.records]
    assert any("the database engine answers meanwhile" in m for m in messages)
    assert not any("13812345678" in m for m in messages)  # queries are not logged
    page = client.get("/search/", {"q": "lishu"})
    assert page.status_code == 200 and "梨树冬季修剪技术" in page.content.decode()
    assert client.get("/api/v1/courses/", {"q": "lishu"}).json()["count"] == 1
