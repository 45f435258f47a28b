"""Watching a lesson reaches the real learning record store (ralph-malph) as xAPI Video Profile statements —
initialized, played, paused, seeked, completed — through the records outbox, with the opaque actor and
deterministic ids, and reads back unchanged."""

import datetime

import pytest

from media.models import LessonViewing
from media.progress_services import progress_report, viewing_start
from records.models import LearnerKey, XapiStatement
from tests.media.lessons import online_course
from tests.records.conftest import lrs, lrs_statement, use_lrs  # noqa: F401  (the LRS fixtures)

pytestmark = pytest.mark.django_db


def test_a_watched_lesson_reaches_the_lrs(use_lrs, settings, tree, learner, django_capture_on_commit_callbacks):  # noqa: F811
    settings.XAPI_HOME_PAGE = "https://learning.jizhou.example"
    _course, (lesson, _second) = online_course(tree["school_a"], lessons=2, duration=100.0)
    with django_capture_on_commit_callbacks(execute=True):
        viewing = viewing_start(learner=learner, lesson_id=lesson.pk)
    start = viewing.started_at
    LessonViewing.objects.filter(pk=viewing.pk).update(started_at=start - datetime.timedelta(seconds=1))

    def report(event, segments, position, seconds, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return progress_report(
                learner=learner,
                lesson_id=lesson.pk,
                viewing_id=viewing.id,
                segments=segments,
                position=position,
                event=event,
                now=start + datetime.timedelta(seconds=seconds),
                **extra,
            )

    report("play", [], 0, 1)
    report("heartbeat", [[0, 30]], 30, 31)
    report("pause", [[0, 40]], 40, 41)
    report("seek", [[0, 40]], 60, 45, seek=(40, 60))
    assert report("ended", [[0, 40], [60, 100]], 100, 90).completed is False  # 80%: below 90
    report("seek", [[0, 40], [60, 100]], 40, 95, seek=(100, 40))
    assert report("pause", [[0, 100]], 60, 120).completed

    rows = list(XapiStatement.objects.filter(learner=learner).order_by("created_at"))
    assert [r.verb for r in rows] == [
        "initialized", "played", "paused", "seeked", "paused", "seeked", "paused", "completed",
    ]  # fmt: skip
    key = str(LearnerKey.objects.get(learner=learner).xapi_id)
    for row in rows:
        assert row.pushed_at and not row.rejected_at, (row.verb, row.last_error)
        stored = lrs_statement(use_lrs, str(row.id))
        assert stored["actor"]["account"]["name"] == key
        assert stored["verb"] == row.statement["verb"] and stored["object"] == row.statement["object"]
        assert stored.get("result") == row.statement.get("result")
    completed = rows[-1].statement
    assert completed["result"]["completion"] is True
    assert completed["result"]["extensions"]["https://w3id.org/xapi/video/extensions/progress"] == 1.0
    assert completed["result"]["extensions"]["https://w3id.org/xapi/video/extensions/played-segments"] == "0[.]100"
