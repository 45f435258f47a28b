"""Relevance over the demo catalogue: our engines against Wagtail's own database search backend.

.venv/bin/python -m pytest tests/search/test_relevance.py -s      # prints the table for docs/BENCHMARKS.md
"""

import json

import pytest
from django.db import connection

from courses.models import CoursePage
from courses.search import CourseSearch, course_search
from jizhou.demo import CATALOGUE_FILE, demo_load

from .relevance import QUERIES, evaluate, report


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    if not CATALOGUE_FILE.exists():
        pytest.skip("the demo catalogue (community/demo/catalogue.json) is not there yet")
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
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


# The search server on the same set, against this engine: test_engine_relevance.py.
@pytest.mark.parametrize("engine_name", ["database"])
def test_relevance(demo, settings, engine_name):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""
    scores = evaluate(ours)
    baseline = evaluate(wagtail_baseline)
    print(f"\n{demo} live courses, {len(QUERIES)} queries, database vendor {connection.vendor}")
    print(report(f"{engine_name} engine", scores))
    print(report("Wagtail database backend (baseline)", baseline))
    # Floors, not targets: a change that makes search clearly worse fails here.
    assert scores.recall >= 0.85 and scores.mrr >= 0.85
    assert scores.mrr > baseline.mrr
