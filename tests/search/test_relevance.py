"""Relevance over the demo catalogue: the database engine against Wagtail's own database search backend, and
the search server (a real OpenSearch node) against the database engine, on the same queries. One test loads the
catalogue once for all three (a load is most of the cost).

.venv/bin/python -m pytest tests/search/test_relevance.py -s      # prints the tables for docs/BENCHMARKS.md
"""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from courses.models import CoursePage
from courses.search import CourseSearch, course_search
from jizhou.demo import CATALOGUE_FILE, demo_catalogue_load
from search.services import search_reindex

from .relevance import QUERIES, evaluate, report


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks, settings):
    """The catalogue, and the indexes searched below built once from it. The work a load queues for after its
    commit (each page indexed on each save, Wagtail's reference index) is dropped, not run: it would build the
    same indexes page by page, at a third of the fixture's time."""
    with django_capture_on_commit_callbacks(execute=False):
        demo_catalogue_load()
    call_command("update_index", stdout=StringIO())  # Wagtail's own index: the baseline searches it
    server_url = settings.SEARCH_URL
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""
    search_reindex()  # the database engine's
    settings.SEARCH_URL = server_url
    return CoursePage.objects.live().count()


def test_relevance_set_is_about_real_demo_courses():
    titles = {c["title"] for c in json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))["courses"]}
    assert len(QUERIES) >= 60
    unknown = {t for _, _, relevant in QUERIES for t in relevant} - titles
    assert not unknown, unknown


def ours(query):
    return [hit.course.title for hit in course_search(CourseSearch(q=query, page_size=10)).hits]


def wagtail_baseline(query):
    try:
        return [page.title for page in CoursePage.objects.live().search(query)[:10]]
    except Exception:  # noqa: BLE001 — the baseline may choke on some input; that counts as no results
        return []


# Rounding room: one query in the set is worth 1/len(QUERIES) of MRR.
MARGIN = 1e-9


def test_relevance(demo, settings, search_server):
    server_url = settings.SEARCH_URL
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""
    database = evaluate(ours)
    baseline = evaluate(wagtail_baseline)
    settings.SEARCH_URL = server_url
    assert search_reindex()["indexed"] == demo
    server = evaluate(ours)
    print(f"\n{demo} live courses, {len(QUERIES)} queries, database vendor {connection.vendor}")
    print(report("database engine", database))
    print(report("Wagtail database backend (baseline)", baseline))
    print(report(f"search server ({search_server.client.flavour})", server))
    # Floors, not targets: a change that makes search clearly worse fails here.
    assert database.recall >= 0.85 and database.mrr >= 0.85
    assert database.mrr > baseline.mrr
    # The server must reach the database engine's scores on the same catalogue.
    assert server.recall >= database.recall - MARGIN and server.mrr >= database.mrr - MARGIN
