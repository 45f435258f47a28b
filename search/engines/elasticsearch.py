"""The Elasticsearch 8 engine (elasticsearch.dsl): the same contract as the database engine.

Text is indexed twice: the raw fields with Elasticsearch's built-in `cjk` analyzer (bigrams, no
plugin needed), and the terms cut in Python (jieba words, pinyin, initials, characters) with the
`whitespace` analyzer, so pinyin and synonyms behave exactly as in the database engine. Facets are
aggregations through FacetedSearch over the facets the request names (each facet a keyword field,
mapped by a dynamic template); occurrences (a course's classes) are nested documents so "starting within
N days" and "open seats" are queries on dates relative to today. Facet labels are read from the database
engine's facet table, which is always kept up to date.

When the cluster cannot be reached the engine raises EngineUnavailable; the selector then answers
from the database engine, which is always kept up to date. After a failure the cluster is left alone
for a short while, so residents do not each wait for a timeout.
"""

import datetime
import logging
import threading
import time
from collections.abc import Sequence
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from elasticsearch import ApiError, ConnectionError, ConnectionTimeout, Elasticsearch, NotFoundError, TransportError
from elasticsearch.dsl import (
    Boolean,
    Date,
    FacetedSearch,
    Float,
    InnerDoc,
    Integer,
    MetaField,
    Nested,
    Q,
    Search,
    TermsFacet,
    Text,
)
from elasticsearch.dsl import Document as DslDocument
from elasticsearch.helpers import bulk

from search.analysis import ParsedQuery, Term, document_terms
from search.documents import Document
from search.engines.base import (
    FACET_STARTS_WITHIN_DEFAULT,
    OPEN_OCCURRENCE_BOOST,
    EngineResult,
    EngineUnavailable,
    SearchEngine,
)
from search.models import SearchFacet
from search.query import FacetValue, SearchRequest, Sort

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
TERM_FIELDS = {"title_terms": 10.0, "keyword_terms": 5.0, "summary_terms": 2.5, "body_terms": 1.0}
UNREACHABLE = (ConnectionError, ConnectionTimeout, TransportError)
FACET_SIZE = 100


class OccurrenceDoc(InnerDoc):
    id = Integer()
    starts_on = Date()
    ends_on = Date()
    enrol_opens = Date()
    enrol_closes = Date()
    seats_left = Integer()


class IndexedDocument(DslDocument):
    title = Text(analyzer="cjk")
    keywords = Text(analyzer="cjk")
    summary = Text(analyzer="cjk")
    body = Text(analyzer="cjk")
    title_terms = Text(analyzer="whitespace")
    keyword_terms = Text(analyzer="whitespace")
    summary_terms = Text(analyzer="whitespace")
    body_terms = Text(analyzer="whitespace")
    fee = Float()
    free = Boolean()
    published_at = Date()
    occurrences = Nested(OccurrenceDoc)
    # Facet values (category, audience…: whatever the source gives) are keyword fields of their own name.

    class Meta:
        dynamic_templates = MetaField([{"facets": {"match_mapping_type": "string", "mapping": {"type": "keyword"}}}])

    class Index:
        name = "jizhou-courses"
        settings = {"number_of_shards": 1, "number_of_replicas": 0}


def _group_query(alternatives) -> Q:
    def term_query(term: Term) -> Q:
        if term.prefix:
            return Q(
                "bool", should=[Q("prefix", **{f: {"value": term.text, "boost": b}}) for f, b in TERM_FIELDS.items()]
            )
        return Q("multi_match", query=term.text, fields=[f"{f}^{b}" for f, b in TERM_FIELDS.items()], operator="and")

    return Q(
        "bool", should=[Q("bool", must=[term_query(t) for t in alt]) for alt in alternatives], minimum_should_match=1
    )


def text_query(parsed: ParsedQuery, *, match_any: bool) -> Q:
    groups = [_group_query(group.alternatives) for group in parsed.groups]
    if match_any:
        return Q("bool", should=groups, minimum_should_match=1)
    return Q("bool", must=groups)


def _open_occurrence(today: datetime.date) -> Q:
    day = today.isoformat()
    window = Q(
        "bool",
        should=[~Q("exists", field="occurrences.enrol_opens"), Q("range", occurrences__enrol_opens={"lte": day})],
    )
    closes = Q(
        "bool",
        should=[
            Q("range", occurrences__enrol_closes={"gte": day}),
            Q(
                "bool",
                must=[~Q("exists", field="occurrences.enrol_closes"), Q("range", occurrences__starts_on={"gte": day})],
            ),
        ],
    )
    return Q("bool", must=[window, closes])


