"""The Elasticsearch request our engine builds (no cluster needed to build it; the contract suite in
test_behaviour.py runs it against a cluster when ELASTICSEARCH_URL is set)."""

import json

from courses.search import CourseSearch
from search.analysis import parse_query
from search.engines.elasticsearch import DocumentFacetedSearch, ElasticsearchEngine, IndexedDocument


def build(q, **filters):
    engine = ElasticsearchEngine("http://127.0.0.1:9", "test-index")
    faceted = DocumentFacetedSearch(
        parsed=parse_query(q),
        match_any=False,
        request=CourseSearch(q=q, **filters),
        using=engine.client,
        index="test-index",
    )
    return faceted._s.to_dict()


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
