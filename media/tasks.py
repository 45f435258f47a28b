"""Celery tasks for lesson media, on the dedicated `media` queue (settings CELERY_TASK_ROUTES): a worker started
with `-Q media --concurrency 1` keeps ffmpeg off the workers that send texts and certificates. Thin: they take
ids and call media.processing; late ack and prefetch 1 (settings) so a worker that dies mid-transcode leaves
the job to another, which finds the row still PENDING and makes it again.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from core.queueing import queue_on_commit
from media import processing
from media.selectors import processing_outbox

TIME_LIMITS = {
    "acks_late": True,
    "soft_time_limit": settings.LESSON_MEDIA_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.LESSON_MEDIA_TASK_SOFT_TIME_LIMIT + 60,
}


@shared_task(**TIME_LIMITS)
def media_process(media_id: int) -> None:
    """Plan a media's renditions and queue one task per rendition (so sizes are made in parallel when there are
    several workers, and a failed one is retried alone)."""
    for rendition_id in processing.media_processing_start(media_id=media_id):
        queue_on_commit(rendition_make, rendition_id)


@shared_task(**TIME_LIMITS)
def rendition_make(rendition_id: int) -> None:
    try:
        processing.rendition_make(rendition_id=rendition_id)
    except SoftTimeLimitExceeded:
        # ffmpeg was killed with the exception (subprocess.run kills its child); the row says why.
        processing.rendition_fail(rendition_id=rendition_id, reason="time limit exceeded")


@shared_task
def media_outbox_dispatch() -> None:
    """Beat: queue again what a broker outage lost (the rows are the outbox; a row queued twice is made once)."""
    media_ids, rendition_ids = processing_outbox()
    for media_id in media_ids:
        media_process.delay(media_id)
    for rendition_id in rendition_ids:
        rendition_make.delay(rendition_id)