def _nested(query: Q) -> Q:
    return Q("nested", path="occurrences", query=query)


class DocumentFacetedSearch(FacetedSearch):
    doc_types = [IndexedDocument]

    def __init__(self, *, parsed: ParsedQuery, match_any: bool, request: SearchRequest, using, index):
        self.parsed, self.match_any, self.request, self.today = parsed, match_any, request, timezone.localdate()
        self.using, self.index = using, index
        # The request's facets, counted and filtered by FacetedSearch (one terms aggregation each).
        self.facets = {name: TermsFacet(field=name, size=FACET_SIZE) for name in type(request).FACETS}
        # A query value must be given, or FacetedSearch skips query(); ours reads self.parsed.
        super().__init__(query=parsed.text or "*", filters=request.facet_filters())

    def filter(self, search):
        # Filters narrow the results and every count alike (FacetedSearch's default is a post_filter,
        # which leaves the counts unfiltered); this matches the database engine.
        for facet_filter in self._filters.values():
            search = search.filter(facet_filter)
        return search

    def search(self):
        search = super().search()
        if self.request.free:
            search = search.filter("term", free=True)
        if self.request.starts_within:
            until = self.today + datetime.timedelta(days=self.request.starts_within)
            search = search.filter(
                _nested(Q("range", occurrences__starts_on={"gte": self.today.isoformat(), "lte": until.isoformat()}))
            )
        if self.request.open_seats:
            search = search.filter(
                _nested(_open_occurrence(self.today) & Q("range", occurrences__seats_left={"gt": 0}))
            )
        days = self.request.starts_within or FACET_STARTS_WITHIN_DEFAULT
        until = (self.today + datetime.timedelta(days=days)).isoformat()
        search.aggs.bucket("free", "filter", filter=Q("term", free=True))
        search.aggs.bucket(
            "starts_within",
            "filter",
            filter=_nested(Q("range", occurrences__starts_on={"gte": self.today.isoformat(), "lte": until})),
        )
        search.aggs.bucket(
            "open_seats",
            "filter",
            filter=_nested(_open_occurrence(self.today) & Q("range", occurrences__seats_left={"gt": 0})),
        )
        return search

    def query(self, search, query):
        if not self.parsed:
            return search.query("match_all")
        # The jieba/pinyin terms decide what matches; the same words as a phrase in the cjk-analysed
        # text (bigrams) lift courses that contain them together.
        phrase = Q(
            "multi_match", query=self.parsed.text, fields=["title^3", "keywords^2", "summary", "body"], type="phrase"
        )
        matched = Q("bool", must=[text_query(self.parsed, match_any=self.match_any)], should=[phrase])
        scored = Q(
            "function_score",
            query=matched,
            functions=[{"filter": _nested(_open_occurrence(self.today)).to_dict(), "weight": OPEN_OCCURRENCE_BOOST}],
            boost_mode="multiply",
            score_mode="max",
        )
        return search.query(scored)


