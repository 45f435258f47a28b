"""What an uploaded file really is, asked of ffprobe (never of its name or its declared type).

`probe_upload` refuses, with a reason a member of staff can act on, anything that is not a whole audio or video
file within the limits in settings (LESSON_MEDIA_*). ffprobe/ffmpeg are called with argument lists, no shell.
"""

import json
import math
import subprocess
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.refusals import Refused

# Containers ffprobe reports for each extension we take (its `format_name` lists the family it parsed).
FORMATS_BY_EXTENSION = {
    "mp4": "mov,mp4,m4a,3gp,3g2,mj2",
    "mov": "mov,mp4,m4a,3gp,3g2,mj2",
    "m4a": "mov,mp4,m4a,3gp,3g2,mj2",
    "mp3": "mp3",
    "wav": "wav",
}
# The demuxer each extension is read with. Forced, never guessed: a playlist or concat script renamed .mp4 would
# otherwise be followed by ffmpeg (fetching URLs or reading other local files); forced, it is just not an MP4.
DEMUXERS = {"mp4": "mov", "mov": "mov", "m4a": "mov", "mp3": "mp3", "wav": "wav"}
# And only local files, whatever a container refers to.
INPUT_GUARD = ["-protocol_whitelist", "file"]
VIDEO_EXTENSIONS = {"mp4", "mov"}
PROBE_TIMEOUT_SECONDS = 60


class MediaRefused(Refused):
    STATUS = {"too_large": 413}


@dataclass(frozen=True)
class ProbeResult:
    format_name: str
    duration: float
    has_video: bool
    has_audio: bool
    width: int | None = None
    height: int | None = None
    bitrate: int | None = None

    @property
    def media_type(self) -> str:
        return "video" if self.has_video else "audio"


def _run(args: list[str], timeout: int = PROBE_TIMEOUT_SECONDS) -> subprocess.CompletedProcess:
    # An argument list from our own settings and a path we chose, never a shell: nothing to inject into.
    try:
        return subprocess.run(args, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)  # noqa: S603
    except FileNotFoundError:
        # A server without the Debian package: every upload would fail, so say what is missing instead of a 500.
        raise MediaRefused("tools_missing", _("服务器还没有安装 ffmpeg，暂时不能上传音视频，请联系管理员。")) from None


def _input(path: str, demuxer: str | None) -> list[str]:
    return [*INPUT_GUARD, *(["-f", demuxer] if demuxer else []), "-i", path]


def ffprobe_json(path: str, demuxer: str | None = None) -> dict | None:
    """ffprobe's view of the file, or None when it cannot parse it at all."""
    result = _run(
        [settings.LESSON_MEDIA_FFPROBE, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
        + _input(path, demuxer)
    )
    if result.returncode != 0:
        return None
    try:
        return json.loads(result.stdout or b"{}")
    except ValueError:
        return None


def _tail_decodes(path: str, demuxer: str) -> bool:
    """Decode the last two seconds: a file cut short (an interrupted copy) fails here though its header parses."""
    result = _run(
        [settings.LESSON_MEDIA_FFMPEG, "-nostdin", "-v", "error", "-xerror", "-sseof", "-2"]
        + _input(path, demuxer)
        + ["-f", "null", "-"]
    )
    return result.returncode == 0


def _real_streams(info: dict, codec_type: str) -> list[dict]:
    # A cover picture inside an M4A/MP3 is a "video" stream with the attached_pic flag: it is not moving picture.
    return [
        s
        for s in info.get("streams", [])
        if s.get("codec_type") == codec_type and not s.get("disposition", {}).get("attached_pic")
    ]


def _float(value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) else 0.0


def probe_file(path: str, demuxer: str | None = None) -> ProbeResult | None:
    info = ffprobe_json(path, demuxer)
    if not info or "format" not in info:
        return None
    video, audio = _real_streams(info, "video"), _real_streams(info, "audio")
    first_video = video[0] if video else {}
    return ProbeResult(
        format_name=info["format"].get("format_name", ""),
        duration=_float(info["format"].get("duration")),
        has_video=bool(video),
        has_audio=bool(audio),
        width=first_video.get("width"),
        height=first_video.get("height"),
        bitrate=int(_float(info["format"].get("bit_rate"))) or None,
    )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:g}"


def probe_upload(path: str, *, extension: str, size_bytes: int) -> ProbeResult:
    """Check an uploaded file; return what it is, or raise MediaRefused saying why it cannot be a lesson."""
    extension = extension.lower().lstrip(".")
    if size_bytes > settings.LESSON_MEDIA_MAX_UPLOAD_BYTES:
        raise MediaRefused("too_large", too_large_message())
    if extension not in FORMATS_BY_EXTENSION:
        raise MediaRefused(
            "extension", _("不支持这种文件（.%(ext)s）：请上传 MP4、MOV、MP3、M4A 或 WAV。") % {"ext": extension}
        )
    probed = probe_file(path, DEMUXERS[extension])
    if probed is None or probed.format_name != FORMATS_BY_EXTENSION[extension]:
        raise MediaRefused(
            "not_media", _("这不是可以播放的音视频文件（文件内容与 .%(ext)s 不符）。") % {"ext": extension}
        )
    if not probed.has_video and not probed.has_audio:
        raise MediaRefused("no_streams", _("文件里既没有画面也没有声音。"))
    if extension in VIDEO_EXTENSIONS and not probed.has_video:
        raise MediaRefused(
            "no_video",
            _("文件扩展名是视频（.%(ext)s），但文件里没有画面：声音课请上传 MP3、M4A 或 WAV。") % {"ext": extension},
        )
    if extension not in VIDEO_EXTENSIONS and probed.has_video:
        raise MediaRefused("unexpected_video", _("这个文件里有画面：视频课请上传 MP4 或 MOV。"))
    if probed.duration < settings.LESSON_MEDIA_MIN_SECONDS:
        raise MediaRefused("too_short", _("文件时长为 0 秒或无法读出时长。"))
    if probed.duration > settings.LESSON_MEDIA_MAX_SECONDS:
        raise MediaRefused(
            "too_long",
            _("文件时长 %(actual)s 分钟，超过上限 %(limit)s 分钟：请分成几节课上传。")
            % {"actual": round(probed.duration / 60), "limit": _minutes(settings.LESSON_MEDIA_MAX_SECONDS)},
        )
    if probed.has_video and (
        not probed.width
        or not probed.height
        or max(probed.width, probed.height) > settings.LESSON_MEDIA_MAX_LONG_SIDE
        or min(probed.width, probed.height) > settings.LESSON_MEDIA_MAX_SHORT_SIDE
    ):
        raise MediaRefused(
            "resolution",
            _("画面尺寸 %(w)s×%(h)s 超出上限 %(max_w)s×%(max_h)s（4K）。")
            % {
                "w": probed.width,
                "h": probed.height,
                "max_w": settings.LESSON_MEDIA_MAX_LONG_SIDE,
                "max_h": settings.LESSON_MEDIA_MAX_SHORT_SIDE,
            },
        )
    if not _tail_decodes(path, DEMUXERS[extension]):
        raise MediaRefused("truncated", _("文件不完整（可能没有上传或复制完），请重新导出后上传。"))
    return probed


def too_large_message() -> str:
    limit_mb = settings.LESSON_MEDIA_MAX_UPLOAD_BYTES // (1024 * 1024)
    return _("文件超过大小上限 %(limit)s MB。") % {"limit": limit_mb}
