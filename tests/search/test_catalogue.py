"""The search service behind the catalogue: words within a school, bounded queries.

The catalogue's filters and order through this service are tested on the page in tests/courses/test_catalogue.py."""

import pytest

from courses.search import CourseSearch, catalogue_page, catalogue_search_from_query


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""


def test_provider_filter_and_words(small_catalogue, tree):
    page = catalogue_page(CourseSearch(provider=tree["school_a"].pk, q="修剪", with_facets=False))
    assert [c.title for c in page] == ["梨树冬季修剪技术", "苹果树整形修剪"]


def test_paginator_page_and_bounded_queries(small_catalogue, django_assert_max_num_queries):
    catalogue_page(catalogue_search_from_query({}))  # warm the tokenizer
    with django_assert_max_num_queries(10):
        page = catalogue_page(catalogue_search_from_query({"page": "99"}))
        assert page.number == 1 and page.paginator.count == 6 and not page.has_next()
        titles = [(c.title, c.next_class.starts_on if c.next_class else None) for c in page]
    assert len(titles) == 6


def test_the_catalogue_takes_only_its_filters_from_the_query():
    """One filter object: the catalogue's listing is a CourseSearch without words (read by the same parser
    as the search page), so words, sorting and the search page's own filters in its URL change nothing."""
    listing = catalogue_search_from_query(
        {"q": "梨树", "sort": "newest", "free": "1", "category": "nong-ye-ji-shu", "provider": "7", "page": "2"}
    )
    assert listing == CourseSearch(category="nong-ye-ji-shu", provider=7, page=2, with_facets=False)
    assert listing.as_query_string(page=1) == "category=nong-ye-ji-shu&provider=7"
    assert catalogue_search_from_query({"provider": "7"}, provider=9).provider == 9
