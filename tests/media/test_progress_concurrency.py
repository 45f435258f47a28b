"""Two tabs (and more) of one learner reporting at the same moment: real threads, each with its own PostgreSQL
connection. The LessonProgress row lock serialises them, so no tab's segments are lost.

PostgreSQL only: SQLite has a single writer, so there is no concurrency to exercise there.
"""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from media.models import LessonProgress, LessonViewing
from media.progress_services import progress_report, viewing_start
from tests.media.lessons import online_course

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so concurrent reports cannot be exercised",
    ),
]

TABS = 8


def test_tabs_reporting_at_once_lose_no_segments(tree, learner):
    _course, (lesson,) = online_course(tree["school_a"], lessons=1, duration=TABS * 100.0)
    viewings = [viewing_start(learner=learner, lesson_id=lesson.pk) for _ in range(TABS)]
    # Each tab has been open long enough to have played its own 100 s part.
    LessonViewing.objects.update(started_at=viewings[0].started_at - datetime.timedelta(seconds=120))
    barrier = threading.Barrier(TABS)

    def tab(i):
        try:
            barrier.wait()
            return progress_report(
                learner=learner,
                lesson_id=lesson.pk,
                viewing_id=viewings[i].id,
                segments=[[i * 100, i * 100 + 100]],
                position=i * 100 + 100,
                event="pause",
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=TABS) as pool:
        results = list(pool.map(tab, range(TABS)))

    progress = LessonProgress.objects.get(learner=learner, lesson=lesson)
    assert progress.segments == [[0, TABS * 100.0]] and progress.unique_seconds == TABS * 100
    assert sorted(r.credited_seconds for r in results) == [100.0] * TABS
    assert sum(r.completed for r in results) >= 1 and progress.completed_at is not None
