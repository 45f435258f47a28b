"""Lesson media in, renditions out: uploads through the admin as a school's staff, checked by ffprobe, made into
renditions by the real task (run in-process, as `make run` does), with real ffmpeg on test-source media."""

import datetime
import json
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from media.models import CaptionTrack, LessonMedia, MediaRendition
from media.probe import MediaRefused, probe_upload
from media.selectors import caption_tracks, is_playable, playable_sources
from media.selectors import processing_outbox as media_outbox_ids
from media.services import CaptionInput, media_create_from_file
from media.tasks import media_outbox_dispatch
from publishing.services import provider_collection_of, provider_group_of

pytestmark = pytest.mark.django_db

SRT = "1\r\n00:00:00,000 --> 00:00:01,500\r\n梨树修剪第一步\r\n\r\n2\r\n00:00:01,500 --> 00:00:02,000\r\n看树形\r\n"


def _collection(tree, school="school_a"):
    return provider_collection_of(provider_group_of(tree[school]))


def _upload(client, tree, path: Path, *, media_type="video", caption: tuple[str, bytes] | None = None, **extra):
    data = {
        "title": "梨树冬季修剪",
        "file": SimpleUploadedFile(path.name, path.read_bytes()),
        "collection": _collection(tree).pk,
        "transcript": "第一步，看树形。",
        "tags": "",
        **extra,
    }
    if caption:
        data["caption_file"] = SimpleUploadedFile(caption[0], caption[1])
    return client.post(reverse("wagtailmedia:add", args=(media_type,)), data)


def _probe(path) -> dict:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
        capture_output=True,
        check=True,
    )
    return json.loads(result.stdout)


def _moov_before_mdat(path) -> bool:
    data = Path(path).read_bytes()
    return 0 <= data.find(b"moov") < data.find(b"mdat")


