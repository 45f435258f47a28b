"""The real pipeline in a real Celery worker on Redis, consuming only the dedicated `media` queue: an upload's
renditions are made by the worker (ffmpeg there), and the lesson becomes playable. See tests/celery_worker.py."""

import pytest

from media.models import LessonMedia
from media.selectors import playable_sources
from media.services import media_create_from_file
from publishing.services import provider_collection_of, provider_group_of
from tests.celery_worker import WORKER_TEST_MARKS, running_worker, wait_for

pytestmark = WORKER_TEST_MARKS

QUEUE = "media"


@pytest.fixture
def worker(tmp_path, settings):
    with running_worker(tmp_path, {"JIZHOU_VAR_DIR": str(settings.VAR_DIR)}, queue=QUEUE) as log:
        yield log


def test_media_queue_worker_makes_the_renditions(worker, tree, media_files):
    collection = provider_collection_of(provider_group_of(tree["school_a"]))
    media = media_create_from_file(path=media_files["video"], title="梨树修剪（worker）", collection=collection)

    def ready():
        media.refresh_from_db()
        return (
            media.status in (LessonMedia.Status.READY, LessonMedia.Status.FAILED)
            and not media.renditions.filter(status="pending").exists()
        )

    wait_for(ready, 120, "the renditions", worker)
    assert media.status == LessonMedia.Status.READY, media.failure_reason
    assert [s.kind for s in playable_sources(media)] == ["mp4_360", "audio_64k"]
    assert media.renditions.get(kind="poster").file.size > 0
    log = worker.read_text()
    assert "media.tasks.media_process" in log and "media.tasks.rendition_make" in log
