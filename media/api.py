"""Online lessons over JSON: /api/v1/courses/{id}/lessons, /lessons/{id}, and watching — /lessons/{id}/viewings
(open the player) and /lessons/{id}/progress (a viewing's played segments).

Reads are public and list only live lessons of live courses; watching needs the signed-in learner (a token, or
the session with its CSRF token, as enrolment's API). Thin: every write is a media.progress_services call.
"""

import uuid

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from accounts.api_auth import BearerTokenAuth, api_auth
from core.api_errors import ApiError, ApiErrorOut, ObjectId
from courses.models import CoursePage
from media.lesson_selectors import (
    course_lesson_list,
    lesson_duration,
    lesson_for_learner,
    lesson_player_context,
    resume_position,
)
from media.models import LessonPage
from media.progress import MAX_SEGMENTS_PER_REPORT
from media.progress_services import EVENTS, ProgressRefused, progress_report, viewing_start

router = Router(tags=["线上课程"])


class LessonSummaryOut(Schema):
    id: int
    number: int
    title: str
    url: str
    duration_seconds: float
    available: bool
    percent: int = Field(description="登录学员自己的不重复观看比例（0–100）；未登录为0")
    completed: bool


class SourceOut(Schema):
    kind: str = Field(description="mp4_360 | mp4_540 | mp4_720 | audio_64k")
    url: str
    mime_type: str
    width: int | None
    height: int | None
    size_bytes: int | None


class CaptionOut(Schema):
    language: str
    label: str
    url: str = Field(description="WebVTT")


class LessonOut(Schema):
    id: int
    title: str
    url: str
    course_id: int
    course_title: str
    intro_html: str
    duration_seconds: float
    available: bool = Field(description="音视频已转码完成、可以播放")
    sources: list[SourceOut]
    captions: list[CaptionOut]
    poster: str | None
    transcript: str
    completion_percent: int
    next_lesson_id: int | None
    resume_at: float = Field(description="登录学员上次停下的位置（秒）")
    percent: int
    completed: bool


class ViewingOut(Schema):
    id: uuid.UUID
    resume_at: float


class ProgressIn(Schema):
    viewing: uuid.UUID
    segments: list[list[float]] = Field(
        max_length=MAX_SEGMENTS_PER_REPORT, description="本次观看播放过的片段 [[开始秒, 结束秒], …]（累计）"
    )
    position: float = Field(description="当前播放位置（秒）")
    event: str = Field("heartbeat", description=" | ".join(EVENTS))
    seek_from: float | None = None
    seek_to: float | None = None


class ProgressOut(Schema):
    unique_seconds: float
    duration_seconds: float
    percent: int
    credited_seconds: float = Field(description="本次新计入的秒数")
    position: float
    completed: bool
    course_completed: bool


ERRORS = {400: ApiErrorOut, 401: ApiErrorOut, 403: ApiErrorOut, 404: ApiErrorOut, 409: ApiErrorOut}


def _viewer(request: HttpRequest):
    """Public reads show a signed-in learner their own progress: the session's user, or a token's (optional:
    no token, or a bad one, reads as a visitor)."""
    if request.user.is_authenticated:
        return request.user
    return BearerTokenAuth()(request) or request.user


def _refuse(error: ProgressRefused):
    raise ApiError(error.status, error.code, error.message)


@router.get(
    "/courses/{course_id}/lessons",
    response={200: list[LessonSummaryOut], 404: ApiErrorOut},
    auth=None,
    summary="课程的线上课（按顺序）",
)
def course_lessons_list(request: HttpRequest, course_id: ObjectId):
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        raise ApiError(404, "not_found", "没有找到这门课程。")
    return [
        {
            "id": item.lesson.pk,
            "number": item.number,
            "title": item.lesson.title,
            "url": item.lesson.url or "",
            "duration_seconds": item.duration,
            "available": bool(item.lesson.media_id and item.lesson.media.status == "ready"),
            "percent": item.percent,
            "completed": item.completed,
        }
        for item in course_lesson_list(course, _viewer(request))
    ]


def _lesson_out(lesson: LessonPage, user) -> dict:
    player = lesson_player_context(lesson, user)
    sources = [*player["video_sources"], *([player["audio_source"]] if player["audio_source"] else [])]
    course = lesson.course
    return {
        "id": lesson.pk,
        "title": lesson.title,
        "url": lesson.url or "",
        "course_id": course.pk,
        "course_title": course.title,
        "intro_html": str(lesson.intro or ""),
        "duration_seconds": player["duration"],
        "available": player["playable"],
        "sources": [vars(s) for s in sources],
        "captions": [{"language": c.language, "label": c.label, "url": c.file.url} for c in player["captions"]],
        "poster": player["poster"],
        "transcript": player["transcript"],
        "completion_percent": lesson.completion_percent,
        "next_lesson_id": player["next_lesson"].pk if player["next_lesson"] else None,
        "resume_at": player["resume_at"],
        "percent": player["percent"],
        "completed": player["completed"],
    }


@router.get("/lessons/{lesson_id}", response={200: LessonOut, 404: ApiErrorOut}, auth=None, summary="一节线上课")
def lesson_detail(request: HttpRequest, lesson_id: ObjectId):
    lesson = lesson_for_learner(lesson_id)
    if lesson is None:
        raise ApiError(404, "not_found", "没有找到这节课。")
    return _lesson_out(lesson, _viewer(request))


@router.post("/lessons/{lesson_id}/viewings", response={201: ViewingOut, **ERRORS}, auth=api_auth, summary="开始观看")
def viewing_create(request: HttpRequest, lesson_id: ObjectId):
    try:
        viewing = viewing_start(learner=request.auth, lesson_id=lesson_id)
    except ProgressRefused as error:
        _refuse(error)
    duration = lesson_duration(viewing.progress.lesson)
    return Status(201, {"id": viewing.id, "resume_at": resume_position(viewing.progress, duration)})


@router.post(
    "/lessons/{lesson_id}/progress", response={200: ProgressOut, **ERRORS}, auth=api_auth, summary="报告观看进度"
)
def progress_create(request: HttpRequest, lesson_id: ObjectId, body: ProgressIn):
    seek = (body.seek_from, body.seek_to) if body.seek_from is not None and body.seek_to is not None else None
    try:
        result = progress_report(
            learner=request.auth,
            lesson_id=lesson_id,
            viewing_id=body.viewing,
            segments=body.segments,
            position=body.position,
            event=body.event,
            seek=seek,
        )
    except ProgressRefused as error:
        _refuse(error)
    return Status(
        200,
        {
            "unique_seconds": result.unique_seconds,
            "duration_seconds": result.duration,
            "percent": result.percent,
            "credited_seconds": result.credited_seconds,
            "position": result.position,
            "completed": result.completed,
            "course_completed": result.course_completed,
        },
    )