class ElasticsearchEngine(SearchEngine):
    name = "elasticsearch"

    def __init__(self, url: str, index: str):
        self.url, self.index_name = url, index
        self.client = Elasticsearch(url, request_timeout=3, max_retries=0, retry_on_timeout=False)
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._index_ready = False

    def _guard(self):
        if time.monotonic() < self._down_until:
            raise EngineUnavailable(self.url)

    def _failed(self, exc: Exception):
        self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
        # The query text is not logged: it may contain a resident's name or phone number.
        logger.error(
            "search: Elasticsearch at %s unreachable (%s); using the database engine", self.url, type(exc).__name__
        )
        raise EngineUnavailable(self.url) from exc

    def ensure_index(self):
        if self._index_ready:
            return
        with self._lock:
            if not IndexedDocument._index.clone(name=self.index_name).exists(using=self.client):
                IndexedDocument._index.clone(name=self.index_name).create(using=self.client)
            self._index_ready = True

    @staticmethod
    def _document(document: Document) -> IndexedDocument:
        return IndexedDocument(
            meta={"id": document.id},
            title=document.title,
            keywords=document.keywords,
            summary=document.summary,
            body=document.body,
            **document_terms(document),
            **{name: [choice.value for choice in choices] for name, choices in document.facets.items()},
            fee=float(document.fee),
            free=not document.fee,
            published_at=document.published_at,
            occurrences=[
                OccurrenceDoc(
                    id=o.id,
                    starts_on=o.starts_on,
                    ends_on=o.ends_on,
                    enrol_opens=o.enrol_opens,
                    enrol_closes=o.enrol_closes,
                    seats_left=o.seats_left,
                )
                for o in document.occurrences
            ],
        )

    def index(self, documents: Sequence[Document]) -> None:
        self._guard()
        try:
            self.ensure_index()
            actions = ({**self._document(d).to_dict(include_meta=True), "_index": self.index_name} for d in documents)
            bulk(self.client, actions, refresh="wait_for")
        except UNREACHABLE as exc:
            self._failed(exc)

    def remove(self, ids: Sequence[int]) -> None:
        self._guard()
        try:
            for document_id in ids:
                self.client.options(ignore_status=404).delete(
                    index=self.index_name, id=str(document_id), refresh="wait_for"
                )
        except UNREACHABLE as exc:
            self._failed(exc)

    def indexed_ids(self) -> set[int]:
        self._guard()
        try:
            search = Search(using=self.client, index=self.index_name).source(False)
            return {int(hit.meta.id) for hit in search.scan()}
        except NotFoundError:
            return set()
        except UNREACHABLE as exc:
            self._failed(exc)

    def clear(self) -> None:
        self.client.options(ignore_status=404).indices.delete(index=self.index_name)
        self._index_ready = False

    def count(self, request: SearchRequest, parsed: ParsedQuery) -> int:
        self._guard()
        faceted = DocumentFacetedSearch(
            parsed=parsed, match_any=False, request=request, using=self.client, index=self.index_name
        )
        try:
            return faceted._s.extra(size=0, track_total_hits=True).execute().hits.total.value
        except NotFoundError:
            return 0
        except UNREACHABLE as exc:
            self._failed(exc)

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        self._guard()
        faceted = DocumentFacetedSearch(
            parsed=parsed, match_any=match_any, request=request, using=self.client, index=self.index_name
        )
        search = faceted._s  # built by FacetedSearch: query, post-filters and facet aggregations
        if request.sort == Sort.NEWEST:
            search = search.sort({"published_at": {"order": "desc", "missing": "_last"}}, "_score")
        elif request.sort == Sort.SOONEST or not parsed:
            today = timezone.localdate().isoformat()
            search = search.sort(
                {
                    "occurrences.starts_on": {
                        "order": "asc",
                        "mode": "min",
                        "missing": "_last",
                        "nested": {"path": "occurrences", "filter": {"range": {"occurrences.ends_on": {"gte": today}}}},
                    }
                },
                "_score",
            )
        start = (request.page - 1) * request.page_size
        faceted._s = search[start : start + request.page_size].source(False).extra(track_total_hits=True)
        try:
            response = faceted.execute()
        except NotFoundError:
            return EngineResult(ranked=[], total=0)
        except UNREACHABLE as exc:
            self._failed(exc)
        except ApiError:
            raise
        ranked = [(int(hit.meta.id), float(hit.meta.score or 0)) for hit in response]
        total = response.hits.total.value
        return EngineResult(
            ranked=ranked,
            total=total,
            facets=self._facets(response, type(request).FACETS) if request.with_facets else {},
        )

    @staticmethod
    def _facets(response, names) -> dict:
        counted = {name: [(str(key), count) for key, count, _selected in response.facets[name]] for name in names}
        # Labels as the database engine stored them (it is always kept up to date): one query for all.
        keys = {value for values in counted.values() for value, _ in values}
        labels = {
            (facet, value): label
            for facet, value, label in SearchFacet.objects.filter(facet__in=names, value__in=keys)
            .values_list("facet", "value", "label")
            .distinct()
        }
        facets: dict = {
            name: [
                FacetValue(value=value, label=labels.get((name, value), value), count=count) for value, count in values
            ]
            for name, values in counted.items()
        }
        for name in ("free", "starts_within", "open_seats"):
            facets[name] = response.aggregations[name].doc_count
        return facets


@lru_cache(maxsize=4)
def _engine(url: str, index: str) -> ElasticsearchEngine:
    return ElasticsearchEngine(url, index)


def elasticsearch_engine(url: str) -> ElasticsearchEngine:
    return _engine(url, getattr(settings, "ELASTICSEARCH_INDEX", "jizhou-courses"))
