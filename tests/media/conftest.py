"""Media files for the media tests, made once per run by ffmpeg's test sources (testsrc picture, sine tone):
a few seconds each, plus the bad inputs the ingest must refuse. Nothing is downloaded or checked in."""

import shutil
import subprocess
from pathlib import Path

import pytest

FFMPEG = ["ffmpeg", "-nostdin", "-hide_banner", "-v", "error", "-y"]


def _ffmpeg(*args: str) -> None:
    subprocess.run([*FFMPEG, *args], check=True, timeout=120)


def _video(path: Path, *, size: str, seconds: float, audio: bool = True, rate: int = 10, source="testsrc") -> Path:
    args = ["-f", "lavfi", "-i", f"{source}=size={size}:rate={rate}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-c:a", "aac", "-shortest"]
    _ffmpeg(
        *args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(path)
    )
    return path


def _audio(path: Path, *, seconds: float, codec: list[str]) -> Path:
    _ffmpeg("-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", *codec, str(path))
    return path


@pytest.fixture(scope="session")
def media_files(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None:
        pytest.fail("ffmpeg/ffprobe are not installed (Debian package `ffmpeg`): the media tests need them")
    d = tmp_path_factory.mktemp("media-files")
    files = {
        "video": _video(d / "lesson.mp4", size="640x360", seconds=2),
        "video_720": _video(d / "lesson720.mov", size="1280x720", seconds=1),
        # Upright and smaller than 360p: its "360p" stays at its own 180 px width.
        "upright": _video(d / "upright.mp4", size="180x320", seconds=1, audio=False),
        "mp3": _audio(d / "talk.mp3", seconds=2, codec=["-c:a", "libmp3lame", "-b:a", "64k"]),
        "m4a": _audio(d / "talk.m4a", seconds=2, codec=["-c:a", "aac"]),
        "wav": _audio(d / "talk.wav", seconds=1, codec=["-ac", "1", "-ar", "8000"]),
        # An audio file with a video extension: AAC sound only, in an MP4 container.
        "audio_as_mp4": _audio(d / "sound-only.mp4", seconds=2, codec=["-c:a", "aac"]),
        # 8K: a plain colour, which encodes in a moment (testsrc at 8K takes seconds).
        "eight_k": _video(d / "eight-k.mp4", size="7680x4320", seconds=2, audio=False, rate=1, source="color"),
        "zero": _video(d / "zero.mp4", size="320x240", seconds=0.04, audio=False),
    }
    # A program renamed to .mp4.
    exe = d / "setup.mp4"
    exe.write_bytes(b"MZ\x90\x00" + bytes(range(256)) * 64)
    files["exe"] = exe
    # An HLS playlist renamed .mp4: were it read as a playlist, ffmpeg would fetch its URL (or read local files).
    playlist = d / "playlist.mp4"
    playlist.write_text("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\nhttp://127.0.0.1:9/x.ts\n#EXT-X-ENDLIST\n")
    files["playlist"] = playlist
    # An MP4 cut short (an interrupted copy): its header parses, its end is missing.
    whole = files["video"].read_bytes()
    truncated = d / "cut.mp4"
    truncated.write_bytes(whole[: len(whole) * 2 // 3])
    files["truncated"] = truncated
    return files


@pytest.fixture
def media_root(settings, tmp_path):
    """This test's own files: public renditions under MEDIA_ROOT, private originals under VAR_DIR/private."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path
    return tmp_path