def test_staff_upload_becomes_a_playable_lesson(
    client, tree, staff_a, media_files, media_root, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, tree, media_files["video"], caption=("lesson.srt", SRT.encode("utf-8")))
    assert response.status_code == 302, response.content.decode()[:2000]

    media = LessonMedia.objects.get()
    assert media.status == LessonMedia.Status.READY
    assert (media.type, media.width, media.height) == ("video", 640, 360)
    assert media.duration_seconds == pytest.approx(2, abs=0.1)
    assert media.collection == _collection(tree)
    # 640×360: one MP4 size (never upscaled to 540p/720p), listen-only sound, a poster.
    assert set(media.renditions.values_list("kind", "status")) == {
        ("mp4_360", "ready"),
        ("audio_64k", "ready"),
        ("poster", "ready"),
    }
    sources = playable_sources(media)
    assert [s.kind for s in sources] == ["mp4_360", "audio_64k"]
    assert is_playable(media)

    video = _probe(Path(settings.MEDIA_ROOT) / sources[0].url.removeprefix(settings.MEDIA_URL))
    codecs = {s["codec_type"]: s["codec_name"] for s in video["streams"]}
    assert codecs == {"video": "h264", "audio": "aac"}
    assert _moov_before_mdat(media.renditions.get(kind="mp4_360").file.path)  # +faststart
    audio = _probe(media.renditions.get(kind="audio_64k").file.path)
    assert [s["codec_type"] for s in audio["streams"]] == ["audio"]
    assert int(audio["streams"][0]["bit_rate"]) <= 70_000

    # The SRT was converted: players get WebVTT.
    [track] = caption_tracks(media)
    assert track.file.read().decode().startswith("WEBVTT")

    # The original is private: not under MEDIA_ROOT, and the admin links it through the checked download.
    assert not Path(media.file.path).is_relative_to(settings.MEDIA_ROOT)
    assert media.url == reverse("lesson_media_original", args=(media.pk,))
    download = client.get(media.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == media_files["video"].read_bytes()


def test_a_larger_source_gets_every_size_by_its_shorter_side(
    tree, media_files, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        wide = media_create_from_file(path=media_files["video_720"], title="720p", collection=_collection(tree))
        upright = media_create_from_file(path=media_files["upright"], title="竖屏", collection=_collection(tree))
    wide.refresh_from_db()
    sizes = {r.kind: (r.width, r.height) for r in wide.renditions.exclude(kind="poster")}
    assert sizes == {"mp4_360": (640, 360), "mp4_540": (960, 540), "mp4_720": (1280, 720), "audio_64k": (None, None)}
    assert [s.kind for s in playable_sources(wide)] == ["mp4_360", "mp4_540", "mp4_720", "audio_64k"]
    # A phone held upright and smaller than 360p: sized by its shorter side, never made larger; no sound, so no
    # listen-only track.
    assert {r.kind: (r.width, r.height) for r in upright.renditions.all()} == {
        "mp4_360": (180, 320),
        "poster": (180, 320),
    }


def test_audio_lessons_get_the_listen_only_track(tree, media_files, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        media = media_create_from_file(path=media_files["mp3"], title="广播课", collection=_collection(tree))
    media.refresh_from_db()
    assert (media.type, media.status) == ("audio", LessonMedia.Status.READY)
    assert [s.kind for s in playable_sources(media)] == ["audio_64k"]


@pytest.mark.parametrize("name", ["m4a", "wav"])
def test_other_audio_formats_are_accepted(name, media_files):
    path = media_files[name]
    probed = probe_upload(str(path), extension=path.suffix, size_bytes=path.stat().st_size)
    assert (probed.media_type, probed.has_audio) == ("audio", True)


@pytest.mark.parametrize(
    ("name", "media_type", "reason"),
    [
        ("exe", "video", "这不是可以播放的音视频文件"),
        ("playlist", "video", "这不是可以播放的音视频文件"),
        ("truncated", "video", "文件不完整"),
        ("zero", "video", "0 秒"),
        ("eight_k", "video", "画面尺寸 7680×4320 超出上限"),
        ("audio_as_mp4", "video", "文件里没有画面"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(
    name, media_type, reason, client, tree, staff_a, media_files, media_root, django_capture_on_commit_callbacks
):
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(client, tree, media_files[name], media_type=media_type)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not LessonMedia.objects.exists()
    assert not list((media_root / "private").rglob("*.*")) if (media_root / "private").exists() else True


def test_a_ten_hour_file_is_refused(settings, tree, media_files):
    # Ten real hours cannot be made in a test: the limit is lowered under a real file instead.
    settings.LESSON_MEDIA_MAX_SECONDS = 1
    with pytest.raises(MediaRefused) as refused:
        probe_upload(str(media_files["video"]), extension="mp4", size_bytes=media_files["video"].stat().st_size)
    assert refused.value.code == "too_long"


def test_a_server_without_ffmpeg_says_so_instead_of_failing(settings, media_files):
    settings.LESSON_MEDIA_FFPROBE = "/nonexistent/ffprobe"
    with pytest.raises(MediaRefused) as refused:
        probe_upload(str(media_files["video"]), extension="mp4", size_bytes=media_files["video"].stat().st_size)
    assert refused.value.code == "tools_missing" and "ffmpeg" in refused.value.message


def test_a_huge_upload_is_refused_before_it_is_stored(client, tree, staff_a, media_files, media_root, settings):
    settings.LESSON_MEDIA_MAX_UPLOAD_BYTES = 20_000
    assert media_files["video"].stat().st_size > 20_000
    client.force_login(staff_a)
    response = _upload(client, tree, media_files["video"])
    assert response.status_code == 200
    assert "文件超过大小上限" in response.content.decode()
    assert not LessonMedia.objects.exists()


def test_a_malformed_caption_file_is_refused(client, tree, staff_a, media_files, media_root):
    client.force_login(staff_a)
    bad = b"WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\nhello\n"
    response = _upload(client, tree, media_files["video"], caption=("lesson.vtt", bad))
    assert response.status_code == 200
    assert "字幕文件格式有误" in response.content.decode()
    assert not LessonMedia.objects.exists()
    assert not CaptionTrack.objects.exists()


def test_captions_after_the_end_are_refused(tree, media_files, media_root):
    late = b"WEBVTT\n\n00:10:00.000 --> 00:10:02.000\n\xe5\x8f\xa6\xe4\xb8\x80\xe8\x8a\x82\n"
    with pytest.raises(MediaRefused) as refused:
        media_create_from_file(
            path=media_files["video"],
            title="x",
            collection=_collection(tree),
            captions=[CaptionInput(data=late, filename="x.vtt")],
        )
    assert refused.value.code == "caption_beyond_end"
    assert not LessonMedia.objects.exists()


def test_a_failed_rendition_shows_in_the_admin_and_can_be_retried(
    client, tree, staff_a, staff_b, media_files, media_root, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        media = media_create_from_file(path=media_files["video"], title="梨树修剪", collection=_collection(tree))
    settings.LESSON_MEDIA_FFMPEG = "false"  # an encoder that fails every time
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    media.refresh_from_db()
    assert media.status == LessonMedia.Status.FAILED
    assert set(media.renditions.values_list("status", flat=True)) == {MediaRendition.Status.FAILED}
    assert playable_sources(media) == [] and not is_playable(media)

    client.force_login(staff_a)
    page = client.get(reverse("lesson_media_processing")).content.decode()
    assert "梨树修剪" in page and "处理失败" in page and "重试" in page

    # Another school's staff neither see it nor retry it.
    client.force_login(staff_b)
    assert "梨树修剪" not in client.get(reverse("lesson_media_processing")).content.decode()
    assert client.post(reverse("lesson_media_retry", args=(media.pk,))).status_code == 404
    assert client.get(reverse("lesson_media_original", args=(media.pk,))).status_code == 404
    assert client.get(reverse("wagtailmedia:edit", args=(media.pk,))).status_code in (302, 403)

    settings.LESSON_MEDIA_FFMPEG = "ffmpeg"
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("lesson_media_retry", args=(media.pk,)))
    assert response.status_code == 302
    media.refresh_from_db()
    assert media.status == LessonMedia.Status.READY
    assert [s.kind for s in playable_sources(media)] == ["mp4_360", "audio_64k"]


def test_only_ready_renditions_of_ready_media_are_listed(tree):
    media = LessonMedia.objects.create(
        title="x", file="lesson-originals/x.mp4", type="video", collection=_collection(tree), status="ready"
    )
    for kind, status in [("mp4_360", "ready"), ("mp4_540", "pending"), ("audio_64k", "failed"), ("poster", "ready")]:
        MediaRendition.objects.create(media=media, kind=kind, status=status, file=f"lessons/{media.pk}/{kind}")
    assert [s.kind for s in playable_sources(media)] == ["mp4_360"]
    media.status = LessonMedia.Status.PROCESSING
    assert playable_sources(media) == [] and not is_playable(media)


def test_work_lost_to_a_broker_outage_is_queued_again(
    tree, media_files, media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # queued, then lost: the callbacks never run
        media = media_create_from_file(path=media_files["mp3"], title="广播课", collection=_collection(tree))
    assert media_outbox_ids() == ([], [])  # just uploaded: maybe still in the queue
    LessonMedia.objects.filter(pk=media.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    assert media_outbox_ids() == ([media.pk], [])
    with django_capture_on_commit_callbacks(execute=True):
        media_outbox_dispatch.delay()
    media.refresh_from_db()
    assert media.status == LessonMedia.Status.READY


def test_deleting_a_media_deletes_its_files(tree, media_files, media_root, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        media = media_create_from_file(
            path=media_files["mp3"],
            title="广播课",
            collection=_collection(tree),
            captions=[CaptionInput(data=SRT.encode(), filename="a.srt")],
        )
    paths = [Path(r.file.path) for r in media.renditions.all()] + [Path(media.captions.get().file.path)]
    paths.append(Path(media.file.path))
    assert all(p.exists() for p in paths)
    with django_capture_on_commit_callbacks(execute=True):
        media.delete()
    assert not any(p.exists() for p in paths)
