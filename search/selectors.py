"""search(): the engine's one read, used by the catalogue's search page, API and listing.

The engine finds and ranks ids; this module tries progressively looser matching when nothing matches
every word, and falls back to the database engine when Elasticsearch cannot answer. What the ids are
(courses) and how they are shown is the source's business; it may ask for a corrected query to suggest
(spelling_suggestion) from the text of what it found.
"""

from dataclasses import dataclass, field

from search.analysis import (
    ParsedQuery,
    chinese_runs,
    dictionary_generation,
    is_cjk,
    parse_query,
    pinyin_forms,
    spelled_run,
)
from search.engines import EngineResult, EngineUnavailable, SearchEngine, configured_engine, database_engine
from search.engines.base import Asked
from search.query import FacetValue, Paged, SearchRequest


@dataclass
class SearchResult(Paged):
    request: SearchRequest
    ranked: list[tuple[int, float]]  # (document id, score) for the requested page, best first
    total: int
    parsed: ParsedQuery  # the words that matched, for highlighting
    facets: dict[str, list[FacetValue] | int] = field(default_factory=dict)
    # True when nothing matched every word and the results match only some (or sound alike).
    approximate: bool = False
    engine: str = "database"
    # True when the facet counts were estimated from a sample of many matches (shown as "about").
    facets_approximate: bool = False


def _search_tiers(engine: SearchEngine, request: SearchRequest) -> tuple[EngineResult, ParsedQuery, bool]:
    """Strict (every word); then relaxed (pinyin and characters too); then without the words that
    match nothing at all; then any word."""
    strict = parse_query(request.q)
    result = engine.search(request, strict)
    if result.total or not strict:
        return result, strict, False
    relaxed = parse_query(request.q, relaxed=True)
    if engine.batches_searches:
        return _looser_tiers_at_once(engine, request, relaxed)
    result = engine.search(request, relaxed)
    if result.total or len(relaxed.groups) < 2:
        return result, relaxed, True
    useful = tuple(g for g in relaxed.groups if engine.count(request, ParsedQuery(relaxed.text, (g,))))
    if useful and len(useful) < len(relaxed.groups):
        narrowed = ParsedQuery(relaxed.text, useful)
        result = engine.search(request, narrowed)
        if result.total:
            return result, narrowed, True
    return engine.search(request, relaxed, match_any=True), relaxed, True


def _looser_tiers_at_once(
    engine: SearchEngine, request: SearchRequest, relaxed: ParsedQuery
) -> tuple[EngineResult, ParsedQuery, bool]:
    """The same tiers as _search_tiers after a strict search found nothing, for an engine whose round trips
    cost more than its searches. Every tier's count is asked in one go, then the one tier that answers is
    ranked: a server ranks every match of a loose query (single characters, any word) at several times the
    cost of counting them, and only one ranking is ever shown. The search without the words that match
    nothing depends on those counts: with two words it is the other word's own search, so each word's counts
    are asked in full in the same go; with more it is searched after."""
    if len(relaxed.groups) < 2:
        return engine.search(request, relaxed), relaxed, True
    two_words = len(relaxed.groups) == 2
    each_word = [ParsedQuery(relaxed.text, (g,)) for g in relaxed.groups]
    asked = [
        Asked(relaxed, ranked=False),
        *(Asked(word, count_only=not two_words, ranked=False) for word in each_word),
        Asked(relaxed, match_any=True, ranked=False),
    ]
    counted, *per_word, any_word = engine.search_all(request, asked)
    if counted.total:
        return _ranked(engine, request, Asked(relaxed, counted=counted)), relaxed, True
    useful = [(word, found) for word, found in zip(each_word, per_word, strict=True) if found.total]
    if useful and len(useful) < len(relaxed.groups):
        if two_words:
            ((word, found),) = useful
            return _ranked(engine, request, Asked(word, counted=found)), word, True
        narrowed = ParsedQuery(relaxed.text, tuple(word.groups[0] for word, _ in useful))
        result = engine.search(request, narrowed)
        if result.total:
            return result, narrowed, True
    return _ranked(engine, request, Asked(relaxed, match_any=True, counted=any_word)), relaxed, True


def _ranked(engine: SearchEngine, request: SearchRequest, asked: Asked) -> EngineResult:
    """The page of results of a search whose counts are known (nothing to rank when it matched nothing)."""
    if not asked.counted.total:
        return asked.counted
    return engine.search_all(request, [asked])[0]


def search(request: SearchRequest) -> SearchResult:
    """Ranked ids of one page, the total and the facet counts, from the configured engine (or the
    database engine when it cannot answer)."""
    engine = configured_engine()
    if engine.name != "database":
        try:
            result, parsed, approximate = _search_tiers(engine, request)
        except EngineUnavailable:
            # Logged where it happened, without the query text (it may hold a name or phone number).
            engine = database_engine()
        else:
            return _result(request, result, parsed, approximate, engine)
    result, parsed, approximate = _search_tiers(engine, request)
    return _result(request, result, parsed, approximate, engine)


def _result(
    request: SearchRequest, result: EngineResult, parsed: ParsedQuery, approximate: bool, engine: SearchEngine
) -> SearchResult:
    return SearchResult(
        request,
        result.ranked,
        result.total,
        parsed,
        result.facets,
        approximate,
        engine.name,
        facets_approximate=result.facets_approximate,
    )


def search_engine_status() -> dict:
    """For /health: which engine answers searches now. When the search server cannot answer (down, slow,
    index missing) searches still work, answered by the database engine; this says so."""
    engine = configured_engine()
    if engine.name == "database":
        return {"ok": True, "configured": False, "answering": "database"}
    return {"configured": True, **engine.status()}


def spelling_suggestion(q: str, texts: list[str]) -> str | None:
    """Replace each word of `q` that none of `texts` (what was found) contains by a word of theirs that
    sounds alike or differs by one character (果数 → 果树, 书发 → 书法). None when nothing changes."""
    strict = parse_query(q)
    if not texts or not strict:
        return None
    text = " ".join(texts)
    # Each word with its pinyin, in the order the words appear (the best-ranked result's first), so every process
    # suggests the same word: a set's order changes with Python's per-process string hashing. The runs are cut
    # and spelled once per process (spelled_run), as for indexing and highlighting.
    dictionary = dictionary_generation()
    spelled: dict[str, str] = {}
    for run in chinese_runs(text):
        for found, full, _initials in spelled_run(run, dictionary):
            if len(found) > 1 and is_cjk(found):
                spelled.setdefault(found, full)
    vocabulary = list(spelled)
    changed, corrected = False, []
    for group in strict.groups:
        word = group.source
        if not is_cjk(word) or word in text or len(word) < 2:
            corrected.append(word)
            continue
        sound = pinyin_forms(word)[0]
        candidates = [v for v in vocabulary if spelled[v] == sound]
        candidates += [
            v for v in vocabulary if len(v) == len(word) and sum(a != b for a, b in zip(v, word, strict=True)) == 1
        ]
        if candidates:
            corrected.append(candidates[0])
            changed = True
        else:
            corrected.append(word)
    return "".join(corrected) if changed else None
