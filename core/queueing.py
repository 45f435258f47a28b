"""Queueing background work after commit, without ever failing the request that caused it.

Every task the services queue works on a row written in the same transaction — its outbox: a promoted
enrolment whose text is unsent (`promotion_sms_sent_at` empty), a certificate without its PDF, an xAPI statement
not yet pushed. So a broker that cannot be reached loses nothing: the row stays pending, the person's request
still succeeds, and the sweep (beat, or `manage.py outbox_dispatch`) queues the row again once the broker is
back. The tasks claim their row before working, so a row queued twice is done once.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError as BrokerUnavailable

logger = logging.getLogger(__name__)


def queue_on_commit(task, *args) -> None:
    """Queue `task(*args)` once the current transaction commits (at once outside one)."""

    def queue() -> None:
        try:
            task.delay(*args)
        except BrokerUnavailable as error:
            logger.warning("Broker unavailable (%s): %s left in its outbox for the sweep", error, task.name)

    # robust: without a broker the task runs here (eagerly); its own failure is logged, never the person's error.
    transaction.on_commit(queue, robust=True)
