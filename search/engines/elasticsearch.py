"""The search-server engine, Elasticsearch 8 or OpenSearch 2: the same contract as the database engine.

The index mapping is the DSL's (elasticsearch.dsl); the request bodies are plain dicts
(search/engines/server_query.py, decision 0022), sent by a thin client of the server's own kind
(search/engines/clients.py), and the answers are read as the server's JSON. Only the client differs between
the two servers.

Text is indexed twice: the raw fields with Elasticsearch's built-in `cjk` analyzer (bigrams, no
plugin needed), and the terms cut in Python (jieba words, pinyin, initials, characters) with the
`whitespace` analyzer, so pinyin and synonyms behave exactly as in the database engine. Facets are
aggregations over the facets the request names (each facet a keyword field,
mapped by a dynamic template); occurrences (a course's classes) are nested documents so "starting within
N days" and "open seats" are queries on dates relative to today. Facet labels are read from the database
engine's facet table, which is always kept up to date.

When the server cannot answer — down at start or mid-request, slower than SEARCH_TIMEOUT, failing, or
without our index — the engine raises EngineUnavailable; the selector then answers from the database
engine, which is always kept up to date. After a failure the server is left alone for SEARCH_RETRY_AFTER
seconds, so residents do not each wait for a timeout; status() tells the health endpoint what happened.
"""

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache

from cachetools import TTLCache
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from elasticsearch.dsl import Boolean, Date, Float, InnerDoc, Integer, MetaField, Nested, Text
from elasticsearch.dsl import Document as DslDocument

from search.analysis import ParsedQuery, document_terms
from search.documents import Document
from search.engines import server_query
from search.engines.base import Asked, EngineResult, EngineUnavailable, SearchEngine
from search.engines.clients import IndexMissing, SearchClient, search_client
from search.engines.server_query import TERM_FIELDS
from search.models import SearchDocument, SearchFacet
from search.query import FacetValue, SearchRequest, Sort

logger = logging.getLogger(__name__)

LABELS_SECONDS = 60
# Totals and facet counts of identical searches, kept per index generation like the database engine's
# (decision 0019); 0 turns the cache off.
COUNTS_CACHE_SECONDS = 60
GENERATION_KEY = "search:server-index-generation"
NEWEST_FIRST = [{"published_at": {"order": "desc", "missing": "_last"}}, "_score"]
# A re-index sends each batch as BULK_THREADS requests at once, with up to BULK_IN_FLIGHT batches on their way
# while the next is prepared: the server indexes while Python reads and analyses (_Rebuild).
BULK_THREADS = 2
BULK_IN_FLIGHT = 2


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


_labels: TTLCache = TTLCache(maxsize=20_000, ttl=LABELS_SECONDS)
_labels_lock = threading.Lock()


