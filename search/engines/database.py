"""The default engine: SearchDocument rows with SQLite FTS5 or a PostgreSQL tsvector (GIN).

One ORM query carries the filters; the full-text match is added as raw SQL for the database vendor.
Occurrence facts (open for joining, starting soon, seats left, next start) are expressions the registered
source builds over its own tables, read live at query time, so they never go stale between re-indexes.

Broad queries were slow because every matching document was joined to its facet values and its classes
(docs/decisions/0013-search-words-and-facets.md). Two things keep a request's cost near the size of a page:
- Facets are counted exactly up to FACET_EXACT_LIMIT matches; above that over a fixed hash sample of about
  FACET_SAMPLE of them, scaled, and marked approximate (the page and the API say "about"). The total is
  always exact.
- Relevance order reads the live occurrence facts only for the candidates that can still reach the page:
  a document whose text score times the largest boost is below the page's last text score cannot.
- The total and the facet counts of a search (not its ranked page) are kept COUNTS_CACHE_SECONDS in the
  shared cache, for the next page and the next resident asking the same (docs/decisions/0018-search-request-
  cost.md): the key holds the index's generation, replaced whenever a document is indexed or removed, and the
  day, so a publish, a class change or a class filling up (which re-indexes its course) shows at once.
"""

import datetime
import hashlib
import uuid
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from search.analysis import ParsedQuery, Term, document_terms
from search.documents import Document
from search.engines.base import FACET_STARTS_WITHIN_DEFAULT, OPEN_OCCURRENCE_BOOST, EngineResult, SearchEngine
from search.models import SearchDocument, SearchFacet
from search.query import FacetValue, SearchRequest, Sort
from search.registry import registered_source

# Title ≫ keywords > summary > body.
SQLITE_WEIGHTS = (10.0, 5.0, 2.5, 1.0)
POSTGRES_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A
DOCUMENT = OuterRef("pk")
# Above this many matches, facet counts come from a sample of about FACET_SAMPLE (the module's docstring);
# DatabaseEngine reads them as class attributes, so a test can lower them.
FACET_EXACT_LIMIT = 2000
FACET_SAMPLE = 1000
# Multiplicative hashing (Knuth) spreads ids evenly over 0..2^32, whatever their order or step: ids given
# in turn to ten schools (id % 10) are sampled as evenly as any others.
_HASH_MULTIPLIER = 2654435761
_HASH_SPACE = 2**32
# Below this many matches, ranking them all costs less than the extra query that bounds the candidates.
RANK_ALL_LIMIT = 500
# Totals and facet counts of identical searches (the module's docstring); 0 turns the cache off.
COUNTS_CACHE_SECONDS = 60
_GENERATION_KEY = "search:database-index-generation"


