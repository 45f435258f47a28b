"""Index upkeep in the background. Tasks take ids, are idempotent, and are queued on commit by search.services."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from search.engines import EngineUnavailable
from search.indexing import index_update, index_update_containing

logger = logging.getLogger(__name__)

# When the search server cannot take an update the task is retried with growing waits (about 5 s, 10 s, 20 s …
# then every 10 minutes, for a day); `manage.py search_reindex` repairs anything older.
RETRY_FACTOR, RETRY_MAX_WAIT, RETRY_MAX = 5, 600, 150


@shared_task(bind=True, name="search.index_update", ignore_result=True, acks_late=True, max_retries=RETRY_MAX)
def search_index_update_task(self, document_ids: list[int]) -> None:
    """Bring these documents in line with the source: indexed if it still has them, removed if not. The
    database engine always takes it; the search server's share is retried until it has it too."""
    try:
        index_update(document_ids, strict=True)
    except EngineUnavailable as exc:
        if self.request.is_eager:
            # No broker to keep the task in (a laptop): the database engine answers searches; a re-index repairs.
            logger.warning("search: %d documents wait for `manage.py search_reindex`", len(document_ids))
            return
        factor = getattr(settings, "SEARCH_INDEX_RETRY_FACTOR", RETRY_FACTOR)
        wait = get_exponential_backoff_interval(factor, self.request.retries, RETRY_MAX_WAIT, full_jitter=True)
        raise self.retry(exc=exc, countdown=max(wait, 1)) from exc


@shared_task(name="search.index_update_containing", ignore_result=True)
def search_index_update_containing_task(word: str) -> None:
    """After a dictionary word changes, re-cut the documents whose text contains it."""
    index_update_containing(word)
