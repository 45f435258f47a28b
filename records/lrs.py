"""Sending the xAPI outbox (records.models.XapiStatement) to the learning record store set by XAPI_LRS_URL.

Called by the Celery tasks (records.tasks) and `manage.py xapi_push`; statements are written to the outbox by
records.services with the event they record.
"""

from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from records import xapi
from records.models import XapiStatement

# The LRS refuses the statement itself (malformed, or the id is taken by a different statement; FastAPI-based
# stores such as ralph answer 422 for what the spec calls 400): not worth retrying.
REFUSED_STATUSES = (400, 409, 422)


class LrsUnavailable(Exception):
    """The LRS could not be reached or refused us as a whole (down, 5xx, auth): try again later."""


@dataclass(frozen=True)
class PushResult:
    sent: int
    rejected: int
    pending: int


def _lrs_post(statements: list[dict]) -> requests.Response:
    try:
        return requests.post(
            urljoin(settings.XAPI_LRS_URL.rstrip("/") + "/", "statements"),
            json=statements,
            auth=(settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD) if settings.XAPI_LRS_USERNAME else None,
            headers={"X-Experience-API-Version": xapi.XAPI_VERSION},
            # Connecting takes at most 3 s of the XAPI_LRS_TIMEOUT; a store that hangs fails the push (statements
            # stay pending, the task retries with backoff) instead of holding a worker.
            timeout=(min(3.0, settings.XAPI_LRS_TIMEOUT), settings.XAPI_LRS_TIMEOUT),
        )
    except requests.RequestException as error:
        raise LrsUnavailable(f"{type(error).__name__}") from error


def _note_failure(ids: list, error: str) -> None:
    XapiStatement.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1, last_error=error[:300])


def xapi_push(*, statement_ids: list[str] | None = None, batch_size: int = 50) -> PushResult:
    """Send pending statements (all, or those of `statement_ids`) in batches. Statements stay pending until the
    LRS has taken them; a statement the LRS refuses on its own (400/409/422) is marked rejected, not retried.
    Raises LrsUnavailable when the store is down, after noting the attempt on the statements concerned."""
    if not settings.XAPI_LRS_URL:
        return PushResult(sent=0, rejected=0, pending=XapiStatement.objects.filter(pushed_at__isnull=True).count())
    pending = XapiStatement.objects.filter(pushed_at__isnull=True, rejected_at__isnull=True).order_by("created_at")
    if statement_ids is not None:
        pending = pending.filter(pk__in=statement_ids)
    sent = rejected = 0
    while True:
        batch = list(pending.values_list("pk", "statement")[:batch_size])
        if not batch:
            break
        ids = [pk for pk, _statement in batch]
        try:
            response = _lrs_post([statement for _pk, statement in batch])
        except LrsUnavailable as error:
            _note_failure(ids, str(error))
            raise
        if response.status_code in (200, 204):
            XapiStatement.objects.filter(pk__in=ids).update(
                pushed_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            sent += len(ids)
        elif response.status_code in REFUSED_STATUSES:
            # One bad statement spoils a batch: send them one by one to find it.
            for pk, statement in batch:
                one = _lrs_post([statement])
                if one.status_code in (200, 204):
                    XapiStatement.objects.filter(pk=pk).update(
                        pushed_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
                    )
                    sent += 1
                elif one.status_code in REFUSED_STATUSES:
                    XapiStatement.objects.filter(pk=pk).update(
                        rejected_at=timezone.now(), attempts=F("attempts") + 1, last_error=one.text[:300]
                    )
                    rejected += 1
                else:
                    _note_failure([pk], f"HTTP {one.status_code}")
                    raise LrsUnavailable(f"HTTP {one.status_code}")
        else:
            _note_failure(ids, f"HTTP {response.status_code}")
            raise LrsUnavailable(f"HTTP {response.status_code}")
    left = XapiStatement.objects.filter(pushed_at__isnull=True, rejected_at__isnull=True).count()
    return PushResult(sent=sent, rejected=rejected, pending=left)
