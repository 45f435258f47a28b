"""Writes for lesson media that people cause: accepting a checked upload (with captions), retrying failed
renditions. The making itself is media.processing, run by media.tasks in the `media` queue.

An upload is checked (media.probe) before anything is stored; `media_store` saves the original (private storage)
and its captions and queues `media.tasks.media_process` after commit.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.models import Collection

from core.queueing import queue_on_commit
from media import tasks
from media.captions import caption_to_webvtt
from media.models import CaptionTrack, LessonMedia, MediaRendition
from media.probe import ProbeResult, probe_upload
from media.processing import status_refresh


@dataclass(frozen=True)
class CaptionInput:
    """A caption file as uploaded (WebVTT or SRT); converted and checked by `media_store`."""

    data: bytes
    filename: str
    language: str = "zh-Hans"
    label: str = "中文"


def _apply_probe(media: LessonMedia, probed: ProbeResult) -> None:
    media.type = probed.media_type
    media.duration_seconds = probed.duration
    media.duration = probed.duration  # wagtailmedia's own field, shown in its admin
    media.width = probed.width if probed.has_video else None
    media.height = probed.height if probed.has_video else None


@transaction.atomic
def media_store(
    *, media: LessonMedia, probed: ProbeResult | None, captions: Sequence[CaptionInput] = ()
) -> LessonMedia:
    """Save a lesson media whose file was checked (`probed`; None when the file did not change), add its
    captions, and for a new file queue the renditions. A bad caption file raises MediaRefused before anything
    is written."""
    duration = probed.duration if probed else media.duration_seconds
    converted = [(c, caption_to_webvtt(c.data, filename=c.filename, duration=duration)) for c in captions]
    if probed is not None:
        _apply_probe(media, probed)
        media.status = LessonMedia.Status.UPLOADED
        media.failure_reason = ""
    media.save()
    for caption, webvtt in converted:
        caption_set(media=media, language=caption.language, label=caption.label, webvtt=webvtt)
    if probed is not None:
        _renditions_discard(media)
        queue_on_commit(tasks.media_process, media.pk)
    return media


def media_create_from_file(
    *,
    path: str | os.PathLike,
    title: str,
    collection: Collection,
    uploaded_by=None,
    transcript: str = "",
    captions: Sequence[CaptionInput] = (),
) -> LessonMedia:
    """A lesson media from a file on disk (demo content, imports, tests), checked exactly as an upload is.
    Raises media.probe.MediaRefused. Renditions are queued after commit (made at once when tasks run eagerly)."""
    path = os.fspath(path)
    name = os.path.basename(path)
    probed = probe_upload(path, extension=os.path.splitext(name)[1], size_bytes=os.path.getsize(path))
    media = LessonMedia(title=title, collection=collection, uploaded_by_user=uploaded_by, transcript=transcript)
    with open(path, "rb") as handle:
        media.file.save(name, File(handle, name=name), save=False)
    try:
        return media_store(media=media, probed=probed, captions=captions)
    except Exception:
        media.file.delete(save=False)
        raise


def caption_set(*, media: LessonMedia, language: str, label: str, webvtt: str) -> CaptionTrack:
    """Add or replace the lesson's captions in one language (`webvtt` is already checked WebVTT)."""
    track = CaptionTrack.objects.filter(media=media, language=language).first() or CaptionTrack(
        media=media, language=language
    )
    old_name = track.file.name if track.pk else ""
    track.label = label
    track.file.save(f"{language}.vtt", ContentFile(webvtt.encode("utf-8")), save=False)
    track.save()
    if old_name:
        storage = track.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return track


def _renditions_discard(media: LessonMedia) -> None:
    """A new original: renditions of the old one are deleted (their files after commit, media.signals) and made
    again."""
    media.renditions.all().delete()


@transaction.atomic
def renditions_retry(*, media: LessonMedia) -> int:
    """Staff's retry: every FAILED rendition is made again (READY ones keep playing meanwhile); a media whose
    processing never started is started. Returns how many renditions were queued again."""
    media = LessonMedia.objects.select_for_update().get(pk=media.pk)
    failed = list(media.renditions.filter(status=MediaRendition.Status.FAILED))
    for rendition in failed:
        rendition.status = MediaRendition.Status.PENDING
        rendition.failure_reason = ""
        rendition.save(update_fields=["status", "failure_reason", "updated_at"])
        queue_on_commit(tasks.rendition_make, rendition.pk)
    if not media.renditions.exists():
        queue_on_commit(tasks.media_process, media.pk)
        LessonMedia.objects.filter(pk=media.pk).update(failure_reason="")
        media.failure_reason = ""
    status_refresh(media)
    return len(failed)