def index_generation() -> str:
    """A token replaced whenever the database index changes (random, so a token evicted from the cache and
    made again can never bring back counts cached under an earlier one)."""
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        cache.add(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(_GENERATION_KEY) or ""
    return generation


def index_changed() -> None:
    cache.set(_GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _index_changed_now_and_on_commit() -> None:
    """Now, so this transaction's own reads do not see old counts; and after commit, so that counts another
    request cached from the rows before the commit are not kept."""
    index_changed()
    transaction.on_commit(index_changed, robust=True)


def _scaled(value, factor: float):
    """A count (or a facet's value counts) from a sample, scaled to all matches: two significant digits,
    never below 1 for a value that was seen (an approximate count claims no more precision than it has)."""
    if isinstance(value, list):
        return [replace(v, count=_scaled(v.count, factor)) for v in value]
    if not value:
        return 0
    scaled = value * factor
    digits = max(0, len(str(int(scaled))) - 2)
    return max(1, int(round(scaled, -digits)))


def _fts5_term(term: Term) -> str:
    return '"' + term.text.replace('"', '""') + '"' + ("*" if term.prefix else "")


def _tsquery_term(term: Term) -> str:
    return "'" + term.text.replace("'", "") + "'" + (":*" if term.prefix else "")


def render(parsed: ParsedQuery, *, vendor: str, match_any: bool) -> str:
    """The query in FTS5 MATCH syntax or PostgreSQL to_tsquery syntax. Terms are quoted: no operator
    a resident types (" * NEAR OR :) can reach the database as syntax."""
    term = _fts5_term if vendor == "sqlite" else _tsquery_term
    and_, or_ = (" AND ", " OR ") if vendor == "sqlite" else (" & ", " | ")
    groups = []
    for group in parsed.groups:
        alternatives = ["(" + and_.join(term(t) for t in alt) + ")" for alt in group.alternatives]
        groups.append("(" + or_.join(alternatives) + ")")
    return (or_ if match_any else and_).join(groups)


@contextmanager
def _index_plans(parsed: ParsedQuery):
    """On PostgreSQL, keep the full-text match on the GIN index. The planner prices testing a row's stored
    tsvector as cheap, but each is de-TOASTed first: with a few synonyms OR'ed in, it chose to scan the whole
    table (240 ms at 10k courses on a busy machine) over the index (17 ms). For a query with words, sequential
    scans are off for this transaction only (SET LOCAL ends with it)."""
    if connection.vendor != "postgresql" or not parsed:
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


class DatabaseEngine(SearchEngine):
    name = "database"
    facet_exact_limit = FACET_EXACT_LIMIT
    facet_sample = FACET_SAMPLE
    rank_all_limit = RANK_ALL_LIMIT
    counts_cache_seconds = COUNTS_CACHE_SECONDS

    # --- Indexing ---------------------------------------------------------------------------

    def index(self, documents: Sequence[Document]) -> None:
        """Replace the documents (bulk statements, one transaction: a document is never missing)."""
        rows = [
            SearchDocument(
                id=document.id,
                **document_terms(document),
                title=document.title[:255],
                fee=document.fee,
                published_at=document.published_at,
            )
            for document in documents
        ]
        facets = [
            SearchFacet(
                document_id=document.id,
                facet=name,
                value=choice.value[:100],
                label=choice.label[:255],
                sort=choice.sort[:255],
            )
            for document in documents
            for name, choices in document.facets.items()
            for choice in {c.value: c for c in choices}.values()
        ]
        with transaction.atomic():
            SearchDocument.objects.filter(id__in=[row.id for row in rows]).delete()
            SearchDocument.objects.bulk_create(rows)
            SearchFacet.objects.bulk_create(facets)
            _index_changed_now_and_on_commit()

    def remove(self, ids: Sequence[int]) -> None:
        with transaction.atomic():
            SearchDocument.objects.filter(id__in=list(ids)).delete()
            _index_changed_now_and_on_commit()

    def indexed_ids(self) -> set[int]:
        return set(SearchDocument.objects.values_list("id", flat=True))

    # --- Searching --------------------------------------------------------------------------

    @staticmethod
    def _filtered(request: SearchRequest, today: datetime.date) -> QuerySet[SearchDocument]:
        source = registered_source()
        docs = SearchDocument.objects.all()
        for name, value in request.facet_filters().items():
            # EXISTS, probing the (document, facet, value) index for each match: `pk IN (…)` made SQLite build
            # the list of every document with that value (half the catalogue for a category) on each query.
            docs = docs.filter(Exists(SearchFacet.objects.filter(document=DOCUMENT, facet=name, value=value)))
        if request.free:
            docs = docs.filter(fee=0)
        if request.starts_within:
            docs = docs.filter(source.starting_within(today=today, days=request.starts_within, document=DOCUMENT))
        if request.open_seats:
            docs = docs.filter(source.with_open_seats(today=today, document=DOCUMENT))
        return docs

    @staticmethod
    def _matched(docs: QuerySet, parsed: ParsedQuery, match_any: bool) -> tuple[QuerySet, RawSQL]:
        """The documents matching the words, and their text score (higher is better on every vendor)."""
        vendor = connection.vendor
        expression = render(parsed, vendor=vendor, match_any=match_any)
        if vendor == "sqlite":
            docs = docs.extra(
                tables=["course_search_fts"],
                # The unary + keeps SQLite from probing the FTS table once per document (one MATCH per
                # row, seconds on 10k courses): the full-text match runs once and drives the join.
                where=[
                    "+course_search_fts.rowid = course_search_searchdocument.id",
                    "course_search_fts MATCH %s",
                ],
                params=[expression],
            )
            weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
            # bm25 is smaller for better matches; negate so that higher is better on every engine.
            score = RawSQL(f"-bm25(course_search_fts, {weights})", (), output_field=FloatField())  # noqa: S611
        elif vendor == "postgresql":
            docs = docs.extra(
                where=["course_search_searchdocument.search_vector @@ to_tsquery('simple', %s)"],
                params=[expression],
            )
            score = RawSQL(  # noqa: S611 — the only parameter is bound
                f"ts_rank('{POSTGRES_WEIGHTS}', course_search_searchdocument.search_vector, to_tsquery('simple', %s))",
                (expression,),
                output_field=FloatField(),
            )
        else:  # pragma: no cover — settings only allow SQLite and PostgreSQL
            raise NotImplementedError(vendor)
        return docs, score

    def count(self, request: SearchRequest, parsed: ParsedQuery) -> int:
        with _index_plans(parsed):
            return self._matched(self._filtered(request, timezone.localdate()), parsed, False)[0].count()

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        with _index_plans(parsed):
            return self._search(request, parsed, match_any=match_any)

    def _search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool) -> EngineResult:
        source = registered_source()
        today = timezone.localdate()
        docs = self._filtered(request, today)
        if parsed:
            docs, text_score = self._matched(docs, parsed, match_any)
        else:
            text_score = Value(1.0, output_field=FloatField())
        key = self._counts_key(request, parsed, match_any=match_any, today=today) if self.counts_cache_seconds else ""
        counted = cache.get(key) if key else None
        if counted is None:
            total = docs.count()
            facets, approximate = {}, False
            if request.with_facets and total:
                facets, approximate = self._counted_facets(request, docs, total, today)
            if key:
                cache.set(key, (total, facets, approximate), self.counts_cache_seconds)
        else:
            total, facets, approximate = counted
        if not total:
            return EngineResult(ranked=[], total=0, facets=facets)

        boost = Case(
            When(source.open_now(today=today, document=DOCUMENT), then=Value(OPEN_OCCURRENCE_BOOST)),
            default=Value(1.0),
            output_field=FloatField(),
        )
        start = (request.page - 1) * request.page_size
        if parsed and request.sort == Sort.RELEVANCE and total > max(self.rank_all_limit, start + request.page_size):
            docs = self._rank_candidates(docs, text_score, start + request.page_size)
        ranked = docs.annotate(
            text_score=text_score,
            score=F("text_score") * boost,
            next_start=source.next_start(today=today, document=DOCUMENT),
        )
        if request.sort == Sort.NEWEST:
            order = [F("published_at").desc(nulls_last=True), "-score"]
        elif not parsed:
            # Without words, the catalogue's own order: soonest occurrence, then newest.
            order = [F("next_start").asc(nulls_last=True), F("published_at").desc(nulls_last=True)]
        elif request.sort == Sort.SOONEST:
            order = [F("next_start").asc(nulls_last=True), "-score", F("published_at").desc(nulls_last=True)]
        else:
            order = ["-score", F("next_start").asc(nulls_last=True)]
        rows = ranked.order_by(*order, "pk").values_list("pk", "score")[start : start + request.page_size]
        return EngineResult(
            ranked=[(pk, float(score or 0)) for pk, score in rows],
            total=total,
            facets=facets,
            facets_approximate=approximate,
        )

    def _counts_key(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool, today: datetime.date) -> str:
        """Everything the total and the counts depend on except the page and the order; hashed, since the words
        may hold a name or a phone number. Empty (nothing cached) when the shared cache cannot say the generation."""
        generation = index_generation()
        if not generation:
            return ""
        asked = (
            connection.vendor,
            type(request).__qualname__,
            sorted(request.facet_filters().items()),
            request.free,
            request.starts_within,
            request.open_seats,
            request.with_facets,
            render(parsed, vendor=connection.vendor, match_any=match_any) if parsed else "",
            today.isoformat(),
            self.facet_exact_limit,
            self.facet_sample,
        )
        digest = hashlib.sha256(repr(asked).encode()).hexdigest()
        return f"search:counts:{generation}:{digest}"

    @staticmethod
    def _rank_candidates(docs: QuerySet, text_score: RawSQL, needed: int) -> QuerySet:
        """The documents that can still rank among the first `needed`: the boost for an open occurrence
        multiplies a text score by at most OPEN_OCCURRENCE_BOOST, so a document whose text score times
        that is below the `needed`-th best text score stays below at least `needed` others. Exact, and
        it keeps the live occurrence facts (subqueries per document) off the long tail of a broad query."""
        scored = docs.annotate(text_score=text_score)
        cutoff = scored.order_by("-text_score").values_list("text_score", flat=True)[needed - 1 : needed]
        cutoff = next(iter(cutoff), None)
        if cutoff is None or cutoff <= 0:
            return docs
        # The small margin keeps documents whose bound equals the cutoff, whatever the float rounding.
        return scored.filter(text_score__gte=cutoff / OPEN_OCCURRENCE_BOOST * (1 - 1e-9))

    def _counted_facets(
        self, request: SearchRequest, docs: QuerySet, total: int, today: datetime.date
    ) -> tuple[dict[str, list[FacetValue] | int], bool]:
        """Facet value counts and the yes/no counts among `docs`: exact up to FACET_EXACT_LIMIT matches,
        else over a hash sample of about FACET_SAMPLE of them, scaled to `total` (approximate)."""
        source = registered_source()
        approximate = total > self.facet_exact_limit
        counted = docs
        if approximate:
            threshold = int(_HASH_SPACE * self.facet_sample / total)
            counted = docs.alias(
                # The % operator, not Mod(): native on both vendors (SQLite's MOD() is a Python callback).
                sample_hash=ExpressionWrapper(F("pk") * _HASH_MULTIPLIER % _HASH_SPACE, output_field=BigIntegerField())
            ).filter(sample_hash__lt=threshold)
        days = request.starts_within or FACET_STARTS_WITHIN_DEFAULT
        flags = counted.aggregate(
            sampled=Count("pk"),
            free=Count("pk", filter=Q(fee=0)),
            starts_within=Count("pk", filter=source.starting_within(today=today, days=days, document=DOCUMENT)),
            open_seats=Count("pk", filter=source.with_open_seats(today=today, document=DOCUMENT)),
        )
        sampled = flags.pop("sampled")
        if not sampled:
            return {}, approximate
        facets = {**self._facets(counted, type(request).FACETS), **flags}
        if approximate:
            facets = {name: _scaled(value, total / sampled) for name, value in facets.items()}
        return facets, approximate

    @staticmethod
    def _facets(docs: QuerySet, names: Sequence[str]) -> dict[str, list[FacetValue]]:
        """Every facet's values among `docs` with their counts, in one query: most documents first, then
        the source's order for equal counts."""
        rows = (
            docs.filter(facets__facet__in=names)
            .values("facets__facet", "facets__value")
            .annotate(n=Count("pk"), label=Max("facets__label"), sort=Max("facets__sort"))
            .order_by()
        )
        facets: dict[str, list[tuple]] = {name: [] for name in names}
        for row in rows:
            facets[row["facets__facet"]].append((-row["n"], row["sort"], row["facets__value"], row["label"]))
        return {
            name: [FacetValue(value=value, label=label, count=-n) for n, _sort, value, label in sorted(values)]
            for name, values in facets.items()
        }
