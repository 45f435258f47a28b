"""Writes for watching lessons: opening a viewing, and a viewing's progress reports becoming learning.

A report carries the viewing's played segments (cumulative since it opened), the playhead and what just happened
(a heartbeat, play, pause, seek, end, leaving the page). Under the learner's LessonProgress row lock (two tabs
are serialised, neither loses the other's segments) the segments are checked, clamped to the lesson, and only
what real time allows is credited (see progress_report: neither seeking, nor a tab left paused, nor reporting
often earns anything). The merged unique seconds become hours in the learner's record (one entry per lesson, set,
not added: reporting again changes nothing); the lesson completes at its threshold, and the course's online part
when all its live lessons are complete (records.services.learning_completed: the certificate).

xAPI Video Profile statements go to the records outbox on events only — initialized when a viewing opens, played,
paused (also on end and leave), seeked, completed — never on heartbeats, and at most
MAX_STATEMENTS_PER_VIEWING per viewing. HackSoft style: keyword-only, one transaction each; refusals raise
ProgressRefused and change nothing.
"""

import datetime
import math
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.refusals import Refused
from media import progress as segs
from media.lesson_selectors import (
    course_activity,
    course_issuer,
    course_lessons_all_complete,
    lesson_activity,
    lesson_duration,
    lesson_for_learner,
    lesson_hours_source,
    lesson_sources,
    online_completion,
    seconds_to_hours,
)
from media.models import LessonPage, LessonProgress, LessonViewing, OnlineCompletion
from records import services as records_services
from records.xapi import VideoState

EVENTS = ("heartbeat", "play", "pause", "seek", "ended", "leave")
# Statements a single viewing may put in the outbox (a player pressing pause every second must not flood the
# LRS): beyond this, reports still count, quietly.
MAX_STATEMENTS_PER_VIEWING = 120


class ProgressRefused(Refused):
    STATUS = {"not_found": 404, "viewing_not_found": 404, "not_playable": 409, "invalid": 400}


@dataclass(frozen=True)
class ProgressResult:
    unique_seconds: float
    duration: float
    percent: int
    credited_seconds: float
    position: float
    completed: bool
    course_completed: bool


def _lesson(lesson_id: int) -> LessonPage:
    lesson = lesson_for_learner(lesson_id)
    if lesson is None:
        raise ProgressRefused("not_found", _("没有找到这节课。"))
    if lesson_duration(lesson) <= 0 or not lesson_sources(lesson):
        raise ProgressRefused("not_playable", _("这节课的音视频还没有准备好，暂时不能观看。"))
    return lesson


def _progress_locked(learner: User, lesson: LessonPage) -> LessonProgress:
    LessonProgress.objects.get_or_create(learner=learner, lesson=lesson)
    return LessonProgress.objects.select_for_update().get(learner=learner, lesson=lesson)


def _state(viewing: LessonViewing, progress: LessonProgress, lesson: LessonPage, *, time: float, seek=None):
    duration = lesson_duration(lesson)
    return VideoState(
        session=viewing.id,
        length=duration,
        time=time,
        segments=segs.xapi_segments(tuple(s) for s in viewing.segments),
        progress=progress.unique_seconds / duration if duration else 0.0,
        completion_threshold=lesson.completion_percent / 100,
        seek=seek,
    )


def _statement(
    *,
    verb: str,
    viewing: LessonViewing,
    progress: LessonProgress,
    lesson: LessonPage,
    state: VideoState,
    at,
    hours=None,
) -> None:
    course = lesson.course
    records_services.learning_video_event(
        learner=progress.learner,
        ref=f"{viewing.id}:{viewing.statements}",
        verb=verb,
        activity=lesson_activity(lesson),
        parent=course_activity(course),
        category=course.category,
        state=state,
        at=at,
        hours=hours,
    )
    viewing.statements += 1


def viewing_start(*, learner: User, lesson_id: int) -> LessonViewing:
    """The learner pressed play on a lesson page: a viewing opens (its clock starts) with an "initialized"
    statement. Refused for a lesson residents cannot see, or whose media is not ready."""
    lesson = _lesson(lesson_id)
    now = timezone.now()
    with transaction.atomic():
        progress = _progress_locked(learner, lesson)
        viewing = LessonViewing.objects.create(progress=progress)
        _statement(
            verb="initialized",
            viewing=viewing,
            progress=progress,
            lesson=lesson,
            state=_state(viewing, progress, lesson, time=progress.position),
            at=now,
        )
        viewing.save(update_fields=["statements"])
    return viewing


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ProgressRefused("invalid", _("%(name)s必须是不小于0的有限数值。") % {"name": name})
    return float(value)


def _checked_segments(raw) -> list[segs.Segment]:
    try:
        return segs.parse_segments(raw)
    except segs.SegmentError as error:
        messages = {
            "negative": _("观看片段不能是负数。"),
            "inverted": _("观看片段的结束不能早于开始。"),
            "not_finite": _("观看片段必须是有限的数值。"),
            "too_many": _("一次最多报告%(n)d个观看片段。") % {"n": segs.MAX_SEGMENTS_PER_REPORT},
        }
        raise ProgressRefused("invalid", messages.get(error.code, _("观看片段的格式不正确。"))) from None


