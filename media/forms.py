"""The lesson media form wagtailmedia's add/edit/chooser-upload views use (WAGTAILMEDIA["MEDIA_FORM_BASE"]).

The uploaded file is checked with ffprobe in `clean_file` (its errors show on the file field), the kind
(video/audio) comes from what the file really holds, and captions (WebVTT or SRT) are checked in
`clean_caption_file`. Saving goes through media.services.media_store, which queues the renditions.
"""

import os

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtailmedia.forms import BaseMediaForm

from media.captions import MAX_CAPTION_BYTES, caption_to_webvtt
from media.probe import MediaRefused, probe_upload, too_large_message
from media.services import CaptionInput, media_store
from media.uploads import upload_local_path


class LessonMediaForm(BaseMediaForm):
    caption_file = forms.FileField(
        label=_("字幕文件"), required=False, help_text=_("WebVTT（.vtt）或 SRT（.srt）文件；SRT 会自动转换为 WebVTT。")
    )
    caption_language = forms.CharField(label=_("字幕语言代码"), initial="zh-Hans", max_length=16, required=False)
    caption_label = forms.CharField(label=_("字幕名称"), initial="中文", max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.probed = None
        self.captions: list[CaptionInput] = []
        if "file" in self.fields:
            self.fields["file"].help_text = _("MP4、MOV（视频）或 MP3、M4A、WAV（声音）。上传后自动检查并转码。")

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if not isinstance(upload, UploadedFile):
            return upload  # unchanged on edit
        if getattr(upload, "refused_too_large", False):
            raise ValidationError(too_large_message(), code="too_large")
        extension = os.path.splitext(upload.name or "")[1]
        try:
            with upload_local_path(upload) as path:
                self.probed = probe_upload(path, extension=extension, size_bytes=upload.size)
        except MediaRefused as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from refusal
        # The file says whether it is video or audio, whichever "add" button was used.
        self.instance.type = self.probed.media_type
        return upload

    def clean_caption_file(self):
        upload = self.cleaned_data.get("caption_file")
        if not upload:
            return upload
        if upload.size > MAX_CAPTION_BYTES or getattr(upload, "refused_too_large", False):
            raise ValidationError(_("字幕文件超过 2 MB。"), code="caption_too_large")
        data = upload.read()
        duration = self.probed.duration if self.probed else self.instance.duration_seconds
        try:
            caption_to_webvtt(data, filename=upload.name or "", duration=duration or None)
        except MediaRefused as refusal:
            raise ValidationError(refusal.message, code=refusal.code) from refusal
        self.captions = [CaptionInput(data=data, filename=upload.name or "")]
        return upload

    def clean(self):
        cleaned = super().clean()
        if self.captions:
            language = (cleaned.get("caption_language") or "zh-Hans").strip()
            label = (cleaned.get("caption_label") or "中文").strip()
            self.captions = [
                CaptionInput(data=c.data, filename=c.filename, language=language, label=label) for c in self.captions
            ]
        return cleaned

    def save(self, commit=True):
        media = super().save(commit=False)
        if commit:
            media_store(media=media, probed=self.probed, captions=self.captions)
            self.save_m2m()
        return media
