"""Writes the `media` queue's workers make: planning a media's renditions, making one, recording the outcome.

`media_processing_start` creates one PENDING row per rendition to make (the rows are the outbox: queueing one
again is safe) and returns the ids to queue. `rendition_make` runs ffmpeg into a temporary directory under
VAR_DIR (never under MEDIA_ROOT: nothing half-made under a public URL), moves the finished file into place, then
marks the row READY in the same transaction that updates the media's status. The media is READY (playable) once
its essential rendition is (360p, or the audio track for an audio lesson); the others are listed as they finish.
"""

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction

from media.models import LessonMedia, MediaRendition
from media.probe import ProbeResult, probe_file
from media.transcode import (
    EXTENSIONS,
    SourceFacts,
    TranscodeFailed,
    essential_kind,
    ffmpeg_args,
    renditions_for,
    run_ffmpeg,
    timeout_for,
)

logger = logging.getLogger(__name__)


class _MovableFile(File):
    """A finished file in our work directory: FileSystemStorage renames it into place instead of copying it."""

    def temporary_file_path(self) -> str:
        return self.file.name


def source_facts(media: LessonMedia, *, has_audio: bool = True) -> SourceFacts:
    return SourceFacts(
        duration=media.duration_seconds,
        has_video=media.type == "video",
        has_audio=has_audio,
        width=media.width,
        height=media.height,
    )


def _work_dir() -> str:
    # On the same disk as the files (VAR_DIR), so the finished file is renamed into place, not copied.
    path = Path(settings.VAR_DIR) / "tmp" / "media"
    path.mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(dir=path)


@contextlib.contextmanager
def _local_original(media: LessonMedia) -> Iterator[str]:
    """A local path to the original: the file itself on disk storage, a temporary copy from object storage."""
    try:
        local = media.file.path
    except NotImplementedError:
        local = None
    if local is not None:
        yield local
        return
    work = _work_dir()
    try:
        local = os.path.join(work, "original")
        with media.file.open("rb") as source, open(local, "wb") as target:
            shutil.copyfileobj(source, target)
        yield local
    finally:
        shutil.rmtree(work, ignore_errors=True)


def media_processing_start(*, media_id: int) -> list[int]:
    """Create the PENDING rendition rows the media needs (idempotent); return the ids still to make."""
    media = LessonMedia.objects.filter(pk=media_id).first()
    if media is None:
        return []
    # Whether there is sound decides the listen-only track: asked of the file (the upload was checked already).
    with _local_original(media) as path:
        probed = probe_file(path)
    if probed is None:
        media_fail(media_id=media_id, reason="ffprobe could not read the stored original")
        return []
    with transaction.atomic():
        media = LessonMedia.objects.select_for_update().get(pk=media_id)
        existing = set(media.renditions.values_list("kind", flat=True))
        for kind in renditions_for(source_facts(media, has_audio=probed.has_audio)):
            if kind not in existing:
                MediaRendition.objects.create(media=media, kind=kind)
        status_refresh(media)
        # In the order planned: 360p (what makes the lesson playable) first.
        pending = media.renditions.filter(status=MediaRendition.Status.PENDING).order_by("pk")
        return list(pending.values_list("pk", flat=True))


def rendition_make(*, rendition_id: int) -> None:
    """Make one rendition. Safe to run twice: a row no longer PENDING is left as it is."""
    rendition = MediaRendition.objects.select_related("media").filter(pk=rendition_id).first()
    if rendition is None or rendition.status != MediaRendition.Status.PENDING:
        return
    facts = source_facts(rendition.media)
    work = _work_dir()
    try:
        output = os.path.join(work, f"{rendition.kind}.{EXTENSIONS[rendition.kind]}")
        try:
            with _local_original(rendition.media) as source_path:
                args = ffmpeg_args(rendition.kind, source_path, output, facts)
                run_ffmpeg(args, timeout=timeout_for(rendition.kind, facts))
        except TranscodeFailed as error:
            rendition_fail(rendition_id=rendition_id, reason=str(error))
            return
        made = probe_file(output)
        _rendition_finish(rendition_id=rendition_id, output=output, made=made)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@transaction.atomic
def _rendition_finish(*, rendition_id: int, output: str, made: ProbeResult | None) -> None:
    rendition = MediaRendition.objects.select_for_update().select_related("media").filter(pk=rendition_id).first()
    if rendition is None or rendition.status != MediaRendition.Status.PENDING:
        return  # deleted (the original was replaced) or finished by another run meanwhile
    old_name = rendition.file.name
    size = os.path.getsize(output)
    with open(output, "rb") as handle:
        rendition.file.save(os.path.basename(output), _MovableFile(handle, name=os.path.basename(output)), save=False)
    rendition.size_bytes = size
    if made is not None:
        rendition.width, rendition.height, rendition.bitrate = made.width, made.height, made.bitrate
    rendition.status = MediaRendition.Status.READY
    rendition.failure_reason = ""
    rendition.save()
    status_refresh(rendition.media)
    if old_name:
        storage = rendition.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))


@transaction.atomic
def rendition_fail(*, rendition_id: int, reason: str) -> None:
    rendition = MediaRendition.objects.select_for_update().select_related("media").filter(pk=rendition_id).first()
    if rendition is None or rendition.status == MediaRendition.Status.READY:
        return
    rendition.status = MediaRendition.Status.FAILED
    rendition.failure_reason = reason[:2000]
    rendition.save(update_fields=["status", "failure_reason", "updated_at"])
    logger.warning("media %s: rendition %s failed: %s", rendition.media_id, rendition.kind, reason[:500])
    status_refresh(rendition.media)


def media_fail(*, media_id: int, reason: str) -> None:
    LessonMedia.objects.filter(pk=media_id).update(status=LessonMedia.Status.FAILED, failure_reason=reason[:2000])


def status_refresh(media: LessonMedia) -> None:
    """The media's status from its renditions: playable once the essential one is made."""
    by_kind = {r.kind: r for r in media.renditions.all()}
    essential = by_kind.get(essential_kind(source_facts(media)))
    if essential is not None and essential.status == MediaRendition.Status.READY:
        status, reason = LessonMedia.Status.READY, ""
    elif essential is not None and essential.status == MediaRendition.Status.FAILED:
        status, reason = LessonMedia.Status.FAILED, essential.failure_reason
    elif by_kind:
        status, reason = LessonMedia.Status.PROCESSING, ""
    else:
        status, reason = LessonMedia.Status.UPLOADED, media.failure_reason
    if (media.status, media.failure_reason) != (status, reason):
        LessonMedia.objects.filter(pk=media.pk).update(status=status, failure_reason=reason)
        media.status, media.failure_reason = status, reason
