"""The default engine: SearchDocument rows with SQLite FTS5 or a PostgreSQL tsvector (GIN).

One ORM query carries the filters; the full-text match is added as raw SQL for the database vendor.
Occurrence facts (open for joining, starting soon, seats left, next start) are expressions the registered
source builds over its own tables, read live at query time, so they never go stale between re-indexes.
"""

import datetime
from collections.abc import Sequence

from django.db import connection, transaction
from django.db.models import Case, Count, F, FloatField, Max, OuterRef, Q, QuerySet, Value, When
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


class DatabaseEngine(SearchEngine):
    name = "database"

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

    def remove(self, ids: Sequence[int]) -> None:
        SearchDocument.objects.filter(id__in=list(ids)).delete()

    def indexed_ids(self) -> set[int]:
        return set(SearchDocument.objects.values_list("id", flat=True))

    # --- Searching --------------------------------------------------------------------------

    @staticmethod
    def _filtered(request: SearchRequest, today: datetime.date) -> QuerySet[SearchDocument]:
        source = registered_source()
        docs = SearchDocument.objects.all()
        for name, value in request.facet_filters().items():
            docs = docs.filter(pk__in=SearchFacet.objects.filter(facet=name, value=value).values("document_id"))
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
        return self._matched(self._filtered(request, timezone.localdate()), parsed, False)[0].count()

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        source = registered_source()
        today = timezone.localdate()
        docs = self._filtered(request, today)
        if parsed:
            docs, text_score = self._matched(docs, parsed, match_any)
        else:
            text_score = Value(1.0, output_field=FloatField())
        facets = {}
        if request.with_facets:
            # One aggregate gives the total and the yes/no counts; the value lists follow only if any.
            days = request.starts_within or FACET_STARTS_WITHIN_DEFAULT
            flags = docs.aggregate(
                total=Count("pk"),
                free=Count("pk", filter=Q(fee=0)),
                starts_within=Count("pk", filter=source.starting_within(today=today, days=days, document=DOCUMENT)),
                open_seats=Count("pk", filter=source.with_open_seats(today=today, document=DOCUMENT)),
            )
            total = flags.pop("total")
            if total:
                facets = {**self._facets(docs, type(request).FACETS), **flags}
        else:
            total = docs.count()
        if not total:
            return EngineResult(ranked=[], total=0, facets=facets)

        boost = Case(
            When(source.open_now(today=today, document=DOCUMENT), then=Value(OPEN_OCCURRENCE_BOOST)),
            default=Value(1.0),
            output_field=FloatField(),
        )
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
        start = (request.page - 1) * request.page_size
        rows = ranked.order_by(*order, "pk").values_list("pk", "score")[start : start + request.page_size]
        return EngineResult(ranked=[(pk, float(score or 0)) for pk, score in rows], total=total, facets=facets)

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
