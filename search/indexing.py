"""Writes to the search indexes. Every engine in use is kept up to date; the database engine always is,
because it is also the fallback when Elasticsearch cannot be reached. Documents come from the registered
source (search.registry), by id."""

import datetime
import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack

from django.utils import timezone

from search.engines import EngineUnavailable, SearchEngine, configured_engine, database_engine
from search.models import SearchDocument
from search.registry import registered_source

logger = logging.getLogger(__name__)
BATCH_SIZE = 200


def _engines(*, only_server: bool = False) -> list[SearchEngine]:
    engines: list[SearchEngine] = [] if only_server else [database_engine()]
    configured = configured_engine()
    if configured.name != "database":
        engines.append(configured)
    return engines


def _each_engine(action: Callable[[SearchEngine], None], *, what: str) -> bool:
    """Run `action` on every engine; False when the search server could not take it (logged, to be retried)."""
    done = True
    for engine in _engines():
        if engine.name == "database":
            action(engine)
            continue
        try:
            action(engine)
        except Exception:  # noqa: BLE001 — an external engine being down must not stop publishing
            logger.warning("search: %s engine could not update %s", engine.name, what, exc_info=True)
            done = False
    return done


def _batches(ids: Sequence[int], size: int) -> list[Sequence[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def index_update(document_ids: Iterable[int], *, batch_size: int = BATCH_SIZE, strict: bool = False) -> int:
    """Index the documents the source still has for these ids; remove the others from every index.
    Idempotent. Returns how many were indexed. With `strict`, raises EngineUnavailable at the end when the
    search server missed any of it (the database engine has it all), so the task is retried."""
    ids = list(dict.fromkeys(pk for pk in document_ids if pk))
    indexed = 0
    complete = True
    for batch in _batches(ids, batch_size):
        documents = registered_source().documents(batch)
        found = {document.id for document in documents}
        gone = [pk for pk in batch if pk not in found]
        what = f"documents {', '.join(map(str, batch))}"
        if documents:
            complete &= _each_engine(lambda engine, documents=documents: engine.index(documents), what=what)
        if gone:
            complete &= _each_engine(lambda engine, gone=gone: engine.remove(gone), what=what)
        indexed += len(documents)
    if strict and not complete:
        raise EngineUnavailable(f"{len(ids)} documents not yet in the search server")
    return indexed


def reindex(
    *,
    progress: Callable[[Iterable[int], int], Iterable[int]] | None = None,
    batch_size: int = BATCH_SIZE,
    only_server: bool = False,
) -> dict[str, int]:
    """Rebuild every index from the source while the site keeps serving: the database engine's documents are
    replaced batch by batch (each batch in one transaction, so a document is never missing); the search
    server's index is built anew beside the one searches read, which it then replaces (bulk_loading).
    Documents changed while it was built are indexed again at the end, and documents the source no longer
    has are removed. With `only_server`, only the search server's index (after it lost its index; the
    database engine's is kept up to date all along)."""
    ids = registered_source().live_ids()
    done = progress(iter(ids), len(ids)) if progress else None
    indexed = 0
    copied: list[tuple[Sequence[int], datetime.datetime, set[int]]] = []
    with ExitStack() as loading:
        loaders = []
        for engine in _engines(only_server=only_server):
            try:
                loaders.append((engine, loading.enter_context(engine.bulk_loading())))
            except Exception:  # noqa: BLE001
                logger.warning("search: %s engine cannot be re-indexed now", engine.name, exc_info=True)
        for batch in _batches(ids, batch_size):
            read_at = timezone.now()
            documents = registered_source().documents(batch)
            for engine, load in loaders:
                try:
                    load(documents)
                except Exception:
                    if engine.name == "database":
                        raise
                    logger.warning("search: %s engine could not re-index a batch", engine.name, exc_info=True)
            # Index upkeep (search_index_update) always writes the database engine's document first: one written
            # after this batch was copied changed meanwhile. A full re-index writes them itself, so only later.
            if only_server:
                present = set(SearchDocument.objects.filter(id__in=list(batch)).values_list("id", flat=True))
                copied.append((batch, read_at, present))
            else:
                copied.append((batch, timezone.now(), {document.id for document in documents}))
            indexed += len(documents)
            if done is not None:
                for _ in batch:
                    next(done, None)
    # Only the search server's index is built beside the one read; the database engine's is updated in place.
    changed = _changed_since_copied(copied) if any(engine.name != "database" for engine, _ in loaders) else []
    if changed:
        index_update(changed)
    removed = _remove_stale(set(ids), only_server=only_server)
    if done is not None:
        for _ in done:
            pass
    return {"indexed": indexed, "removed": removed}


def _changed_since_copied(copied: list[tuple[Sequence[int], datetime.datetime, set[int]]]) -> list[int]:
    """Ids whose document index upkeep updated or removed after a re-index copied it: the server's new index
    was built beside the one those updates went to, so they are applied again."""
    changed: list[int] = []
    for batch, copied_at, present in copied:
        written = dict(SearchDocument.objects.filter(id__in=list(batch)).values_list("id", "indexed_at"))
        updated = [pk for pk, indexed_at in written.items() if indexed_at > copied_at]
        removed = [pk for pk in present if pk not in written]
        changed += updated + removed
    return changed


def _remove_stale(live: set[int], *, only_server: bool) -> int:
    removed = 0
    for engine in _engines(only_server=only_server):
        try:
            stale = engine.indexed_ids() - live
            if stale:
                engine.remove(sorted(stale))
        except Exception:  # noqa: BLE001
            logger.warning("search: %s engine could not remove stale documents", engine.name, exc_info=True)
            continue
        removed += len(stale)
    return removed


def index_update_containing(word: str) -> int:
    """After a dictionary word changes, re-cut the documents whose text contains it."""
    return index_update(registered_source().ids_containing(word))
