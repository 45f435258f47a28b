"""Index upkeep in the background. Tasks take ids, are idempotent, and are queued on commit by search.services."""

from celery import shared_task

from search.indexing import index_update, index_update_containing


@shared_task(name="search.index_update", ignore_result=True)
def search_index_update_task(document_ids: list[int]) -> None:
    """Bring these documents in line with the source: indexed if it still has them, removed if not."""
    index_update(document_ids)


@shared_task(name="search.index_update_containing", ignore_result=True)
def search_index_update_containing_task(word: str) -> None:
    """After a dictionary word changes, re-cut the documents whose text contains it."""
    index_update_containing(word)
