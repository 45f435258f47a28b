"""Writes to the search indexes. Every engine in use is kept up to date; the database engine always is,
because it is also the fallback when Elasticsearch cannot be reached. Documents come from the registered
source (search.registry), by id."""

import logging
from collections.abc import Callable, Iterable, Sequence

from search.engines import SearchEngine, configured_engine, database_engine
from search.registry import registered_source

logger = logging.getLogger(__name__)
BATCH_SIZE = 200


def _engines() -> list[SearchEngine]:
    engines: list[SearchEngine] = [database_engine()]
    configured = configured_engine()
    if configured.name != "database":
        engines.append(configured)
    return engines


def _each_engine(action: Callable[[SearchEngine], None], *, what: str) -> None:
    for engine in _engines():
        if engine.name == "database":
            action(engine)
            continue
        try:
            action(engine)
        except Exception:  # noqa: BLE001 — an external engine being down must not stop publishing
            logger.warning("search: %s engine could not update %s", engine.name, what, exc_info=True)


def _batches(ids: Sequence[int], size: int) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def index_update(document_ids: Iterable[int], *, batch_size: int = BATCH_SIZE) -> int:
    """Index the documents the source still has for these ids; remove the others from every index.
    Idempotent. Returns how many were indexed."""
    ids = list(dict.fromkeys(pk for pk in document_ids if pk))
    indexed = 0
    for batch in _batches(ids, batch_size):
        documents = registered_source().documents(batch)
        found = {document.id for document in documents}
        gone = [pk for pk in batch if pk not in found]
        what = f"documents {', '.join(map(str, batch))}"
        if documents:
            _each_engine(lambda engine, documents=documents: engine.index(documents), what=what)
        if gone:
            _each_engine(lambda engine, gone=gone: engine.remove(gone), what=what)
        indexed += len(documents)
    return indexed


def reindex(
    *, progress: Callable[[Iterable[int], int], Iterable[int]] | None = None, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Rebuild every index from the source while the site keeps serving: documents are replaced batch by
    batch (each batch in one transaction, so a document is never missing), and documents the source no
    longer has are removed at the end."""
    ids = registered_source().live_ids()
    batches = _batches(ids, batch_size)
    done = progress(iter(ids), len(ids)) if progress else None
    indexed = 0
    for batch in batches:
        documents = registered_source().documents(batch)
        for engine in _engines():
            try:
                engine.index(documents)
            except Exception:
                if engine.name == "database":
                    raise
                logger.warning("search: %s engine could not re-index a batch", engine.name, exc_info=True)
        indexed += len(documents)
        if done is not None:
            for _ in batch:
                next(done, None)
    live = set(ids)
    removed = 0
    for engine in _engines():
        try:
            stale = engine.indexed_ids() - live
            if stale:
                engine.remove(sorted(stale))
        except Exception:  # noqa: BLE001
            logger.warning("search: %s engine could not remove stale documents", engine.name, exc_info=True)
            continue
        removed += len(stale)
    if done is not None:
        for _ in done:
            pass
    return {"indexed": indexed, "removed": removed}


def index_update_containing(word: str) -> int:
    """After a dictionary word changes, re-cut the documents whose text contains it."""
    return index_update(registered_source().ids_containing(word))
