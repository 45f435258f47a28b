"""Fixtures the page-cache test modules share (test_page_cache.py, test_page_cache_hits.py)."""

import pytest

from jizhou.page_cache import recent_pages


@pytest.fixture
def page_layer_on(settings):
    """This process's page layer on, as in production (jizhou/settings/test.py turns it off), and empty before
    and after the test. The page-cache modules use it for every test (pytestmark)."""
    settings.PAGE_CACHE_LOCAL_SECONDS = 1
    recent_pages.clear()
    yield
    recent_pages.clear()


@pytest.fixture
def course(make_class):
    return make_class(capacity=3, label="冬季班").course
