"""The contract every search engine fulfils; the selector adds the tiers of looser matching and the fallback."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from search.analysis import ParsedQuery
from search.documents import Document
from search.query import FacetValue, SearchRequest

FACET_STARTS_WITHIN_DEFAULT = 30
# A document with an occurrence open for joining today ranks this much higher.
OPEN_OCCURRENCE_BOOST = 1.5


class EngineUnavailable(Exception):
    """The search server could not answer (down, too slow, failing, index missing); the database engine
    answers instead."""


@dataclass
class EngineResult:
    ranked: list[tuple[int, float]]  # (document id, score) for the requested page, best first
    total: int
    facets: dict[str, list[FacetValue] | int] = field(default_factory=dict)
    # True when the counts were taken over a sample of the matches and scaled (many matches): shown as "about".
    facets_approximate: bool = False


@dataclass(frozen=True)
class Asked:
    """One search of several asked at once (search_all): the words, and whether only its total is needed."""

    parsed: ParsedQuery
    match_any: bool = False
    count_only: bool = False
    # False: its total and facet counts, without a page of results (ranking every match costs a server far more
    # than counting them: the looser tiers count first, then rank the one that answers).
    ranked: bool = True
    # Its total and counts, already known from an unranked search of the same words and filters: only the
    # page of results is asked. Engines that work otherwise may ignore both hints.
    counted: EngineResult | None = field(default=None, compare=False)


class SearchEngine:
    name = "base"
    # True when a round trip costs more than a search does (a server over HTTP): the selector then asks the
    # looser tiers it may need all at once (search_all) instead of one after another.
    batches_searches = False

    def index(self, documents: Sequence[Document]) -> None:
        """Add or replace these documents."""
        raise NotImplementedError

    def remove(self, ids: Sequence[int]) -> None:
        raise NotImplementedError

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        """Documents matching every group of `parsed` (or any group with match_any) and the filters."""
        raise NotImplementedError

    def count(self, request: SearchRequest, parsed: ParsedQuery) -> int:
        """How many documents match every group of `parsed` and the filters (no ranking, no facets)."""
        raise NotImplementedError

    def search_all(self, request: SearchRequest, asked: Sequence[Asked]) -> list[EngineResult]:
        """Several searches with the same filters, answered in order (a count-only one: total, no ids)."""
        return [
            EngineResult(ranked=[], total=self.count(request, a.parsed))
            if a.count_only
            else self.search(request, a.parsed, match_any=a.match_any)
            for a in asked
        ]

    def indexed_ids(self) -> set[int]:
        raise NotImplementedError

    def status(self) -> dict:
        """For the health endpoint: can this engine answer now?"""
        return {"ok": True}

    @contextmanager
    def bulk_loading(self) -> Iterator[Callable[[Sequence[Document]], None]]:
        """Around a full re-index: yields what the re-index writes its batches with (index(), unless the
        engine builds a new index meanwhile or defers work until the end)."""
        yield self.index
