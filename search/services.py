"""Writes to the search indexes. Every engine in use is kept up to date; the database engine always is,
because it is also the fallback when Elasticsearch cannot be reached."""

import logging
from collections.abc import Callable, Iterable

from courses.models import CoursePage

from .documents import course_facts
from .engines import SearchEngine, configured_engine, database_engine

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


def search_reindex(*, progress: Callable[[Iterable[int], int], Iterable[int]] | None = None) -> dict[str, int]:
    """Rebuild every index from the live catalogue, course by course, while the site keeps serving:
    each course is replaced in place, and documents of courses no longer live are removed at the end."""
    ids = list(CoursePage.objects.live().order_by("pk").values_list("pk", flat=True))
    iterator = progress(ids, len(ids)) if progress else ids
    indexed = 0
    for course_id in iterator:
        indexed += course_index_update(course_id=course_id)
    live = set(ids)
    removed = 0
    for engine in _engines():
        try:
            stale = engine.indexed_ids() - live
        except Exception:  # noqa: BLE001
            logger.warning("search: %s engine could not list its documents", engine.name, exc_info=True)
            continue
        for course_id in stale:
            engine.remove(course_id)
        removed += len(stale)
    return {"indexed": indexed, "removed": removed}
