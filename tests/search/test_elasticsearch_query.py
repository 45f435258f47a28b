"""The request our search-server engine builds, once, for both clients (no server needed to build it; the
contract suite in test_behaviour.py runs it against a real node)."""

import datetime
import json

from courses.search import CourseSearch
from search.analysis import parse_query
from search.engines import server_query
from search.engines.elasticsearch import ElasticsearchEngine, IndexedDocument, forget_facet_labels

TODAY = datetime.date(2026, 12, 2)


def build(q, **filters):
    request = CourseSearch(q=q, **filters)
    return {
        "query": server_query.query(request, parse_query(q), match_any=False, today=TODAY),
        "aggs": server_query.aggregations(request, TODAY),
    }


def test_words_pinyin_synonyms_and_open_class_boost(db):
    body = json.dumps(build("电脑 lishu"), ensure_ascii=False)
    assert '"function_score"' in body and '"weight": 1.5' in body
    assert '"计算机"' in body  # the synonym is searched too
    assert '"prefix"' in body and '"lishu"' in body  # pinyin as a prefix on the analysed term fields
    assert '"title_terms"' in body and '"type": "phrase"' in body


def test_filters_apply_to_results_and_counts(db):
    body = build("梨树", category="nong-ye-ji-shu", provider=7, free=True, open_seats=True, starts_within=7)
    filters = json.dumps(body["query"]["bool"]["filter"], ensure_ascii=False)
    assert '"category": ["nong-ye-ji-shu"]' in filters and '"provider": ["7"]' in filters
    assert '"free": true' in filters and '"occurrences.seats_left"' in filters
    assert "post_filter" not in body
    assert {"_filter_category", "_filter_town", "free", "starts_within", "open_seats"} <= set(body["aggs"])
    # Each facet is counted within the other facets' filters (FacetedSearch's way), not its own.
    assert body["aggs"]["_filter_category"]["filter"] == {"bool": {"filter": [{"terms": {"provider": ["7"]}}]}}
    assert {"terms": {"category": ["nong-ye-ji-shu"]}} in body["aggs"]["_filter_town"]["filter"]["bool"]["filter"]
    assert '"lte": "2026-12-09"' in json.dumps(body["query"])  # starting within 7 days of today


def test_filters_without_words_filter_every_document(db):
    assert build("", free=True)["query"] == {"bool": {"filter": [{"term": {"free": True}}]}}


def test_empty_query_matches_all(db):
    assert build("")["query"] == {"match_all": {}}


def test_mapping_uses_builtin_cjk_and_whitespace_analyzers():
    mapping = IndexedDocument._doc_type.mapping.to_dict()
    properties = mapping["properties"]
    assert properties["title"]["analyzer"] == "cjk" and properties["title_terms"]["analyzer"] == "whitespace"
    assert properties["occurrences"]["type"] == "nested"
    # Facet values (whatever the source names them) are keywords, through a dynamic template.
    assert mapping["dynamic_templates"] == [
        {"facets": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}}
    ]


def test_neutral_document_becomes_an_indexed_document():
    import datetime
    from decimal import Decimal

    from search.documents import Document, FacetChoice, Occurrence

    document = Document(
        id=7,
        title="梨树冬季修剪技术",
        body="罗庄子镇",
        facets={"category": [FacetChoice("nong-ye-ji-shu", "农业技术")], "town": []},
        fee=Decimal("0"),
        occurrences=[Occurrence(3, datetime.date(2026, 1, 5), datetime.date(2026, 2, 5), None, None, 12)],
    )
    source = ElasticsearchEngine._source(document)
    assert source["category"] == ["nong-ye-ji-shu"] and source["free"] is True and "town" not in source
    assert "lishu" in source["title_terms"] and source["occurrences"][0]["seats_left"] == 12
    assert "enrol_opens" not in source["occurrences"][0]  # empty values are left out, as the DSL does


def test_facet_labels_come_from_the_database_engine(db):
    from search.models import SearchDocument, SearchFacet

    forget_facet_labels()
    SearchDocument.objects.create(id=1, title="梨树")
    SearchFacet.objects.create(document_id=1, facet="category", value="nong-ye-ji-shu", label="农业技术")
    aggregations = {
        "_filter_category": {
            "doc_count": 5,
            "category": {"buckets": [{"key": "nong-ye-ji-shu", "doc_count": 4}, {"key": "gone", "doc_count": 1}]},
        },
        **{name: {"doc_count": 2} for name in ("free", "starts_within", "open_seats")},
    }
    facets = ElasticsearchEngine._facets(aggregations, ("category",))
    assert [(f.value, f.label, f.count) for f in facets["category"]] == [
        ("nong-ye-ji-shu", "农业技术", 4),
        ("gone", "gone", 1),
    ]
    assert facets["free"] == facets["open_seats"] == 2
