"""Watching counts as learning (media.progress_services): credit capped by real time, hours in the record, lesson
and course completion with a certificate, xAPI Video Profile statements on events only, refusals change nothing."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from media.models import LessonProgress, LessonViewing, OnlineCompletion
from media.progress_services import ProgressRefused, progress_report, viewing_start
from records.models import Certificate, LearningEntry, XapiStatement
from tests.factories import UserFactory
from tests.media.lessons import online_course, ready_media

pytestmark = pytest.mark.django_db

VIDEO = "https://w3id.org/xapi/video/extensions/"


@pytest.fixture
def course(tree):
    return online_course(tree["school_a"], lessons=2, duration=1200.0)


def _viewing(learner, lesson, *, ago: float = 0.0) -> LessonViewing:
    viewing = viewing_start(learner=learner, lesson_id=lesson.pk)
    LessonViewing.objects.filter(pk=viewing.pk).update(started_at=viewing.started_at - datetime.timedelta(seconds=ago))
    viewing.refresh_from_db()
    return viewing


def _watch(learner, lesson, viewing, *, until: float, step: float = 100.0, start: float = 0.0):
    """Play from `start` to `until` honestly: a report every `step` lesson seconds, as much real time apart."""
    now = viewing.started_at
    result = None
    at = start
    while at < until:
        at = min(until, at + step)
        now += datetime.timedelta(seconds=step)
        result = progress_report(
            learner=learner, lesson_id=lesson.pk, viewing_id=viewing.id, segments=[[start, at]], position=at, now=now
        )
    return result


def test_credit_is_capped_by_the_time_since_the_viewing_opened(course, learner):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson, ago=10)
    result = progress_report(
        learner=learner, lesson_id=lesson.pk, viewing_id=viewing.id, segments=[[0, 1200]], position=1200
    )
    # 10 real seconds: at most 10 × 1.5 + 5 = 20 lesson seconds, however much was claimed.
    assert 20 <= result.credited_seconds <= 21 and result.unique_seconds == result.credited_seconds
    assert not result.completed
    # Reporting the same again at once adds (almost) nothing; the rest is credited as real time passes.
    again = progress_report(
        learner=learner,
        lesson_id=lesson.pk,
        viewing_id=viewing.id,
        segments=[[0, 1200]],
        position=1200,
        now=timezone.now() + datetime.timedelta(seconds=100),
    )
    assert 170 <= again.unique_seconds <= 176


def test_honest_watching_becomes_hours_once_and_completes_the_lesson(course, learner):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson)
    result = _watch(learner, lesson, viewing, until=1080)  # 90% of 1200 s
    assert result.unique_seconds == 1080 and result.completed and not result.course_completed
    entry = LearningEntry.objects.get(learner=learner)
    assert entry.hours == Decimal("0.3") and "第1课" in entry.title  # 18 minutes
    # Watching it again changes nothing in the record.
    again = _viewing(learner, lesson)
    _watch(learner, lesson, again, until=1080)
    assert LearningEntry.objects.get(learner=learner).hours == Decimal("0.3")
    assert XapiStatement.objects.filter(learner=learner, verb="completed").count() == 1


def test_seeking_past_a_part_never_counts_it(course, learner):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson)
    now = viewing.started_at + datetime.timedelta(seconds=60)
    # Watched 0–30, jumped to 600, watched 600–630: 60 s in 60 s of real time.
    result = progress_report(
        learner=learner,
        lesson_id=lesson.pk,
        viewing_id=viewing.id,
        segments=[[0, 30], [600, 630]],
        position=630,
        event="seek",
        seek=(30, 600),
        now=now,
    )
    assert result.unique_seconds == 60
    progress = LessonProgress.objects.get(learner=learner, lesson=lesson)
    assert progress.segments == [[0, 30], [600, 630]] and progress.position == 630
    seeked = XapiStatement.objects.get(learner=learner, verb="seeked").statement
    assert seeked["result"]["extensions"] == {f"{VIDEO}time-from": 30.0, f"{VIDEO}time-to": 600.0}


def test_segments_beyond_the_end_are_clamped(course, learner):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson, ago=1000)
    result = progress_report(
        learner=learner, lesson_id=lesson.pk, viewing_id=viewing.id, segments=[[1100, 5000]], position=9999
    )
    assert result.unique_seconds == 100 and result.position == 1200


def test_all_lessons_complete_completes_the_course_with_a_certificate(course, learner):
    course_page, lessons = course
    first = _watch(learner, lessons[0], _viewing(learner, lessons[0]), until=1200)
    assert first.completed and not first.course_completed
    # The second lesson reaches 90% (1080 s) in the report that completes the course.
    last = _watch(learner, lessons[1], _viewing(learner, lessons[1]), until=1080)
    assert last.course_completed
    _watch(learner, lessons[1], _viewing(learner, lessons[1]), start=1080, until=1200)
    completion = OnlineCompletion.objects.get(learner=learner, course=course_page)
    certificate = Certificate.objects.get(source=f"media.course:{completion.pk}")
    assert certificate.course_title == course_page.title and certificate.hours == Decimal("0.6")  # 38 min
    completed = [row.statement["object"]["id"] for row in XapiStatement.objects.filter(verb="completed")]
    assert sum(object_id.endswith(f"/online-course/{course_page.pk}") for object_id in completed) == 1
    assert sum("/lesson/" in object_id for object_id in completed) == 2
    # Watching more afterwards does not complete it twice.
    _watch(learner, lessons[0], _viewing(learner, lessons[0]), until=1200)
    assert OnlineCompletion.objects.count() == 1 and Certificate.objects.count() == 1


def test_staff_set_the_threshold_per_lesson(course, learner):
    _course, (lesson, _second) = course
    lesson.completion_percent = 50
    lesson.save_revision().publish()
    assert _watch(learner, lesson, _viewing(learner, lesson), until=600).completed


def test_statements_follow_the_video_profile_on_events_only(course, learner):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson)
    assert list(XapiStatement.objects.values_list("verb", flat=True)) == ["initialized"]
    _watch(learner, lesson, viewing, until=300)  # heartbeats only
    assert XapiStatement.objects.count() == 1
    now = viewing.started_at + datetime.timedelta(seconds=400)
    progress_report(
        learner=learner, lesson_id=lesson.pk, viewing_id=viewing.id, segments=[[0, 360]], position=360,
        event="pause", now=now,
    )  # fmt: skip
    paused = XapiStatement.objects.get(verb="paused").statement
    assert paused["verb"]["id"] == "https://w3id.org/xapi/video/verbs/paused"
    assert paused["object"]["definition"]["type"] == "https://w3id.org/xapi/video/activity-type/video"
    assert paused["result"]["extensions"][f"{VIDEO}played-segments"] == "0[.]360"
    assert paused["result"]["extensions"][f"{VIDEO}progress"] == 0.3
    assert paused["context"]["registration"] == str(viewing.id)
    assert paused["context"]["extensions"][f"{VIDEO}length"] == 1200.0
    assert paused["context"]["contextActivities"]["category"][0]["id"] == "https://w3id.org/xapi/video"
    assert "13912345678" not in str(paused) and "张三华" not in str(paused)


@pytest.mark.parametrize(
    ("segments", "position"),
    [([[-5, 10]], 10), ([[50, 10]], 10), ([[0, float("nan")]], 10), ([[0, float("inf")]], 10), ([[0, 10]], -1)],
)
def test_forged_reports_are_refused_and_change_nothing(course, learner, segments, position):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson, ago=100)
    with pytest.raises(ProgressRefused) as refused:
        progress_report(
            learner=learner, lesson_id=lesson.pk, viewing_id=viewing.id, segments=segments, position=position
        )
    assert refused.value.status == 400
    assert LessonProgress.objects.get(learner=learner, lesson=lesson).unique_seconds == 0
    assert LessonViewing.objects.get(pk=viewing.pk).last_report_at is None


def test_someone_elses_viewing_unpublished_or_unready_lessons_are_refused(course, learner, tree):
    course_page, (lesson, second) = course
    other = UserFactory()
    viewing = _viewing(other, lesson, ago=100)
    with pytest.raises(ProgressRefused) as refused:
        progress_report(learner=learner, lesson_id=lesson.pk, viewing_id=viewing.id, segments=[[0, 10]], position=10)
    assert refused.value.status == 404
    # A viewing of one lesson cannot report for another.
    with pytest.raises(ProgressRefused):
        progress_report(learner=other, lesson_id=second.pk, viewing_id=viewing.id, segments=[[0, 10]], position=10)
    second.unpublish()
    with pytest.raises(ProgressRefused) as refused:
        viewing_start(learner=learner, lesson_id=second.pk)
    assert refused.value.status == 404
    lesson.media = ready_media(kinds=())
    lesson.media.status = "processing"
    lesson.media.save()
    lesson.save_revision().publish()
    with pytest.raises(ProgressRefused) as refused:
        viewing_start(learner=learner, lesson_id=lesson.pk)
    assert refused.value.status == 409
    assert not LessonProgress.objects.filter(learner=learner).exists()
    assert LessonProgress.objects.get(learner=other).unique_seconds == 0


def test_reporting_often_or_after_a_long_pause_earns_no_more_than_real_time(course, learner):
    _course, (lesson, _second) = course
    viewing = _viewing(learner, lesson, ago=0)
    start = timezone.now()
    # A forger reports every tenth of a second for ten seconds: each report may not bring its own tolerance.
    for step in range(1, 101):
        result = progress_report(
            learner=learner,
            lesson_id=lesson.pk,
            viewing_id=viewing.id,
            segments=[[0, 1200]],
            position=1200,
            now=start + datetime.timedelta(seconds=step / 10),
        )
    assert result.unique_seconds <= 10 * 1.5 + 5 + 1
    # The tab then stays paused for an hour: the next report is credited at most one reporting gap's worth.
    later = progress_report(
        learner=learner,
        lesson_id=lesson.pk,
        viewing_id=viewing.id,
        segments=[[0, 1200]],
        position=1200,
        now=start + datetime.timedelta(seconds=3610),
    )
    assert later.credited_seconds <= 120 * 1.5 + 5 + 1
    assert not later.completed
