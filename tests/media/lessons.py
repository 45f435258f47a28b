"""Builders for the lesson and progress tests: an online course with lessons whose media is READY.

Renditions here are rows with small files written to the test's MEDIA_ROOT (what the lesson page, the API and
the progress services read); the transcoding itself is tested with real ffmpeg in media's asset tests. The
browser tests use `real_media`, a few seconds made by ffmpeg's test sources.
"""

import subprocess
from pathlib import Path

from django.core.files.base import ContentFile
from wagtail.models import Collection

from courses.models import CourseForm
from media.models import CaptionTrack, LessonMedia, LessonPage, MediaRendition
from tests.factories import course_page

VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n梨树修剪第一步\n"


def ready_media(*, title="剪枝要领", duration=120.0, kinds=("mp4_360", "mp4_540", "audio_64k", "poster"), files=None):
    """A READY lesson media of `duration` seconds with READY renditions of `kinds` (tiny placeholder files unless
    `files` maps a kind to real bytes)."""
    media = LessonMedia.objects.create(
        title=title,
        file="lesson-originals/test.mp4",
        type="video",
        duration=duration,
        duration_seconds=duration,
        collection=Collection.get_first_root_node(),
        status=LessonMedia.Status.READY,
        transcript="第一步，看树形。第二步，剪去徒长枝。",
    )
    sizes = {"mp4_360": (640, 360), "mp4_540": (960, 540), "mp4_720": (1280, 720), "poster": (640, 360)}
    for kind in kinds:
        width, height = sizes.get(kind, (None, None))
        rendition = MediaRendition(
            media=media, kind=kind, status=MediaRendition.Status.READY, width=width, height=height
        )
        extension = "jpg" if kind == "poster" else "mp4" if kind.startswith("mp4") else "m4a"
        content = (files or {}).get(kind, b"\0" * 64)
        rendition.file.save(f"{kind}.{extension}", ContentFile(content), save=False)
        rendition.size_bytes = len(content)
        rendition.save()
    track = CaptionTrack(media=media, language="zh-Hans", label="中文")
    track.file.save("zh.vtt", ContentFile(VTT.encode()), save=False)
    track.save()
    return media


def lesson_page(course, media, *, title="第一课 看树形", publish=True, **fields) -> LessonPage:
    lesson = LessonPage(
        title=title, slug=f"l{LessonPage.objects.count()}-{abs(hash(title)) % 10_000}", media=media, **fields
    )
    lesson.live = publish
    course.add_child(instance=lesson)
    revision = lesson.save_revision()
    if publish:
        revision.publish()
    return lesson


def online_course(school, *, lessons=2, duration=120.0, form=CourseForm.ONLINE, title="梨树修剪（线上）"):
    """A live course of `form` with `lessons` live lessons, each `duration` seconds."""
    course = course_page(school, title=title, form=form)
    made = [
        lesson_page(course, ready_media(title=f"第{i + 1}课", duration=duration), title=f"第{i + 1}课")
        for i in range(lessons)
    ]
    return course, made


def make_test_media(directory: Path, *, seconds: int = 4) -> dict[str, bytes]:
    """Real, tiny renditions from ffmpeg's test sources: a 360p H.264/AAC MP4, an AAC audio track, a poster."""
    video, audio, poster = directory / "v.mp4", directory / "a.m4a", directory / "p.jpg"
    base = ["ffmpeg", "-nostdin", "-v", "error", "-y"]
    subprocess.run(
        [*base, "-f", "lavfi", "-i", f"testsrc=size=640x360:rate=15:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k",
         "-movflags", "+faststart", "-shortest", str(video)],
        check=True,
    )  # fmt: skip
    subprocess.run(
        [
            *base,
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            str(audio),
        ],
        check=True,
    )
    subprocess.run([*base, "-i", str(video), "-frames:v", "1", str(poster)], check=True)
    return {"mp4_360": video.read_bytes(), "audio_64k": audio.read_bytes(), "poster": poster.read_bytes()}
