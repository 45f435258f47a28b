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
On PostgreSQL (docs/decisions/0020-search-on-postgresql.md) the search's statements run without JIT, a filter
that probes other tables reads the matching ids once for every later statement, and facets are counted from
the matching rows' own facet_keys; both vendors rank only the candidates that can reach the page.
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
# The bounding query reads the ids of at most this many leading matches; when the candidates are all among
# them, the ranking statement reads only those rows (decision 0020).
RANK_CANDIDATES_READ = 1000
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


# SearchDocument.facet_keys: one line per facet value, its four parts joined by the unit separator.
_KEY_SEPARATOR = "\x1f"
_KEY_UNSAFE = str.maketrans({"\x1f": " ", "\n": " ", "\r": " "})


def facet_keys(facets: Sequence[SearchFacet]) -> str:
    return "\n".join(
        _KEY_SEPARATOR.join(part.translate(_KEY_UNSAFE) for part in (f.facet, f.value, f.label, f.sort)) for f in facets
    )


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
    """On PostgreSQL, plans for a search request's short statements, for this transaction only (SET LOCAL
    ends with it), set in one round trip:
    - JIT compilation off. A broad match is priced above `jit_above_cost`, and so is any plan once sequential
      scans are off (each one left costs 10^10): compiling took 30–65 ms of a 200 ms ranking statement at 10k
      courses (EXPLAIN ANALYZE, docs/decisions/0020-search-on-postgresql.md) and saved nothing.
    - For a query with words, keep the full-text match on the GIN index. The planner prices testing a row's
      stored tsvector as cheap, but each is de-TOASTed first: with a few synonyms OR'ed in, it chose to scan
      the whole table (240 ms at 10k courses on a busy machine) over the index (17 ms)."""
    if connection.vendor != "postgresql":
        yield
        return
    settings = "set_config('jit', 'off', true)"
    if parsed:
        settings += ", set_config('enable_seqscan', 'off', true)"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT {settings}")  # noqa: S608 — constant text
        yield


def _facet_rows_from_keys(docs: QuerySet, names: Sequence[str]) -> list[tuple[str, str, int, str, str]]:
    """(facet, value, documents, label, sort) among `docs`, counted from each matching row's facet_keys: the
    rows the match already reads, no join. Joined to SearchFacet, the planner read all its rows (55,000 at 10k
    courses) to hash them, or probed them per match: 25–60 ms (decision 0020). The label and sort are the
    greatest seen, as MAX() gave."""
    sql, params = docs.values_list("facet_keys").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, COUNT(*) FROM (" + sql + ") AS matched,"  # noqa: S608 — the ORM's own SQL, bound params
            " unnest(string_to_array(matched.facet_keys, E'\\n')) AS key GROUP BY key",
            params,
        )
        counted = cursor.fetchall()
    merged: dict[tuple[str, str], list] = {}
    wanted = set(names)
    for key, n in counted:
        facet, value, label, sort = key.split(_KEY_SEPARATOR)
        if facet not in wanted:
            continue
        row = merged.setdefault((facet, value), [0, label, sort])
        row[0] += n
        row[1], row[2] = max(row[1], label), max(row[2], sort)
    return [(facet, value, n, label, sort) for (facet, value), (n, label, sort) in merged.items()]


