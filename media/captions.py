"""Caption files: WebVTT checked cue by cue (webvtt-py, strict), SRT converted to WebVTT, so players only ever
get well-formed WebVTT. Chinese SRT files from Windows tools are often GBK: decoded as GB 18030 when not UTF-8.
"""

import io
import os

import webvtt
from django.utils.translation import gettext as _
from webvtt.errors import MalformedCaptionError, MalformedFileError

from media.probe import MediaRefused

MAX_CAPTION_BYTES = 2 * 1024 * 1024
# Cues may end a little after the media (encoders round durations); beyond this they are a wrong file.
END_TOLERANCE_SECONDS = 2.0


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise MediaRefused("caption_encoding", _("字幕文件的文字编码无法识别，请另存为 UTF-8。"))


def caption_to_webvtt(data: bytes, *, filename: str, duration: float | None = None) -> str:
    """The caption file as WebVTT text, or MediaRefused saying what is wrong with it."""
    if len(data) > MAX_CAPTION_BYTES:
        raise MediaRefused("caption_too_large", _("字幕文件超过 2 MB。"))
    extension = os.path.splitext(filename)[1].lower().lstrip(".")
    if extension not in ("vtt", "srt"):
        raise MediaRefused("caption_extension", _("字幕请上传 WebVTT（.vtt）或 SRT（.srt）文件。"))
    text = _decode(data).replace("\r\n", "\n").replace("\r", "\n")
    try:
        track = webvtt.WebVTT.from_buffer(io.StringIO(text), format=extension, strict=True)
    except (MalformedFileError, MalformedCaptionError) as error:
        raise MediaRefused("caption_malformed", _("字幕文件格式有误：%(error)s") % {"error": error}) from error
    if not track.captions:
        raise MediaRefused("caption_empty", _("字幕文件里没有字幕。"))
    for number, cue in enumerate(track.captions, start=1):
        # Milliseconds: webvtt-py's *_in_seconds round down to whole seconds.
        start_ms, end_ms = cue.start_time.in_milliseconds(), cue.end_time.in_milliseconds()
        if end_ms <= start_ms:
            raise MediaRefused(
                "caption_timing",
                _("第 %(n)s 条字幕的结束时间不晚于开始时间（%(start)s）。") % {"n": number, "start": cue.start},
            )
        if duration and start_ms / 1000 > duration + END_TOLERANCE_SECONDS:
            raise MediaRefused(
                "caption_beyond_end",
                _("第 %(n)s 条字幕开始于 %(start)s，晚于音视频的结尾：是不是另一节课的字幕？")
                % {"n": number, "start": cue.start},
            )
    return track.content
