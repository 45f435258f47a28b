"""Writes to the search indexes. Every engine in use is kept up to date; the database engine always is,
because it is also the fallback when Elasticsearch cannot be reached."""

import logging
from collections.abc import Callable, Iterable

from courses.models import CoursePage
from search.documents import course_facts
from search.engines import SearchEngine, configured_engine, database_engine

logger = logging.getLogger(__name__)


def _engines() -> list[SearchEngine]:
    engines: list[SearchEngine] = [database_engine()]
    configured = configured_engine()
    if configured.name != "database":
        engines.append(configured)
    return engines


def _indexable(course_id: int) -> CoursePage | None:
    return (
        CoursePage.objects.live()
        .filter(pk=course_id)
        .select_related("category", "provider", "town")
        .prefetch_related("audiences")
        .first()
    )


def _each_engine(action: Callable[[SearchEngine], None], *, course_id: int) -> None:
    for engine in _engines():
        if engine.name == "database":
            action(engine)
            continue
        try:
            action(engine)
        except Exception:  # noqa: BLE001 — an external engine being down must not stop publishing
            logger.warning("search: %s engine could not update course %s", engine.name, course_id, exc_info=True)


def course_index_update(*, course_id: int) -> bool:
    """Index a live course, or remove it from every index when it is not live (or gone). Idempotent."""
    course = _indexable(course_id)
    if course is None:
        _each_engine(lambda engine: engine.remove(course_id), course_id=course_id)
        return False
    facts = course_facts(course)
    _each_engine(lambda engine: engine.index(facts), course_id=course_id)
    return True


def search_reindex(
    *, progress: Callable[[Iterable[int], int], Iterable[int]] | None = None, batch_size: int = 200
) -> dict[str, int]:
    """Rebuild every index from the live catalogue while the site keeps serving: documents are
    replaced batch by batch (each batch in one transaction, so a course is never missing), and
    documents of courses no longer live are removed at the end."""
    from search.documents import indexable_courses

    ids = list(CoursePage.objects.live().order_by("pk").values_list("pk", flat=True))
    batches = [ids[i : i + batch_size] for i in range(0, len(ids), batch_size)]
    done = progress(_expand(batches), len(ids)) if progress else None
    indexed = 0
    for batch in batches:
        facts_list = [course_facts(course) for course in indexable_courses().filter(pk__in=batch).order_by("pk")]
        for engine in _engines():
            many = getattr(engine, "index_many", None)
            try:
                if many:
                    many(facts_list)
                else:
                    for facts in facts_list:
                        engine.index(facts)
            except Exception:
                if engine.name == "database":
                    raise
                logger.warning("search: %s engine could not re-index a batch", engine.name, exc_info=True)
        indexed += len(facts_list)
        if done is not None:
            for _ in batch:
                next(done, None)
    live = set(ids)
    removed = 0
    for engine in _engines():
        try:
            stale = engine.indexed_ids() - live
            for course_id in stale:
                engine.remove(course_id)
        except Exception:  # noqa: BLE001
            logger.warning("search: %s engine could not remove stale documents", engine.name, exc_info=True)
            continue
        removed += len(stale)
    if done is not None:
        for _ in done:
            pass
    return {"indexed": indexed, "removed": removed}


def _expand(batches):
    for batch in batches:
        yield from batch
