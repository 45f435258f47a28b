"""The search server's request bodies, as the plain JSON the server reads (decision 0022).

They were built with the DSL's FacetedSearch, Q and Search objects: about 3 ms of Python per search, and a
resident's misspelt words can need ten searches (the looser tiers, decision 0019), so building took longer
than the server took to answer. Plain dicts take a small fraction of that and say exactly what is sent. The
index mapping is still the DSL's (IndexedDocument), built once per index.

The semantics are FacetedSearch's as we used it: the request's facet filters narrow the results and every
count (filters in the query, no post_filter); each facet is counted in a `_filter_<facet>` bucket holding the
other facets' filters, with a `terms` aggregation of the facet's own name inside; `free`, `starts_within`
and `open_seats` are filter buckets.
"""

import datetime

from search.analysis import ParsedQuery, Term
from search.engines.base import FACET_STARTS_WITHIN_DEFAULT, OPEN_OCCURRENCE_BOOST
from search.query import SearchRequest

TERM_FIELDS = {"title_terms": 10.0, "keyword_terms": 5.0, "summary_terms": 2.5, "body_terms": 1.0}
_TERM_FIELD_BOOSTS = [f"{name}^{boost}" for name, boost in TERM_FIELDS.items()]
PHRASE_FIELDS = ["title^3", "keywords^2", "summary", "body"]
FACET_SIZE = 100


def _term_query(term: Term) -> dict:
    if term.prefix:
        return {
            "bool": {
                "should": [{"prefix": {name: {"value": term.text, "boost": b}}} for name, b in TERM_FIELDS.items()]
            }
        }
    return {"multi_match": {"query": term.text, "fields": _TERM_FIELD_BOOSTS, "operator": "and"}}


def _group_query(alternatives) -> dict:
    """One word of the query: any of its alternatives (the word, its synonyms, its pinyin…), each of whose
    terms must all match."""
    return {
        "bool": {
            "should": [{"bool": {"must": [_term_query(t) for t in alternative]}} for alternative in alternatives],
            "minimum_should_match": 1,
        }
    }


def text_query(parsed: ParsedQuery, *, match_any: bool) -> dict:
    groups = [_group_query(group.alternatives) for group in parsed.groups]
    if match_any:
        return {"bool": {"should": groups, "minimum_should_match": 1}}
    return {"bool": {"must": groups}}


def nested(query: dict) -> dict:
    return {"nested": {"path": "occurrences", "query": query}}


def _missing(field: str) -> dict:
    return {"bool": {"must_not": [{"exists": {"field": field}}]}}


def open_occurrence(today: datetime.date) -> dict:
    """An occurrence open for joining today: enrolment has opened (or has no opening day) and has not closed
    (or, without a closing day, the occurrence has not started)."""
    day = today.isoformat()
    opened = {
        "bool": {"should": [_missing("occurrences.enrol_opens"), {"range": {"occurrences.enrol_opens": {"lte": day}}}]}
    }
    not_closed = {
        "bool": {
            "should": [
                {"range": {"occurrences.enrol_closes": {"gte": day}}},
                {
                    "bool": {
                        "must": [
                            _missing("occurrences.enrol_closes"),
                            {"range": {"occurrences.starts_on": {"gte": day}}},
                        ]
                    }
                },
            ]
        }
    }
    return {"bool": {"must": [opened, not_closed]}}


def _open_seats(today: datetime.date) -> dict:
    return nested({"bool": {"must": [open_occurrence(today), {"range": {"occurrences.seats_left": {"gt": 0}}}]}})


def _starting_within(today: datetime.date, days: int) -> dict:
    until = today + datetime.timedelta(days=days)
    return nested({"range": {"occurrences.starts_on": {"gte": today.isoformat(), "lte": until.isoformat()}}})


def _facet_filters(request: SearchRequest) -> dict[str, dict]:
    return {name: {"terms": {name: [value]}} for name, value in request.facet_filters().items()}


def _filters(request: SearchRequest, today: datetime.date) -> list[dict]:
    filters = []
    if request.free:
        filters.append({"term": {"free": True}})
    if request.starts_within:
        filters.append(_starting_within(today, request.starts_within))
    if request.open_seats:
        filters.append(_open_seats(today))
    return [*filters, *_facet_filters(request).values()]


def _scored(parsed: ParsedQuery, *, match_any: bool, today: datetime.date) -> dict:
    """The jieba/pinyin terms decide what matches; the same words as a phrase in the cjk-analysed text
    (bigrams) lift courses that contain them together; a course open for joining today ranks higher."""
    phrase = {"multi_match": {"query": parsed.text, "fields": PHRASE_FIELDS, "type": "phrase"}}
    matched = {"bool": {"must": [text_query(parsed, match_any=match_any)], "should": [phrase]}}
    return {
        "function_score": {
            "query": matched,
            "functions": [{"filter": nested(open_occurrence(today)), "weight": OPEN_OCCURRENCE_BOOST}],
            "boost_mode": "multiply",
            "score_mode": "max",
        }
    }


def query(request: SearchRequest, parsed: ParsedQuery, *, match_any: bool, today: datetime.date) -> dict:
    """What matches (the words, or every document without words) within the request's filters."""
    filters = _filters(request, today)
    if not parsed:
        return {"bool": {"filter": filters}} if filters else {"match_all": {}}
    words = _scored(parsed, match_any=match_any, today=today)
    return {"bool": {"must": [words], "filter": filters}} if filters else words


def aggregations(request: SearchRequest, today: datetime.date) -> dict:
    """The counts beside the results: each of the request's facets (within the other facets' filters, as
    FacetedSearch counts them), free courses, starting within N days (30 unless asked) and open seats."""
    facet_filters = _facet_filters(request)
    aggs = {
        "free": {"filter": {"term": {"free": True}}},
        "starts_within": {"filter": _starting_within(today, request.starts_within or FACET_STARTS_WITHIN_DEFAULT)},
        "open_seats": {"filter": _open_seats(today)},
    }
    for name in type(request).FACETS:
        others = [f for other, f in facet_filters.items() if other != name]
        within = {"bool": {"filter": others}} if others else {"match_all": {}}
        aggs[f"_filter_{name}"] = {"filter": within, "aggs": {name: {"terms": {"field": name, "size": FACET_SIZE}}}}
    return aggs


def facet_counts(aggregations: dict, names) -> dict[str, list[tuple[str, int]]]:
    """(value, count) of each facet's buckets in an answer's aggregations, as the server ordered them."""
    return {
        name: [(str(b["key"]), b["doc_count"]) for b in aggregations[f"_filter_{name}"][name]["buckets"]]
        for name in names
    }
