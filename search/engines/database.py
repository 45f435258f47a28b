"""The default engine: SearchDocument rows with SQLite FTS5 or a PostgreSQL tsvector (GIN).

One ORM query carries the filters; the full-text match is added as raw SQL for the database vendor.
Class-dependent facts (open for enrolment, starting soon, seats left) are read live from the classes,
so they never go stale between re-indexes.
"""

import datetime

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from courses.models import CourseClass, ProviderPage
from search.analysis import ParsedQuery, Term
from search.documents import CourseFacts
from search.engines.base import FACET_STARTS_WITHIN_DEFAULT, EngineResult, SearchEngine
from search.models import SearchDocument
from search.query import FacetValue, SearchRequest, Sort

OPEN_CLASS_BOOST = 1.5
# Title ≫ keywords > summary > body.
SQLITE_WEIGHTS = (10.0, 5.0, 2.5, 1.0)
POSTGRES_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A


def open_classes(today: datetime.date) -> QuerySet[CourseClass]:
    """Classes a resident can enrol in today (CourseClass.is_open_for_enrolment, as a query)."""
    return CourseClass.objects.filter(
        Q(enrol_opens__isnull=True) | Q(enrol_opens__lte=today),
        Q(enrol_closes__gte=today) | Q(enrol_closes__isnull=True, starts_on__gte=today),
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


class DatabaseEngine(SearchEngine):
    name = "database"

    # --- Indexing ---------------------------------------------------------------------------

    def index(self, facts: CourseFacts) -> None:
        with transaction.atomic():
            document, _ = SearchDocument.objects.update_or_create(
                course_id=facts.id,
                defaults={
                    **facts.terms(),
                    "title": facts.title[:255],
                    "category_id": facts.category_id,
                    "provider_id": facts.provider_id,
                    "form": facts.form,
                    "fee": facts.fee,
                    "published_at": facts.published_at,
                },
            )
            document.audiences.set(facts.audience_ids)
            document.towns.set(facts.town_ids)

    def index_many(self, facts_list: list[CourseFacts]) -> None:
        """Replace the documents of many courses at once (bulk statements; used by search_reindex)."""
        ids = [facts.id for facts in facts_list]
        documents = [
            SearchDocument(
                course_id=facts.id,
                **facts.terms(),
                title=facts.title[:255],
                category_id=facts.category_id,
                provider_id=facts.provider_id,
                form=facts.form,
                fee=facts.fee,
                published_at=facts.published_at,
            )
            for facts in facts_list
        ]
        audiences = SearchDocument.audiences.through
        towns = SearchDocument.towns.through
        with transaction.atomic():
            SearchDocument.objects.filter(course_id__in=ids).delete()
            SearchDocument.objects.bulk_create(documents)
            audiences.objects.bulk_create(
                [audiences(searchdocument_id=f.id, audience_id=a) for f in facts_list for a in f.audience_ids]
            )
            towns.objects.bulk_create(
                [towns(searchdocument_id=f.id, town_id=t) for f in facts_list for t in f.town_ids]
            )

    def remove(self, course_id: int) -> None:
        SearchDocument.objects.filter(course_id=course_id).delete()

    def indexed_ids(self) -> set[int]:
        return set(SearchDocument.objects.values_list("course_id", flat=True))

    # --- Searching --------------------------------------------------------------------------

    def _filtered(self, request: SearchRequest, today: datetime.date) -> QuerySet[SearchDocument]:
        docs = SearchDocument.objects.all()
        if request.category:
            docs = docs.filter(category__slug=request.category)
        if request.audience:
            docs = docs.filter(audiences__slug=request.audience)
        if request.form:
            docs = docs.filter(form=request.form)
        if request.provider:
            docs = docs.filter(provider_id=request.provider)
        if request.town:
            docs = docs.filter(towns__slug=request.town)
        if request.free:
            docs = docs.filter(fee=0)
        if request.starts_within:
            docs = docs.filter(Exists(self._starting_within(today, request.starts_within)))
        if request.open_seats:
            docs = docs.filter(Exists(self._with_seats(today)))
        return docs

    @staticmethod
    def _starting_within(today: datetime.date, days: int):
        return CourseClass.objects.filter(
            course_id=OuterRef("course_id"),
            starts_on__gte=today,
            starts_on__lte=today + datetime.timedelta(days=days),
        )

    @staticmethod
    def _with_seats(today: datetime.date):
        return open_classes(today).filter(course_id=OuterRef("course_id"), seats_taken__lt=F("capacity"))

    def _matched(self, docs: QuerySet, parsed: ParsedQuery, match_any: bool) -> QuerySet:
        vendor = connection.vendor
        expression = render(parsed, vendor=vendor, match_any=match_any)
        if vendor == "sqlite":
            docs = docs.extra(
                tables=["course_search_fts"],
                # The unary + keeps SQLite from probing the FTS table once per document (one MATCH per
                # row, seconds on 10k courses): the full-text match runs once and drives the join.
                where=[
                    "+course_search_fts.rowid = course_search_searchdocument.course_id",
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
        return docs.annotate(text_score=score)

    def count(self, request: SearchRequest, parsed: ParsedQuery) -> int:
        return self._matched(self._filtered(request, timezone.localdate()), parsed, False).count()

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        today = timezone.localdate()
        docs = self._filtered(request, today)
        if parsed:
            docs = self._matched(docs, parsed, match_any)
        else:
            docs = docs.annotate(text_score=Value(1.0, output_field=FloatField()))
        facets = {}
        if request.with_facets:
            # One aggregate gives the total and the yes/no counts; the value lists follow only if any.
            days = request.starts_within or FACET_STARTS_WITHIN_DEFAULT
            flags = docs.aggregate(
                total=Count("course_id"),
                free=Count("course_id", filter=Q(fee=0)),
                starts_within=Count("course_id", filter=Exists(self._starting_within(today, days))),
                open_seats=Count("course_id", filter=Exists(self._with_seats(today))),
            )
            total = flags.pop("total")
            if total:
                facets = {**self._facets(docs), **flags}
        else:
            total = docs.count()
        if not total:
            return EngineResult(ranked=[], total=0, facets=facets)

        has_open = Exists(open_classes(today).filter(course_id=OuterRef("course_id")))
        next_start = Subquery(
            CourseClass.objects.filter(course_id=OuterRef("course_id"), ends_on__gte=today)
            .values("course_id")
            .annotate(first=Min("starts_on"))
            .values("first")[:1]
        )
        ranked = docs.annotate(
            score=F("text_score")
            * Case(When(has_open, then=Value(OPEN_CLASS_BOOST)), default=Value(1.0), output_field=FloatField()),
            next_start=next_start,
        )
        if request.sort == Sort.NEWEST:
            order = [F("published_at").desc(nulls_last=True), "-score"]
        elif not parsed:
            # Without words, the catalogue's own order: soonest class, then newest.
            order = [F("next_start").asc(nulls_last=True), F("published_at").desc(nulls_last=True)]
        elif request.sort == Sort.SOONEST:
            order = [F("next_start").asc(nulls_last=True), "-score", F("published_at").desc(nulls_last=True)]
        else:
            order = ["-score", F("next_start").asc(nulls_last=True)]
        start = (request.page - 1) * request.page_size
        rows = ranked.order_by(*order, "course_id").values_list("course_id", "score")[start : start + request.page_size]
        return EngineResult(ranked=[(pk, float(score or 0)) for pk, score in rows], total=total, facets=facets)

    def _facets(self, docs: QuerySet) -> dict:
        def counts(field_id, slug, label, order):
            rows = (
                docs.filter(**{f"{field_id}__isnull": False})
                .values(slug, label)
                .annotate(n=Count("course_id", distinct=True))
                .order_by("-n", order)
            )
            return [FacetValue(value=str(row[slug]), label=str(row[label]), count=row["n"]) for row in rows]

        forms = dict(SearchDocument._meta.get_field("form").choices)
        form_rows = docs.values("form").annotate(n=Count("course_id")).order_by("-n", "form")
        # Provider titles live on wagtailcore_page: joining it into the count is slow on a big tree,
        # so count by id and read the few titles after.
        provider_rows = list(
            docs.filter(provider__isnull=False).values("provider_id").annotate(n=Count("course_id")).order_by("-n")
        )
        titles = dict(
            ProviderPage.objects.filter(pk__in=[r["provider_id"] for r in provider_rows]).values_list("pk", "title")
        )
        return {
            "category": counts("category", "category__slug", "category__name", "category__sort_order"),
            "audience": counts("audiences", "audiences__slug", "audiences__name", "audiences__sort_order"),
            "form": [FacetValue(r["form"], str(forms.get(r["form"], r["form"])), r["n"]) for r in form_rows],
            "provider": [
                FacetValue(str(r["provider_id"]), titles.get(r["provider_id"], ""), r["n"])
                for r in sorted(provider_rows, key=lambda r: (-r["n"], titles.get(r["provider_id"], "")))
            ],
            "town": counts("towns", "towns__slug", "towns__name", "towns__sort_order"),
        }