class DatabaseEngine(SearchEngine):
    name = "database"
    facet_exact_limit = FACET_EXACT_LIMIT
    facet_sample = FACET_SAMPLE
    rank_all_limit = RANK_ALL_LIMIT
    rank_candidates_read = RANK_CANDIDATES_READ
    counts_cache_seconds = COUNTS_CACHE_SECONDS

    # --- Indexing ---------------------------------------------------------------------------

    def index(self, documents: Sequence[Document]) -> None:
        """Replace the documents (bulk statements, one transaction: a document is never missing)."""
        facets_of = {
            document.id: [
                SearchFacet(
                    document_id=document.id,
                    facet=name,
                    value=choice.value[:100],
                    label=choice.label[:255],
                    sort=choice.sort[:255],
                )
                for name, choices in document.facets.items()
                for choice in {c.value: c for c in choices}.values()
            ]
            for document in documents
        }
        rows = [
            SearchDocument(
                id=document.id,
                **document_terms(document),
                title=document.title[:255],
                fee=document.fee,
                published_at=document.published_at,
                facet_keys=facet_keys(facets_of[document.id]),
            )
            for document in documents
        ]
        facets = [facet for document_facets in facets_of.values() for facet in document_facets]
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
    def _probes_rows(request: SearchRequest) -> bool:
        """Whether `_filtered` tests each document against other tables (facet values, classes)."""
        return bool(request.facet_filters() or request.starts_within or request.open_seats)

    @staticmethod
    def _matched(docs: QuerySet, parsed: ParsedQuery, match_any: bool, *, as_set: bool) -> tuple[QuerySet, RawSQL]:
        """The documents matching the words, and their text score (higher is better on every vendor).
        `as_set` (PostgreSQL): the match is an id set read from the GIN index once (OFFSET 0 keeps the planner
        from folding it back in), for queries whose other filters probe other tables: the planner misjudges how
        many documents a tsquery matches and otherwise starts from the facet or class rows and tests each
        candidate's tsvector, de-TOASTing it (27–72 ms for a category and open seats at 10k courses, 10 ms as
        a set; decision 0020). Without such filters the direct test on the GIN index is cheaper."""
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
            match = "course_search_searchdocument.search_vector @@ to_tsquery('simple', %s)"
            if as_set:
                match = (
                    "course_search_searchdocument.id IN (SELECT matched.id FROM course_search_searchdocument matched"
                    " WHERE matched.search_vector @@ to_tsquery('simple', %s) OFFSET 0)"
                )
            docs = docs.extra(where=[match], params=[expression])  # noqa: S610 — constant SQL, the words bound
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
            docs = self._filtered(request, timezone.localdate())
            return self._matched(docs, parsed, False, as_set=self._probes_rows(request))[0].count()

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        with _index_plans(parsed):
            return self._search(request, parsed, match_any=match_any)

    def _search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool) -> EngineResult:
        source = registered_source()
        today = timezone.localdate()
        docs = self._filtered(request, today)
        if parsed:
            probes = self._probes_rows(request)
            docs, text_score = self._matched(docs, parsed, match_any, as_set=probes)
            if probes and connection.vendor == "postgresql":
                docs = self._read_once(docs)
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
        next_start = source.next_start(today=today, document=DOCUMENT)
        if parsed and total > max(self.rank_all_limit, start + request.page_size):
            if request.sort == Sort.RELEVANCE:
                docs = self._rank_candidates(docs, text_score, start + request.page_size)
            elif request.sort == Sort.SOONEST:
                docs = self._soonest_candidates(docs, next_start, start + request.page_size)
        ranked = docs.annotate(text_score=text_score, score=F("text_score") * boost, next_start=next_start)
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

    def _rank_candidates(self, docs: QuerySet, text_score: RawSQL, needed: int) -> QuerySet:
        """The documents that can still rank among the first `needed`: the boost for an open occurrence
        multiplies a text score by at most OPEN_OCCURRENCE_BOOST, so a document whose text score times
        that is below the `needed`-th best text score stays below at least `needed` others. Exact, and
        it keeps the live occurrence facts (subqueries per document) off the long tail of a broad query."""
        leading = list(
            docs.annotate(text_score=text_score)
            .order_by("-text_score", "pk")
            .values_list("pk", "text_score")[: max(needed, self.rank_candidates_read)]
        )
        cutoff = leading[needed - 1][1] if len(leading) >= needed else None
        if cutoff is None or cutoff <= 0:
            return docs
        # The small margin keeps documents whose bound equals the cutoff, whatever the float rounding.
        bound = cutoff / OPEN_OCCURRENCE_BOOST * (1 - 1e-9)
        if leading[-1][1] < bound or len(leading) < self.rank_candidates_read:
            return self._only(docs, [pk for pk, score in leading if score >= bound])
        return docs.annotate(text_score=text_score).filter(text_score__gte=bound)

    def _soonest_candidates(self, docs: QuerySet, next_start, needed: int) -> QuerySet:
        """The documents that can still reach the first `needed` in the "soonest" order: those starting no
        later than the `needed`-th next start (the text score only orders equal starts). Reading the starts
        alone never reads a document's text; only the candidates are scored. All matches when the page
        reaches documents with no next start (they tie)."""
        leading = list(
            docs.annotate(next_start=next_start)
            .order_by(F("next_start").asc(nulls_last=True), "pk")
            .values_list("pk", "next_start")[: max(needed, self.rank_candidates_read)]
        )
        last = leading[needed - 1][1] if len(leading) >= needed else None
        if last is None:
            return docs
        if leading[-1][1] is None or leading[-1][1] > last or len(leading) < self.rank_candidates_read:
            return self._only(docs, [pk for pk, first in leading if first is not None and first <= last])
        return docs.alias(first_start=next_start).filter(first_start__lte=last)

    @staticmethod
    def _read_once(docs: QuerySet) -> QuerySet:
        """PostgreSQL, words and filters that probe other tables: the matching ids, read once, as the documents
        every later statement (total, counts, ranking) reads by primary key. Each of those statements otherwise
        matched the words and joined the facet and class rows again (15–25 ms each at 10k courses; decision
        0020); an array of ids is one parameter however many there are."""
        ids = list(docs.values_list("pk", flat=True))
        return SearchDocument.objects.extra(  # noqa: S610 — constant SQL, the ids bound
            where=["course_search_searchdocument.id = ANY(%s::bigint[])"], params=[ids]
        )

    @staticmethod
    def _only(docs: QuerySet, ids: list[int]) -> QuerySet:
        """These matches of `docs`, by id. On PostgreSQL the ids alone: they already passed the match and the
        filters, and the planner otherwise re-tests the match and the filters row by row; ts_rank needs only
        the row's tsvector. SQLite's bm25 needs the MATCH in the same statement, so its query keeps it."""
        if connection.vendor == "postgresql":
            return SearchDocument.objects.filter(pk__in=ids)
        return docs.filter(pk__in=ids)

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
        if connection.vendor == "postgresql":
            rows = _facet_rows_from_keys(docs, names)
        else:
            rows = (
                docs.filter(facets__facet__in=names)
                .values_list("facets__facet", "facets__value")
                .annotate(n=Count("pk"), label=Max("facets__label"), sort=Max("facets__sort"))
                .order_by()
            )
        facets: dict[str, list[tuple]] = {name: [] for name in names}
        for facet, value, n, label, sort in rows:
            facets[facet].append((-n, sort, value, label))
        return {
            name: [FacetValue(value=value, label=label, count=-n) for n, _sort, value, label in sorted(values)]
            for name, values in facets.items()
        }
