"""The contract every search engine fulfils; the selector adds the tiers of looser matching and the fallback."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from search.analysis import ParsedQuery
from search.documents import Document
from search.query import FacetValue, SearchRequest

FACET_STARTS_WITHIN_DEFAULT = 30
# A document with an occurrence open for joining today ranks this much higher.
OPEN_OCCURRENCE_BOOST = 1.5


class EngineUnavailable(Exception):
    """An external engine (Elasticsearch) could not answer; the database engine answers instead."""


@dataclass
class EngineResult:
    ranked: list[tuple[int, float]]  # (document id, score) for the requested page, best first
    total: int
    facets: dict[str, list[FacetValue] | int] = field(default_factory=dict)


class SearchEngine:
    name = "base"

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

    def indexed_ids(self) -> set[int]:
        raise NotImplementedError
