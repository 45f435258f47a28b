"""Hypothesis: the search's parameters and query parser take anything a resident (or a bot) sends."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.search import course_search_from_query
from search.analysis import parse_query
from search.engines.database import render
from search.query import MAX_PAGE, MAX_QUERY_PARAMETER_CHARS, MAX_STARTS_WITHIN_DAYS, Sort, request_parameters

NAMES = ["q", "page", "starts_within", "sort", "free", "open_seats", "provider", "category", "form", "town"]
values = st.one_of(st.none(), st.text(max_size=50), st.sampled_from(["²", "٣", "1_0", "-1", "0", "9" * 30, "  7 "]))
queries = st.dictionaries(st.sampled_from(NAMES), values)


@given(query=queries)
def test_parameters_are_read_without_error_and_bounded(query):
    read = request_parameters(query)
    assert len(read["q"]) <= MAX_QUERY_PARAMETER_CHARS
    assert 1 <= read["page"] <= MAX_PAGE
    assert read["starts_within"] is None or 1 <= read["starts_within"] <= MAX_STARTS_WITHIN_DAYS
    assert read["sort"] in Sort.VALUES
    search = course_search_from_query(query)
    assert search.provider is None or search.provider > 0
    assert search.as_query_string() is not None


@pytest.mark.django_db  # parsing reads the staff-edited synonyms
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.one_of(st.text(max_size=200), st.text(alphabet='梨树修剪 lishu"*:()-+^~&|!<>NEARORANDNOT　，。', max_size=60))
)
def test_any_query_parses_and_renders_for_both_databases(q):
    parsed = parse_query(q)
    relaxed = parse_query(q, relaxed=True)
    for query in (parsed, relaxed):
        assert len(query.groups) <= len(q) + 1
        if query:
            for vendor in ("sqlite", "postgresql"):
                for match_any in (False, True):
                    assert isinstance(render(query, vendor=vendor, match_any=match_any), str)
