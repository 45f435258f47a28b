"""The search service behind the catalogue: words within a school, bounded queries.

The catalogue's filters and order through this service are tested on the page in tests/courses/test_catalogue.py."""

import pytest

from courses.selectors import CatalogueFilters
from search.selectors import catalogue_search_page


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.ELASTICSEARCH_URL = ""


def test_provider_filter_and_words(small_catalogue, tree):
    page = catalogue_search_page(filters=CatalogueFilters(provider=tree["school_a"].pk), q="修剪")
    assert [c.title for c in page] == ["梨树冬季修剪技术", "苹果树整形修剪"]


def test_paginator_page_and_bounded_queries(small_catalogue, django_assert_max_num_queries):
    catalogue_search_page(filters=CatalogueFilters())  # warm the tokenizer
    with django_assert_max_num_queries(10):
        page = catalogue_search_page(filters=CatalogueFilters(), page_number="99")
        assert page.number == 1 and page.paginator.count == 6 and not page.has_next()
        titles = [(c.title, c.next_class.starts_on if c.next_class else None) for c in page]
    assert len(titles) == 6