def facet_labels(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels of (facet, value) pairs as the database engine stored them (it is always kept up to date).

    One indexed lookup per pair not seen in the last LABELS_SECONDS: a DISTINCT over every document's facet
    rows took most of a broad search's time at 10k courses. A renamed category shows its new name within
    that time (its courses are re-indexed anyway)."""
    with _labels_lock:
        known = {pair: _labels[pair] for pair in pairs if pair in _labels}
    for facet, value in pairs - known.keys():
        row = SearchFacet.objects.filter(facet=facet, value=value).values_list("label", flat=True).first()
        known[(facet, value)] = row if row is not None else value
        with _labels_lock:
            _labels[(facet, value)] = known[(facet, value)]
    return known


def forget_facet_labels() -> None:
    with _labels_lock:
        _labels.clear()


class ElasticsearchEngine(SearchEngine):
    """One engine for both servers; `client` is the thin part that differs (made on first use, so a server
    that is down when the site starts is simply tried again later)."""

    name = "elasticsearch"
    batches_searches = True
    counts_cache_seconds = COUNTS_CACHE_SECONDS

    def __init__(self, url: str, index: str, *, flavour: str = "", timeout: float = 2.0, retry_after: float = 30):
        self.url, self.index_name, self.flavour = url, index, flavour
        self.timeout, self.retry_after = timeout, retry_after
        self._client: SearchClient | None = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._index_ready = False
        self.last_failure: str = ""  # the type of the last error, for the health endpoint ("" when answering)

    # --- The server -------------------------------------------------------------------------

    @property
    def client(self) -> SearchClient:
        if self._client is None:
            # Asks the server what it is unless SEARCH_ENGINE_FLAVOUR says; EngineUnavailable when it is down.
            self._client = search_client(self.url, flavour=self.flavour, timeout=self.timeout)
        return self._client

    @contextmanager
    def _answering(self, what: str) -> Iterator[None]:
        """Run a request; when the server cannot answer, remember it, log it and raise EngineUnavailable."""
        if time.monotonic() < self._down_until:
            raise EngineUnavailable(self.last_failure or "down")
        try:
            yield
        except EngineUnavailable as exc:
            self._down_until = time.monotonic() + self.retry_after
            self._index_ready = False
            self.last_failure = type(exc).__name__ if isinstance(exc, IndexMissing) else str(exc)
            # The query text is never logged: it may contain a resident's name or phone number.
            logger.error(
                "search: the search server could not %s (%s); the database engine answers meanwhile",
                what,
                "index missing: run manage.py search_reindex" if isinstance(exc, IndexMissing) else exc,
            )
            raise
        else:
            self.last_failure = ""

    def status(self) -> dict:
        """For /health: does the server answer now, and is our index there? (No URL: it may hold a password.)"""
        try:
            with self._answering("answer the health check"):
                if not self.client.index_exists(self.index_name):
                    raise IndexMissing(self.index_name)
        except EngineUnavailable:
            flavour = self._client.flavour if self._client else self.flavour
            return {"ok": False, "flavour": flavour, "error": self.last_failure, "answering": "database"}
        return {"ok": True, "flavour": self.client.flavour, "answering": "engine"}

    def ensure_index(self) -> None:
        if self._index_ready:
            return
        with self._lock:
            if not self.client.index_exists(self.index_name):
                self.client.point_alias(self.index_name, self._new_index(), previous=[])
            self._index_ready = True

    def _new_index(self, **settings) -> str:
        """A new index behind our name: `index_name` is an alias, so a re-index builds the next index while
        searches keep reading the current one, and the alias moves in one step."""
        name = f"{self.index_name}-{timezone.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
        body = IndexedDocument._index.clone(name=name).to_dict()
        body.setdefault("settings", {}).update(settings)
        self.client.create_index(name, body)
        return name

    def clear(self) -> None:
        # An alias cannot be deleted through its name: its indices are (an index of before aliases can).
        for index in self.client.alias_indices(self.index_name) or [self.index_name]:
            self.client.delete_index(index)
        self._index_ready = False
        self._index_changed()

    @contextmanager
    def bulk_loading(self) -> Iterator[Callable[[Sequence[Document]], None]]:
        """A full re-index into a new index: no refresh and no replicas while documents pour in, then one
        refresh and the alias moves to it. Searches, and index upkeep (index()), use the previous index
        meanwhile. Batches are sent by a thread while the next ones are read and analysed. If a batch
        could not be sent, the new index is dropped and the previous one kept (`search_reindex` repairs)."""
        with self._answering("prepare a re-index"):
            rebuild = _Rebuild(self, self._new_index(refresh_interval="-1", number_of_replicas=0))
        complete = False
        try:
            yield rebuild.load
            complete = rebuild.finish()
        finally:
            rebuild.sender.shutdown(wait=True)
            with suppress(EngineUnavailable), self._answering("finish a re-index"):
                if complete:
                    self._swap_to(rebuild.index)
                else:
                    logger.error("search: the re-index of the search server was incomplete; its index is unchanged")
                    self.client.delete_index(rebuild.index)

    def _swap_to(self, building: str) -> None:
        self.client.put_settings(building, {"refresh_interval": None})
        self.client.refresh(building)
        previous = self.client.alias_indices(self.index_name)
        if not previous:
            # The index of before aliases (or none): its name must be free for the alias.
            self.client.delete_index(self.index_name)
        self.client.point_alias(self.index_name, building, previous=previous)
        for index in previous:
            self.client.delete_index(index)
        self._index_ready = True
        self._index_changed()

    # --- Indexing ---------------------------------------------------------------------------

    @staticmethod
    def _source(document: Document, terms: dict[str, str] | None = None) -> dict:
        """The indexed JSON of a document, as IndexedDocument maps it. A plain dict: building DSL objects for
        every document and occurrence cost more than the rest of sending 100k documents (values left out
        when empty, as the DSL's to_dict does)."""
        source = {
            "title": document.title,
            "keywords": document.keywords,
            "summary": document.summary,
            "body": document.body,
            **(terms or document_terms(document)),
            **{name: [choice.value for choice in choices] for name, choices in document.facets.items()},
            "fee": float(document.fee),
            "free": not document.fee,
            "published_at": document.published_at,
            "occurrences": [
                {
                    key: value
                    for key, value in (
                        ("id", o.id),
                        ("starts_on", o.starts_on),
                        ("ends_on", o.ends_on),
                        ("enrol_opens", o.enrol_opens),
                        ("enrol_closes", o.enrol_closes),
                        ("seats_left", o.seats_left),
                    )
                    if value is not None
                }
                for o in document.occurrences
            ],
        }
        return {key: value for key, value in source.items() if value not in ([], None)}

    @staticmethod
    def _cut_terms(documents: Sequence[Document]) -> dict[int, dict[str, str]]:
        """The terms the database engine has just stored for these documents (it is indexed first, in the same
        batch or task), so jieba and pinyin — most of the time a re-index takes — run once, not twice."""
        fields = list(TERM_FIELDS)
        rows = SearchDocument.objects.filter(id__in=[d.id for d in documents]).values_list("id", *fields)
        return {row[0]: dict(zip(fields, row[1:], strict=True)) for row in rows}

    def _actions(self, documents: Sequence[Document], index: str) -> list[dict]:
        terms = self._cut_terms(documents)
        return [{"_index": index, "_id": d.id, "_source": self._source(d, terms.get(d.id))} for d in documents]

    def index(self, documents: Sequence[Document]) -> None:
        actions = self._actions(documents, self.index_name)
        try:
            with self._answering("index documents"):
                self.ensure_index()
                self.client.bulk(actions, refresh=True)
        finally:
            self._index_changed()  # after the refresh (or a part written before a failure): counts are redone

    def remove(self, ids: Sequence[int]) -> None:
        try:
            with self._answering("remove documents"):
                self.client.delete(self.index_name, [str(pk) for pk in ids], refresh=True)
        finally:
            self._index_changed()

    def indexed_ids(self) -> set[int]:
        with self._answering("list documents"):
            return {int(pk) for pk in self.client.scan_ids(self.index_name)}

    # --- Searching --------------------------------------------------------------------------

    def _prepared(self, request: SearchRequest, asked: Asked) -> "_Prepared":
        """The bodies of one search: a ranking of the page (query, filters, order, page) and, unless its total
        and counts were cached, a count of every match with the facet aggregations (size 0). Two bodies, not
        one: with aggregations in the ranking request the server scores every match in full (at 100k courses
        the pinyin initials "ls" took 74 ms so, against 33 + 9 ms for the two halves, decision 0019)."""
        today = timezone.localdate()
        query = server_query.query(request, asked.parsed, match_any=asked.match_any, today=today)
        counting = {"query": query, "size": 0, "track_total_hits": True}
        if request.with_facets and not asked.count_only:
            counting["aggs"] = server_query.aggregations(request, today)
        if asked.count_only:
            return _Prepared([counting], request, asked, "", None)
        if asked.counted is not None:  # known: nothing to look up in the shared cache, nothing to keep there
            key, counted = "", (asked.counted.total, asked.counted.facets)
        else:
            key = self._counts_key(counting)
            counted = cache.get(key) if key else None
        if not asked.ranked:
            return _Prepared([] if counted is not None else [counting], request, asked, key, counted)
        sort = self._sort(request, asked.parsed)
        ranking = {
            "query": query,
            **({"sort": sort} if sort else {}),
            "from": (request.page - 1) * request.page_size,
            "size": request.page_size,
            "_source": False,
            # Counting stays on with the nested sort: without it, OpenSearch 2.19 skips documents through the
            # nested field's doc values, which cannot (UnsupportedOperationException, HTTP 500).
            "track_total_hits": bool(sort) and sort is not NEWEST_FIRST,
        }
        # The ranking alone when the counts are cached, or when it counts anyway and no facets are asked (the
        # catalogue's listing, in "soonest" order).
        alone = counted is not None or (ranking["track_total_hits"] and "aggs" not in counting)
        bodies = [ranking] if alone else [ranking, counting]
        return _Prepared(bodies, request, asked, key, counted)

    @staticmethod
    def _sort(request: SearchRequest, parsed: ParsedQuery) -> list | None:
        """The order of a ranking: relevance (the server's default) unless asked, or without words."""
        if request.sort == Sort.NEWEST:
            return NEWEST_FIRST
        if request.sort == Sort.SOONEST or not parsed:
            today = timezone.localdate().isoformat()
            soonest = {
                "order": "asc",
                "mode": "min",
                "missing": "_last",
                "nested": {"path": "occurrences", "filter": {"range": {"occurrences.ends_on": {"gte": today}}}},
            }
            return [{"occurrences.starts_on": soonest}, "_score"]
        return None

    def _counts_key(self, body: dict) -> str:
        """Everything the total and the counts depend on — the query, filters and aggregations as sent, which
        hold today's date — and the index's generation; hashed (the words may hold a name or a phone number).
        Empty (nothing cached) when turned off or the shared cache cannot say the generation."""
        if not self.counts_cache_seconds:
            return ""
        generation = self._generation()
        if not generation:
            return ""
        asked = json.dumps({k: body.get(k) for k in ("query", "aggs", "post_filter")}, sort_keys=True, default=str)
        digest = hashlib.sha256(f"{self.index_name}\n{asked}".encode()).hexdigest()
        return f"search:server-counts:{generation}:{digest}"

    def _generation(self) -> str:
        """A random token replaced whenever this engine changes its index (index, remove, re-index, clear), in
        the shared cache: counts cached under an earlier token are never read again."""
        key = f"{GENERATION_KEY}:{self.index_name}"
        generation = cache.get(key)
        if generation is None:
            cache.add(key, uuid.uuid4().hex, timeout=None)
            generation = cache.get(key) or ""
        return generation

    def _index_changed(self) -> None:
        cache.set(f"{GENERATION_KEY}:{self.index_name}", uuid.uuid4().hex, timeout=None)

    def _answer(self, prepared: "_Prepared", answers: list[dict]) -> EngineResult:
        """Read a search's answers: the ranking, then the count unless it was cached."""
        if prepared.asked.count_only:
            return EngineResult(ranked=[], total=answers[0]["hits"]["total"]["value"])
        ranked = []
        if prepared.asked.ranked:
            ranked = [(int(hit["_id"]), float(hit.get("_score") or 0)) for hit in answers[0]["hits"]["hits"]]
        if prepared.counted is not None:
            total, facets = prepared.counted
        else:
            counted = answers[-1]
            total = counted["hits"]["total"]["value"]
            facets = {}
            if prepared.request.with_facets:
                facets = self._facets(counted.get("aggregations", {}), type(prepared.request).FACETS)
            if prepared.key:
                cache.set(prepared.key, (total, facets), self.counts_cache_seconds)
        return EngineResult(ranked=ranked, total=total, facets=facets)

    def count(self, request: SearchRequest, parsed: ParsedQuery) -> int:
        return self.search_all(request, [Asked(parsed, count_only=True)])[0].total

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        return self.search_all(request, [Asked(parsed, match_any=match_any)])[0]

    def search_all(self, request: SearchRequest, asked: Sequence[Asked]) -> list[EngineResult]:
        """One round trip whatever the number of searches (a multi-search for several)."""
        prepared = [self._prepared(request, a) for a in asked]
        bodies = [body for p in prepared for body in p.bodies]
        with self._answering("search"):
            if not bodies:  # all known already (counts from the cache)
                answers = []
            elif len(bodies) == 1:
                answers = [self.client.search(self.index_name, bodies[0])]
            else:
                answers = self.client.msearch(self.index_name, bodies)
        results, position = [], 0
        for p in prepared:
            results.append(self._answer(p, answers[position : position + len(p.bodies)]))
            position += len(p.bodies)
        return results

    @staticmethod
    def _facets(aggregations: dict, names) -> dict:
        counted = server_query.facet_counts(aggregations, names)
        labels = facet_labels({(name, value) for name, values in counted.items() for value, _ in values})
        facets: dict = {
            name: [
                FacetValue(value=value, label=labels.get((name, value), value), count=count) for value, count in values
            ]
            for name, values in counted.items()
        }
        for name in ("free", "starts_within", "open_seats"):
            facets[name] = aggregations[name]["doc_count"]
        return facets


@dataclass
class _Prepared:
    """One search as it is sent, with what its answer is read with."""

    bodies: list[dict]  # what is sent: the ranking, then the count (unless cached); a count-only search: the count
    request: SearchRequest
    asked: Asked
    key: str  # where its total and counts are cached ("" when not)
    counted: tuple[int, dict] | None  # the cached total and counts, when found


class _Rebuild:
    """The new index a re-index fills: each batch is sent by a thread (as BULK_THREADS requests at once),
    with up to BULK_IN_FLIGHT batches on their way while the next is prepared."""

    def __init__(self, engine: ElasticsearchEngine, index: str):
        self.engine, self.index = engine, index
        self.sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-reindex")
        self.sending: deque[Future] = deque()
        self.failed = False

    def load(self, documents: Sequence[Document]) -> None:
        actions = self.engine._actions(documents, self.index)
        self._wait(at_most=BULK_IN_FLIGHT - 1)
        self.sending.append(self.sender.submit(self._send, actions))

    def _send(self, actions: list[dict]) -> None:
        with self.engine._answering("re-index documents"):
            self.engine.client.bulk(actions, refresh=False, threads=BULK_THREADS)

    def _wait(self, *, at_most: int) -> None:
        """Wait until at most `at_most` batches are on their way; a failed one fails the re-index (raised, so
        the re-index logs it)."""
        while len(self.sending) > at_most:
            try:
                self.sending.popleft().result()
            except Exception:
                self.failed = True
                raise

    def finish(self) -> bool:
        """Wait for the last batches; True when every batch reached the new index."""
        with suppress(Exception):  # logged by _answering (or by the re-index, for the batch it was told of)
            self._wait(at_most=0)
        return not self.failed


@lru_cache(maxsize=4)
def _engine(url: str, index: str, flavour: str, timeout: float, retry_after: float) -> ElasticsearchEngine:
    return ElasticsearchEngine(url, index, flavour=flavour, timeout=timeout, retry_after=retry_after)


def elasticsearch_engine(url: str) -> ElasticsearchEngine:
    return _engine(
        url,
        getattr(settings, "ELASTICSEARCH_INDEX", "jizhou-courses"),
        getattr(settings, "SEARCH_ENGINE_FLAVOUR", ""),
        float(getattr(settings, "SEARCH_TIMEOUT", 2.0)),
        float(getattr(settings, "SEARCH_RETRY_AFTER", 30)),
    )
