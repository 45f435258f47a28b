"""The engine's writes, as the apps and signals call them: queue index upkeep after commit, rebuild, and
take in staff's changes to synonyms and dictionary words."""

from collections.abc import Callable, Iterable

from django.db import transaction

from search.analysis import bump_dictionary_version, bump_synonyms_version
from search.indexing import index_update, reindex
from search.tasks import search_index_update_containing_task, search_index_update_task


def search_index_queue(*, document_ids: Iterable[int]) -> None:
    """After commit, index these documents as the source now has them (or remove them). Ids only: the
    task reads the committed state, so queueing twice is harmless.

    Ids queued in one transaction go out as one task: the first commit callback takes every id pending on
    the connection and the others find nothing left (loading the demo district saves each course three
    times in one transaction; it is indexed once). Ids left over from a rolled-back transaction go with the
    next one, which is harmless for the same reason."""
    ids = {pk for pk in document_ids if pk}
    if not ids:
        return
    connection = transaction.get_connection()
    pending = connection.__dict__.setdefault("search_index_pending", set())
    pending.update(ids)

    def queue_pending():
        batch = sorted(pending)
        pending.clear()
        if batch:
            search_index_update_task.delay(batch)

    # robust: a broker that is down must not fail the publish that was committed (a reindex catches up).
    transaction.on_commit(queue_pending, robust=True)


def search_index_update(*, document_ids: Iterable[int]) -> int:
    """Index these documents now (or remove them): what the queued task does."""
    return index_update(document_ids)


def search_reindex(
    *,
    progress: Callable[[Iterable[int], int], Iterable[int]] | None = None,
    batch_size: int = 200,
    only_server: bool = False,
) -> dict[str, int]:
    """Rebuild every index from the source while the site keeps serving (manage.py search_reindex); with
    `only_server`, only the search server's."""
    return reindex(progress=progress, batch_size=batch_size, only_server=only_server)


def search_synonyms_changed() -> None:
    # Synonyms are applied to queries, so a change takes effect at once without re-indexing.
    transaction.on_commit(bump_synonyms_version)


def search_dictionary_word_changed(*, word: str) -> None:
    """Words are cut at indexing time: reload the dictionary, then re-cut the documents that contain it."""

    def after_commit():
        bump_dictionary_version()
        search_index_update_containing_task.delay(word)

    transaction.on_commit(after_commit)
