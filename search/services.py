"""The engine's writes, as the apps and signals call them: queue index upkeep after commit, rebuild, and
take in staff's changes to synonyms and dictionary words."""

from collections.abc import Callable, Iterable

from django.db import transaction

from search.analysis import bump_dictionary_version, bump_synonyms_version
from search.indexing import index_update, reindex
from search.tasks import search_index_update_containing_task, search_index_update_task


def search_index_queue(*, document_ids: Iterable[int]) -> None:
    """After commit, index these documents as the source now has them (or remove them). Ids only: the
    task reads the committed state, so queueing twice is harmless."""
    ids = sorted({pk for pk in document_ids if pk})
    if ids:
        transaction.on_commit(lambda: search_index_update_task.delay(ids))


def search_index_update(*, document_ids: Iterable[int]) -> int:
    """Index these documents now (or remove them): what the queued task does."""
    return index_update(document_ids)


def search_reindex(
    *, progress: Callable[[Iterable[int], int], Iterable[int]] | None = None, batch_size: int = 200
) -> dict[str, int]:
    """Rebuild every index from the source while the site keeps serving (manage.py search_reindex)."""
    return reindex(progress=progress, batch_size=batch_size)


def search_synonyms_changed() -> None:
    # Synonyms are applied to queries, so a change takes effect at once without re-indexing.
    transaction.on_commit(bump_synonyms_version)


def search_dictionary_word_changed(*, word: str) -> None:
    """Words are cut at indexing time: reload the dictionary, then re-cut the documents that contain it."""

    def after_commit():
        bump_dictionary_version()
        search_index_update_containing_task.delay(word)

    transaction.on_commit(after_commit)
