"""The search service offered to the catalogue: same courses, same order, bounded queries."""

import pytest

from courses.selectors import CatalogueFilters, catalogue_courses
from search.selectors import catalogue_search_page


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.ELASTICSEARCH_URL = ""


@pytest.mark.parametrize(
    "filters",
    [
        CatalogueFilters(),
        CatalogueFilters(category="nong-ye-ji-shu"),
        CatalogueFilters(audience="lao-nian-ren"),
        CatalogueFilters(town="xia-ying-zhen"),
        CatalogueFilters(town="luo-zhuang-zi-zhen", form="offline"),
        CatalogueFilters(form="online"),
    ],
)
def test_same_listing_as_the_catalogue(small_catalogue, tree, filters):
    expected = [c.pk for c in catalogue_courses(index_page=tree["catalogue"], filters=filters)]
    page = catalogue_search_page(filters=filters)
    assert [c.pk for c in page] == expected


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
