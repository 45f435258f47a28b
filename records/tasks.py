"""Celery tasks for learning records. Thin: they take ids, are safe to run twice, and are queued after commit by
records.services (core.queueing).

Their rows are the outbox: a certificate without its PDF, an xAPI statement not pushed. A broker that was down
when they were queued loses nothing: `records_outbox_dispatch` (beat, and `manage.py outbox_dispatch`) queues
them again.
"""

import logging

from celery import shared_task
from django.conf import settings

from records.lrs import LrsUnavailable, xapi_push
from records.pdf import certificate_store_pdf
from records.selectors import certificates_without_pdf

logger = logging.getLogger(__name__)

# Backoff for an LRS that is down: XAPI_RETRY_BACKOFF (30 s), then doubling, capped at an hour; after the last
# retry the beat task (every 15 minutes) and `manage.py xapi_push` keep trying — statements stay pending.
MAX_RETRIES = 8


def _backoff(retries: int) -> int:
    return min(3600, settings.XAPI_RETRY_BACKOFF * 2**retries)


@shared_task
def certificate_generate_pdf(certificate_id: int) -> bool:
    """Render a certificate's PDF once (a second run finds the file and does nothing)."""
    return certificate_store_pdf(certificate_id=certificate_id)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def xapi_push_statements(self, statement_ids: list[str]) -> int:
    """Send these statements to the LRS (those still pending); retry with backoff while it is down."""
    try:
        return xapi_push(statement_ids=statement_ids).sent
    except LrsUnavailable as error:
        if self.request.is_eager:
            # No broker (a laptop): do not hold up the request; they stay pending for the next push.
            logger.warning("LRS unavailable (%s); %d statement(s) left pending", error, len(statement_ids))
            return 0
        raise self.retry(exc=error, countdown=_backoff(self.request.retries))


@shared_task(bind=True, max_retries=MAX_RETRIES)
def xapi_push_pending(self) -> int:
    """Beat task: send everything still pending."""
    try:
        return xapi_push().sent
    except LrsUnavailable as error:
        if self.request.is_eager:
            logger.warning("LRS unavailable (%s); statements left pending", error)
            return 0
        raise self.retry(exc=error, countdown=_backoff(self.request.retries))


@shared_task
def records_outbox_dispatch() -> int:
    """Sweep (beat, `manage.py outbox_dispatch`): queue again every certificate PDF not made and, with an LRS, a
    push of every statement still pending. Returns how many tasks it queued."""
    ids = list(certificates_without_pdf().values_list("pk", flat=True))
    for pk in ids:
        certificate_generate_pdf.delay(pk)
    if settings.XAPI_LRS_URL:
        xapi_push_pending.delay()
        return len(ids) + 1
    return len(ids)