def progress_report(
    *,
    learner: User,
    lesson_id: int,
    viewing_id: uuid.UUID,
    segments: list,
    position: float,
    event: str = "heartbeat",
    seek: tuple[float, float] | None = None,
    now: datetime.datetime | None = None,
) -> ProgressResult:
    """A viewing reports what it played. See the module docstring for what is credited and when."""
    reported = _checked_segments(segments)
    position = _number(position, _("播放位置"))
    if event not in EVENTS:
        raise ProgressRefused("invalid", _("未知的播放事件。"))
    if event == "seek":
        if seek is None:
            raise ProgressRefused("invalid", _("跳转事件需要给出跳转的起点和终点。"))
        seek = (_number(seek[0], _("跳转起点")), _number(seek[1], _("跳转终点")))
    lesson = _lesson(lesson_id)
    duration = lesson_duration(lesson)
    with transaction.atomic():
        progress = _progress_locked(learner, lesson)
        viewing = LessonViewing.objects.select_for_update().filter(pk=viewing_id, progress=progress).first()
        if viewing is None:  # another learner's viewing, another lesson's, or made up: all look the same
            raise ProgressRefused("viewing_not_found", _("没有找到这次观看，请刷新页面后重试。"))
        now = now or timezone.now()
        elapsed = (now - viewing.started_at).total_seconds()

        reported = segs.clamp(reported, duration)
        known = [tuple(s) for s in progress.segments]
        # The viewing's own record (played-segments in its statements): what it played, known before or credited.
        already = segs.subtract(reported, segs.subtract(reported, known))
        played = segs.merge([tuple(s) for s in viewing.segments] + already)
        # Two caps. Cumulative over the viewing (real time since it opened, less what it has played): otherwise
        # each report would bring its own tolerance, and reporting often would earn time. And per report, real
        # time since the previous one but no more than a playing player's gap between reports: a tab left paused
        # for an hour has not earned an hour.
        since_previous = (now - (viewing.last_report_at or viewing.started_at)).total_seconds()
        limit = min(
            segs.allowance(elapsed) - segs.total(played),
            segs.allowance(min(since_previous, segs.MAX_REPORT_GAP_SECONDS)),
        )
        taken = segs.take_new(known, reported, limit)
        merged = segs.merge(known + taken)
        viewing.segments = segs.as_lists(segs.merge(played + taken))
        viewing.last_report_at = now

        before = progress.unique_seconds
        progress.segments = segs.as_lists(merged)
        progress.unique_seconds = min(duration, segs.total(merged))
        progress.position = min(position, duration)
        credited = max(0.0, progress.unique_seconds - before)

        if event != "heartbeat" and viewing.statements < MAX_STATEMENTS_PER_VIEWING:
            verb = {"play": "played", "seek": "seeked"}.get(event, "paused")
            state = _state(viewing, progress, lesson, time=seek[1] if seek else progress.position, seek=seek)
            _statement(verb=verb, viewing=viewing, progress=progress, lesson=lesson, state=state, at=now)

        if credited > 0:
            _credit_hours(progress, lesson, now)
        completed_now = False
        if progress.completed_at is None and progress.unique_seconds * 100 >= duration * lesson.completion_percent:
            progress.completed_at, completed_now = now, True
            state = _state(viewing, progress, lesson, time=progress.position)
            hours = seconds_to_hours(progress.unique_seconds)
            _statement(
                verb="completed", viewing=viewing, progress=progress, lesson=lesson, state=state, at=now, hours=hours
            )
        progress.save(update_fields=["segments", "unique_seconds", "position", "completed_at", "updated_at"])
        viewing.save(update_fields=["segments", "last_report_at", "statements"])
        course_completed = completed_now and _course_complete(learner, lesson)
    return ProgressResult(
        unique_seconds=progress.unique_seconds,
        duration=duration,
        percent=min(100, int(progress.unique_seconds * 100 // duration)),
        credited_seconds=round(credited, 3),
        position=progress.position,
        completed=progress.completed_at is not None,
        course_completed=course_completed,
    )


def _credit_hours(progress: LessonProgress, lesson: LessonPage, now: datetime.datetime) -> None:
    """The lesson's hours in the learner's record: the merged unique seconds, in tenths of an hour."""
    hours = seconds_to_hours(progress.unique_seconds)
    if hours <= 0:
        return  # under three minutes: nothing the ledger can show yet
    course = lesson.course
    records_services.learning_hours_set(
        learner=progress.learner,
        source=lesson_hours_source(progress),
        title=f"{course.title} · {lesson.title}",
        hours=hours,
        occurred_at=now,
        category=course.category,
        provider=course_issuer(course),
    )


def _course_complete(learner: User, lesson: LessonPage) -> bool:
    """All the course's live lessons complete: its online part completes once (the certificate follows)."""
    course = lesson.course
    if not course_lessons_all_complete(course, learner):
        return False
    completion, created = OnlineCompletion.objects.get_or_create(learner=learner, course=course)
    if not created:
        return False
    records_services.learning_completed(completion=online_completion(completion))
    return True
