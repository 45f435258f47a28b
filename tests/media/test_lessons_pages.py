"""Lesson pages as residents and staff meet them: the player (or a clear "not available yet"), the course page's
lesson list by the course's form, the page tree rules, and the review workflow before residents see a lesson."""

import pytest
from bs4 import BeautifulSoup
from wagtail.models import Page

from courses.models import CourseForm, CoursePage
from media.models import LessonPage
from tests.factories import course_page
from tests.media.lessons import lesson_page, online_course, ready_media

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(tree):
    return online_course(tree["school_a"], lessons=2, duration=300.0)


def soup(response):
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def test_lesson_page_has_a_player_with_360p_captions_transcript_and_next_lesson(client, course):
    _course, lessons = course
    page = soup(client.get(lessons[0].url))
    video = page.select_one("video[data-media]")
    assert video is not None and "controls" in video.attrs
    assert [s["data-kind"] for s in video.select("source")] == ["mp4_360"]
    track = video.select_one("track")
    assert track["kind"] == "captions" and track["srclang"] == "zh-Hans" and "default" in track.attrs
    assert [o.text for o in page.select("[data-speed] option")] == ["0.75×", "1×", "1.25×", "1.5×"]
    assert [o.text for o in page.select("[data-quality] option")] == ["360p", "540p"]
    assert page.select_one("[data-action=listen]")["data-audio-src"].endswith(".m4a")
    assert "剪去徒长枝" in page.select_one(".transcript").text
    assert page.select_one(".lesson-nav a.button--primary")["href"] == lessons[1].url
    assert page.select_one("script[src$='media/player.js']") is not None
    # No inline script beyond the site's own hashed one (CSP), and no reporting URL for a visitor.
    assert "data-progress-url" not in str(page.select_one("[data-player]").attrs)
    assert not page.select_one("[data-player] script")


def test_a_lesson_whose_media_is_not_ready_says_so(client, course):
    _course, lessons = course
    media = ready_media(kinds=())
    media.status = "processing"
    media.save()
    lessons[0].media = media
    lessons[0].save_revision().publish()
    page = soup(client.get(lessons[0].url))
    assert page.select_one("video") is None
    assert "还在准备中" in page.select_one(".player-unavailable").text


def test_signed_in_learner_gets_reporting_and_resume(client, course, learner):
    _course, lessons = course
    client.force_login(learner)
    player = soup(client.get(lessons[0].url)).select_one("[data-player]")
    assert player["data-progress-url"] == f"/api/v1/lessons/{lessons[0].pk}/progress"
    assert player["data-resume"] == "0.0"


def test_course_page_lists_lessons_by_form(client, tree, course):
    course_page_, lessons = course
    page = soup(client.get(course_page_.url))
    links = [a["href"] for a in page.select(".lesson-list a")]
    assert links == [lesson.url for lesson in lessons]
    assert page.select_one("#h-classes") is None  # all online: no empty class section
    blended = course_page(tree["school_a"], title="混合课", form=CourseForm.BLENDED)
    page = soup(client.get(blended.url))
    assert page.select_one("#h-lessons") and page.select_one("#h-classes")
    offline = course_page(tree["school_a"], title="面授课", form=CourseForm.OFFLINE)
    page = soup(client.get(offline.url))
    assert page.select_one("#h-lessons") is None and page.select_one("#h-classes")


def test_unpublished_lesson_is_not_shown(client, course):
    course_page_, lessons = course
    draft = lesson_page(course_page_, ready_media(), title="草稿课", publish=False)
    assert client.get(draft.url or f"{course_page_.url}{draft.slug}/").status_code == 404
    assert "草稿课" not in client.get(course_page_.url).content.decode()


def test_lessons_live_only_under_courses():
    assert LessonPage.parent_page_types == ["courses.CoursePage"] and LessonPage.subpage_types == []
    assert "media.LessonPage" in CoursePage.subpage_types
    assert LessonPage in CoursePage.allowed_subpage_models()


def test_school_staff_submit_lessons_for_review_and_cannot_publish(tree, course, staff_a, staff_b):
    """The catalogue's review workflow covers lessons: a school's staff may edit their lesson but only submit it;
    the other school's staff cannot even edit it."""
    _course, lessons = course
    lesson = Page.objects.get(pk=lessons[0].pk)
    assert lesson.get_workflow() is not None and lesson.get_workflow().name == "课程审核"
    own = lesson.permissions_for_user(staff_a)
    assert own.can_edit() and not own.can_publish()
    assert not lesson.permissions_for_user(staff_b).can_edit()
