"""ffmpeg command lines for each rendition, and running them. No database here: media.services decides what to
make and records the result; this module turns (source, kind) into a finished file at a given path.

Choices (docs/decisions/0011-online-lessons.md): progressive MP4, H.264 Main + AAC-LC, `+faststart` so a phone
starts playing before the whole file arrives; sizes named by the picture's shorter side (an upright phone video's
"360p" is 360 wide), never larger than the source; at most 30 frames a second; a bitrate ceiling per size for
cheap data plans. Always argument lists, never a shell.
"""

import subprocess
from dataclasses import dataclass

from django.conf import settings

from media.probe import INPUT_GUARD

# kind → (shorter side in pixels, video bitrate ceiling, audio bitrate)
VIDEO_LADDER = {
    "mp4_360": (360, "500k", "64k"),
    "mp4_540": (540, "900k", "96k"),
    "mp4_720": (720, "1500k", "96k"),
}
AUDIO_ONLY_BITRATE = "64k"
POSTER_SHORT_SIDE = 720
EXTENSIONS = {"mp4_360": "mp4", "mp4_540": "mp4", "mp4_720": "mp4", "audio_64k": "m4a", "poster": "jpg"}


class TranscodeFailed(Exception):
    """ffmpeg did not make the file; the message is the tail of its error output (for staff, in the admin)."""


@dataclass(frozen=True)
class SourceFacts:
    duration: float
    has_video: bool
    has_audio: bool
    width: int | None
    height: int | None

    @property
    def short_side(self) -> int:
        return min(self.width or 0, self.height or 0)


def renditions_for(source: SourceFacts) -> list[str]:
    """What to make of a source. A video smaller than 360p still gets one MP4 (at its own size); larger sizes
    only when the source has the pixels for them."""
    kinds: list[str] = []
    if source.has_video:
        kinds.append("mp4_360")
        kinds += [
            kind for kind, (side, _v, _a) in VIDEO_LADDER.items() if kind != "mp4_360" and source.short_side >= side
        ]
        kinds.append("poster")
    if source.has_audio:
        kinds.append("audio_64k")
    return kinds


def essential_kind(source: SourceFacts) -> str:
    """The rendition without which nothing can play (the phone default)."""
    return "mp4_360" if source.has_video else "audio_64k"


def _scale_to_short_side(side: int) -> str:
    # iw/ih are after ffmpeg's automatic rotation, so an upright phone video is scaled by its width. -2 keeps the
    # other side even (H.264 4:2:0 needs it).
    return f"scale='if(gte(iw,ih),-2,{side})':'if(gte(iw,ih),{side},-2)'"


def ffmpeg_args(kind: str, source_path: str, output_path: str, source: SourceFacts) -> list[str]:
    base = [settings.LESSON_MEDIA_FFMPEG, "-nostdin", "-hide_banner", "-v", "error", "-y"]
    if kind in VIDEO_LADDER:
        side, maxrate, audio_bitrate = VIDEO_LADDER[kind]
        side = min(side, source.short_side) if source.short_side else side
        side -= side % 2
        args = base + [
            *INPUT_GUARD,
            "-i",
            source_path,
            "-map",
            "0:v:0",
            "-map",
            "0:a:0?",
            "-sn",
            "-dn",
            "-map_metadata",
            "-1",
        ]
        args += ["-vf", _scale_to_short_side(side), "-fpsmax", "30", "-pix_fmt", "yuv420p"]
        args += ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", "main", "-crf", "24"]
        # A two-second buffer at the ceiling: steady enough for a weak mobile signal.
        args += ["-maxrate", maxrate, "-bufsize", f"{int(maxrate.removesuffix('k')) * 2}k"]
        args += ["-c:a", "aac", "-b:a", audio_bitrate, "-ac", "2", "-movflags", "+faststart", "-f", "mp4", output_path]
        return args
    if kind == "audio_64k":
        # Mono: lessons are speech, and 64 kb/s mono AAC sounds better than 64 kb/s stereo.
        return base + [
            *INPUT_GUARD, "-i", source_path, "-map", "0:a:0", "-vn", "-sn", "-dn", "-map_metadata", "-1",
            "-c:a", "aac", "-b:a", AUDIO_ONLY_BITRATE, "-ac", "1",
            "-movflags", "+faststart", "-f", "mp4", output_path,
        ]  # fmt: skip
    if kind == "poster":
        # A frame a tenth of the way in (the first is often black), at most 5 s: seeking before -i is fast.
        at = min(source.duration * 0.1, 5.0)
        side = min(POSTER_SHORT_SIDE, source.short_side or POSTER_SHORT_SIDE)
        return base + [
            "-ss", f"{at:.3f}", *INPUT_GUARD, "-i", source_path, "-map", "0:v:0", "-frames:v", "1",
            "-vf", _scale_to_short_side(side - side % 2), "-q:v", "4", "-f", "image2", "-update", "1", output_path,
        ]  # fmt: skip
    raise ValueError(f"unknown rendition kind {kind!r}")


def timeout_for(kind: str, source: SourceFacts) -> float:
    """Generous: four times real time for a video size on a busy 2-core machine, with a floor for short files."""
    return 60 + source.duration * (4 if kind in VIDEO_LADDER else 1)


def run_ffmpeg(args: list[str], *, timeout: float) -> None:
    try:
        result = subprocess.run(args, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL)  # noqa: S603
    except subprocess.TimeoutExpired as error:
        raise TranscodeFailed(f"ffmpeg took longer than {timeout:.0f} s") from error
    if result.returncode != 0:
        tail = result.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise TranscodeFailed("; ".join(tail) or f"ffmpeg exited with {result.returncode}")
