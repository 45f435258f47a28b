"""The contract every search engine fulfils; the selector adds highlighting, suggestions and courses."""

from dataclasses import dataclass, field

from search.analysis import ParsedQuery
from search.documents import CourseFacts
from search.query import FacetValue, SearchRequest

FACET_STARTS_WITHIN_DEFAULT = 30


@dataclass
class EngineResult:
    ranked: list[tuple[int, float]]  # (course id, score) for the requested page, best first
    total: int
    facets: dict[str, list[FacetValue] | int] = field(default_factory=dict)


class SearchEngine:
    name = "base"

    def index(self, facts: CourseFacts) -> None:
        raise NotImplementedError

    def remove(self, course_id: int) -> None:
        raise NotImplementedError

    def search(self, request: SearchRequest, parsed: ParsedQuery, *, match_any: bool = False) -> EngineResult:
        """Courses matching every group of `parsed` (or any group with match_any) and the filters."""
        raise NotImplementedError

    def count(self, request: SearchRequest, parsed: ParsedQuery) -> int:
        """How many courses match every group of `parsed` and the filters (no ranking, no facets)."""
        raise NotImplementedError

    def indexed_ids(self) -> set[int]:
        raise NotImplementedError
