"""Reads about lesson media: what a player may list, and what staff see of processing.

Only READY renditions of READY media are ever listed, so a half-made or failed file never reaches a player.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from wagtail.permissions import policy_registry

from media.models import CaptionTrack, LessonMedia, MediaRendition

# Players list sources in this order: the phone default first, then larger, then listen-only.
PLAYABLE_ORDER = (
    MediaRendition.Kind.MP4_360,
    MediaRendition.Kind.MP4_540,
    MediaRendition.Kind.MP4_720,
    MediaRendition.Kind.AUDIO_64K,
)
MIME_TYPES = {
    MediaRendition.Kind.MP4_360: "video/mp4",
    MediaRendition.Kind.MP4_540: "video/mp4",
    MediaRendition.Kind.MP4_720: "video/mp4",
    MediaRendition.Kind.AUDIO_64K: "audio/mp4",
}


@dataclass(frozen=True)
class PlayableSource:
    kind: str
    url: str
    mime_type: str
    width: int | None
    height: int | None
    size_bytes: int | None
    bitrate: int | None


def _ready_renditions(media: LessonMedia) -> list[MediaRendition]:
    if media.status != LessonMedia.Status.READY:
        return []
    return [r for r in media.renditions.all() if r.status == MediaRendition.Status.READY and r.file]


def playable_sources(media: LessonMedia) -> list[PlayableSource]:
    """The complete renditions a player may offer, 360p first; empty while the media is not READY.
    Uses `media.renditions.all()`, so a caller listing many media prefetches `renditions`."""
    by_kind = {r.kind: r for r in _ready_renditions(media)}
    return [
        PlayableSource(
            kind=kind,
            url=by_kind[kind].file.url,
            mime_type=MIME_TYPES[kind],
            width=by_kind[kind].width,
            height=by_kind[kind].height,
            size_bytes=by_kind[kind].size_bytes,
            bitrate=by_kind[kind].bitrate,
        )
        for kind in PLAYABLE_ORDER
        if kind in by_kind
    ]


def poster_url(media: LessonMedia) -> str | None:
    for rendition in _ready_renditions(media):
        if rendition.kind == MediaRendition.Kind.POSTER:
            return rendition.file.url
    return None


def caption_tracks(media: LessonMedia) -> list[CaptionTrack]:
    """Caption tracks (WebVTT) in the order staff added them; `track.file.url` is the <track src>."""
    return list(media.captions.all())


def is_playable(media: LessonMedia) -> bool:
    return bool(playable_sources(media))


def _policy():
    return policy_registry.get_by_type(LessonMedia)


def may_manage_media(user) -> bool:
    """Staff with a media right on some collection (their school's; the centre's on all)."""
    return _policy().user_has_any_permission(user, ["add", "change"])


def media_for_user(user, actions=("change",)) -> QuerySet[LessonMedia]:
    """The media a member of staff may manage: their school's collection (the centre: all)."""
    return _policy().instances_user_has_any_permission_for(user, list(actions))


def media_processing_list(user) -> QuerySet[LessonMedia]:
    """The staff member's media, newest first, with their renditions and how many failed (retry offered)."""
    return (
        media_for_user(user)
        .select_related("collection")
        .prefetch_related("renditions")
        .annotate(failed_renditions=Count("renditions", filter=Q(renditions__status=MediaRendition.Status.FAILED)))
        .order_by("-created_at")
    )


def processing_outbox() -> tuple[list[int], list[int]]:
    """Work whose queueing was lost (broker down): media uploaded over 10 minutes ago whose processing never
    started, and renditions PENDING for longer than a task may run (so not merely waiting behind another)."""
    now = timezone.now()
    media_ids = LessonMedia.objects.filter(
        status=LessonMedia.Status.UPLOADED, renditions__isnull=True, created_at__lt=now - datetime.timedelta(minutes=10)
    ).values_list("pk", flat=True)
    stale = now - datetime.timedelta(seconds=settings.LESSON_MEDIA_TASK_SOFT_TIME_LIMIT + 600)
    rendition_ids = MediaRendition.objects.filter(
        status=MediaRendition.Status.PENDING, updated_at__lt=stale
    ).values_list("pk", flat=True)
    return list(media_ids), list(rendition_ids)
