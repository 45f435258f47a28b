"""The lesson player in a real browser (Debian's Chromium) with real media made by ffmpeg's test sources: a signed-in
resident plays a lesson with the large controls and it counts as learning; 长辈版 has 60 px targets and large
captions; "listen only" swaps to the audio rendition; a lesson whose media is not ready says so; nothing the
page does is refused by the Content-Security-Policy.

Here rather than in tests/media: this package's conftest runs browser tests last, with Playwright beside the ORM.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from media.models import LessonProgress
from records.models import LearningEntry
from tests.factories import UserFactory
from tests.media.lessons import lesson_page, make_test_media, online_course, ready_media

from .pages import build_district, small_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture
def lesson(live_server, tmp_path):
    district = build_district()
    files = make_test_media(tmp_path, seconds=4)
    course, _lessons = online_course(district.school, lessons=0, title="智能手机视频课")
    media = ready_media(title="用微信视频通话", duration=4.0, kinds=("mp4_360", "audio_64k", "poster"), files=files)
    first = lesson_page(course, media, title="第一课 视频通话")
    lesson_page(course, ready_media(title="第二课", duration=4.0), title="第二课 发语音")
    return first


def _log_in(page, live_server, next_url):
    UserFactory(phone="13712340001", display_name="王秀英")
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("手机号码").fill("13712340001")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()


def test_a_resident_watches_a_lesson_and_it_counts(page, live_server, lesson):
    refused = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    _log_in(page, live_server, lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("第一课 视频通话")
    video = page.locator("video[data-media]")
    expect(page.get_by_role("button", name="播放", exact=True)).to_be_visible()
    page.get_by_label("速度").select_option("1.5")
    assert page.evaluate("document.querySelector('video').playbackRate") == 1.5
    page.get_by_role("button", name="播放", exact=True).click()
    expect(page.get_by_role("button", name="暂停", exact=True)).to_be_visible()
    # 4 s of video at 1.5×: ended, reported, and the page shows what was counted.
    page.wait_for_function("() => document.querySelector('video').ended", timeout=15_000)
    # (timeupdate fires every ~250 ms: the first fraction of a second may be missed, never more than was played)
    expect(page.locator("[data-status]")).to_have_text(re.compile(r"已学(9\d|100)%"), timeout=10_000)
    progress = LessonProgress.objects.get(lesson=lesson)
    assert progress.unique_seconds >= 3.5 and progress.completed_at is not None
    assert video.evaluate("v => v.textTracks[0].mode") == "showing"
    # Next lesson and resume: back on the page, the player starts where it stopped (near the end: from 0).
    expect(page.get_by_role("link", name="下一节：第二课 发语音")).to_be_visible()
    assert not refused, refused
    assert not LearningEntry.objects.exists()  # 4 seconds is no tenth of an hour: nothing in the ledger yet


def test_elder_mode_listen_only_and_seeking_earns_nothing(page, live_server, lesson):
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    _log_in(page, live_server, lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("第一课 视频通话")
    small = [t for t in small_targets(page, 60) if not t["inline"]]
    assert not small, small
    cue = page.evaluate(
        """() => { for (const sheet of document.styleSheets) for (const rule of sheet.cssRules) {
                     const s = rule.selectorText || '';
                     if (s.includes('html.elder') && s.includes('::cue')) return rule.style.fontSize; }
                   return null; }"""
    )
    root_px = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert cue == "max(20px, 1.25rem)" and root_px * 1.25 >= 20
    for control in ("播放", "后退10秒", "只听声音", "字幕"):
        box = page.get_by_role("button", name=control, exact=True).bounding_box()
        assert box["height"] >= 60 and box["width"] >= 60, (control, box)

    page.get_by_role("button", name="只听声音").click()
    expect(page.get_by_role("button", name="只听声音")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => document.querySelector('video').currentSrc.endsWith('.m4a')")
    # Jump straight to the end: nothing played, nothing counted.
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate("document.querySelector('video').currentTime = 3.9")
    time.sleep(0.5)
    assert not LessonProgress.objects.filter(lesson=lesson, unique_seconds__gt=0).exists()


def test_a_lesson_not_ready_says_so(page, live_server, lesson):
    media = ready_media(kinds=())
    media.status = "processing"
    media.save()
    lesson.media = media
    lesson.save_revision().publish()
    page.goto(live_server.url + lesson.url)
    expect(page.get_by_role("status").filter(has_text="还在准备中")).to_be_visible()
    expect(page.locator("video")).to_have_count(0)
