"""Lesson media and what is made from it: the uploaded original (private), its renditions (public, made by
ffmpeg in the `media` queue) and its caption tracks (WebVTT).

The original is kept outside MEDIA_ROOT (records' private storage): residents only ever get renditions, and
staff of the school download the original through a permission-checked view. Rendition and caption files get a
random part in their names, so an unpublished lesson's files cannot be guessed from its id.
"""

import secrets

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtailmedia.models import AbstractMedia

from records.models import private_storage


def rendition_upload_to(instance, filename: str) -> str:
    return f"lessons/{instance.media_id}/{secrets.token_hex(8)}-{filename}"


def caption_upload_to(instance, filename: str) -> str:
    return f"lessons/{instance.media_id}/captions/{secrets.token_hex(8)}-{filename}"


class LessonMedia(AbstractMedia):
    """A video or audio lesson a school uploaded. Playable once its renditions are made (status READY)."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("已上传，等待处理")
        PROCESSING = "processing", _("正在处理")
        READY = "ready", _("可以播放")
        FAILED = "failed", _("处理失败")

    # Overrides wagtailmedia's field: the original goes to private storage, never under a public URL.
    file = models.FileField(_("文件"), storage=private_storage, upload_to="lesson-originals/%Y/%m/", max_length=255)
    # wagtailmedia's `duration` is kept equal (its admin shows it); this one is what lessons and progress read.
    duration_seconds = models.FloatField(_("时长（秒）"), default=0)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.UPLOADED, db_index=True)
    failure_reason = models.TextField(_("失败原因"), blank=True)
    transcript = models.TextField(_("文字稿"), blank=True)

    admin_form_fields = ("title", "file", "collection", "transcript", "tags")

    class Meta(AbstractMedia.Meta):
        verbose_name = _("课程音视频")
        verbose_name_plural = _("课程音视频")

    @property
    def is_audio(self) -> bool:
        return self.type == "audio"

    @property
    def url(self) -> str:
        # wagtailmedia's admin links the file by this: the original is private, so it is the checked download.
        return reverse("lesson_media_original", args=(self.pk,))


class MediaRendition(models.Model):
    """One file made from a lesson's original. Listed to players only when READY: the file is written to a
    temporary path and moved into place before the row says so."""

    class Kind(models.TextChoices):
        MP4_360 = "mp4_360", _("360p 视频")
        MP4_540 = "mp4_540", _("540p 视频")
        MP4_720 = "mp4_720", _("720p 视频")
        AUDIO_64K = "audio_64k", _("仅声音（64 kb/s）")
        POSTER = "poster", _("封面图")

    class Status(models.TextChoices):
        PENDING = "pending", _("等待制作")
        READY = "ready", _("完成")
        FAILED = "failed", _("失败")

    media = models.ForeignKey(LessonMedia, on_delete=models.CASCADE, related_name="renditions")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(_("文件"), upload_to=rendition_upload_to, max_length=255, blank=True)
    width = models.PositiveIntegerField(_("宽"), null=True, blank=True)
    height = models.PositiveIntegerField(_("高"), null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("大小（字节）"), null=True, blank=True)
    bitrate = models.PositiveIntegerField(_("码率（比特/秒）"), null=True, blank=True)
    failure_reason = models.TextField(_("失败原因"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("转码文件")
        verbose_name_plural = _("转码文件")
        constraints = [models.UniqueConstraint(fields=["media", "kind"], name="media_rendition_one_per_kind")]

    def __str__(self):
        return f"{self.media_id}:{self.kind}"


class CaptionTrack(models.Model):
    """Captions for a lesson in one language, stored as WebVTT (SRT is converted on upload)."""

    media = models.ForeignKey(LessonMedia, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("语言"), max_length=16, default="zh-Hans", help_text=_("BCP 47 语言代码，如 zh-Hans"))
    label = models.CharField(_("名称"), max_length=64, default="中文")
    file = models.FileField(_("字幕文件（WebVTT）"), upload_to=caption_upload_to, max_length=255)

    class Meta:
        verbose_name = _("字幕")
        verbose_name_plural = _("字幕")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["media", "language"], name="media_caption_one_per_language")]

    def __str__(self):
        return f"{self.media_id}:{self.language}"
