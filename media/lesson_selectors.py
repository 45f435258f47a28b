"""Reads about lessons and watching: a course's lessons in page order, what a lesson page's player needs, a
learner's progress, and what records are told (activities, the course completion snapshot).

Residents only ever see live lessons of live courses; `lesson_for_learner` is the one gate the API and the
progress services use.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import CourseForm, CoursePage
from media.models import LessonMedia, LessonPage, LessonProgress, OnlineCompletion
from media.selectors import PlayableSource, caption_tracks, playable_sources, poster_url
from records.sources import Completion, LearningActivity
from records.xapi import Activity

# Course forms whose page lists lessons (an in-person course has none to show).
FORMS_WITH_LESSONS = (CourseForm.ONLINE, CourseForm.BLENDED)
# Playing restarts from the start when the learner stopped this close to the end (they finished it).
RESUME_END_MARGIN_SECONDS = 5


def course_lessons(course: CoursePage) -> QuerySet[LessonPage]:
    """A course's live lessons in page-tree order (the order staff placed them in), with their media."""
    return LessonPage.objects.child_of(course).live().select_related("media").order_by("path")


def course_lessons_with_renditions(course: CoursePage) -> list[LessonPage]:
    return list(course_lessons(course).prefetch_related("media__renditions", "media__captions"))


def lesson_course(lesson: LessonPage) -> CoursePage | None:
    """The course a lesson sits under (its parent page), or None if it was moved somewhere else."""
    return CoursePage.objects.filter(path=lesson.path[: -lesson.steplen]).select_related("category", "provider").first()


def lesson_for_learner(lesson_id: int) -> LessonPage | None:
    """A lesson residents may open: live, under a live course. None otherwise (unpublished, or no such id)."""
    lesson = LessonPage.objects.live().select_related("media").filter(pk=lesson_id).first()
    if lesson is None:
        return None
    course = lesson_course(lesson)
    if course is None or not course.live:
        return None
    lesson.course = course
    return lesson


def lesson_duration(lesson: LessonPage) -> float:
    return float(lesson.media.duration_seconds) if lesson.media_id and lesson.media else 0.0


def lesson_sources(lesson: LessonPage) -> list[PlayableSource]:
    media: LessonMedia | None = lesson.media if lesson.media_id else None
    return playable_sources(media) if media is not None else []


def learner_progress(user, lessons) -> dict[int, LessonProgress]:
    """The learner's progress rows for these lessons, by lesson id (one query; none for visitors)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    return {p.lesson_id: p for p in LessonProgress.objects.filter(learner=user, lesson__in=list(lessons))}


def progress_percent(progress: LessonProgress | None, duration: float) -> int:
    if progress is None or duration <= 0:
        return 0
    return min(100, int(progress.unique_seconds * 100 // duration))


def resume_position(progress: LessonProgress | None, duration: float) -> float:
    """Where the player starts: where the learner stopped, or the start if they had reached the end."""
    if progress is None or duration <= 0 or progress.position >= duration - RESUME_END_MARGIN_SECONDS:
        return 0.0
    return round(progress.position, 1)


@dataclass(frozen=True)
class LessonListItem:
    lesson: LessonPage
    number: int
    duration: float
    percent: int
    completed: bool


def course_lesson_list(course: CoursePage, user) -> list[LessonListItem]:
    """The lessons a course page lists, numbered, with the visitor's own progress (two queries)."""
    lessons = list(course_lessons(course))
    progress = learner_progress(user, lessons)
    items = []
    for number, lesson in enumerate(lessons, start=1):
        duration = lesson_duration(lesson)
        row = progress.get(lesson.pk)
        items.append(
            LessonListItem(
                lesson=lesson,
                number=number,
                duration=duration,
                percent=progress_percent(row, duration),
                completed=bool(row and row.completed_at),
            )
        )
    return items


def next_lesson(lesson: LessonPage) -> LessonPage | None:
    return lesson.get_next_siblings().live().type(LessonPage).specific().first()


def lesson_player_context(lesson: LessonPage, user) -> dict:
    """Everything the lesson page's player shows: sources (360p first), captions, poster, transcript, the course,
    the next lesson, and for a signed-in learner where to resume and how far they are."""
    media = lesson.media if lesson.media_id else None
    sources = playable_sources(media) if media is not None else []
    progress = learner_progress(user, [lesson]).get(lesson.pk)
    duration = lesson_duration(lesson)
    videos = [s for s in sources if s.kind.startswith("mp4_")]
    audio = next((s for s in sources if s.kind == "audio_64k"), None)
    return {
        "course": lesson_course(lesson),
        "media": media,
        "playable": bool(sources),
        "video_sources": videos,
        "audio_source": audio,
        "is_audio": bool(media and media.is_audio) or (audio is not None and not videos),
        "captions": caption_tracks(media) if media is not None and sources else [],
        "poster": poster_url(media) if media is not None and sources else None,
        "transcript": media.transcript if media is not None else "",
        "duration": duration,
        "next_lesson": next_lesson(lesson),
        "resume_at": resume_position(progress, duration),
        "percent": progress_percent(progress, duration),
        "completed": bool(progress and progress.completed_at),
    }


# --- What learning records are told ---------------------------------------------------------------------


def lesson_activity(lesson: LessonPage) -> Activity:
    """A lesson as an xAPI Video Profile activity (the object of initialized/played/paused/seeked/completed)."""
    return Activity(path=f"lesson/{lesson.pk}", type="video", name=lesson.title)


def course_activity(course: CoursePage) -> Activity:
    """A course's online part as an xAPI activity (the lessons' parent, the object of its completion)."""
    return Activity(
        path=f"online-course/{course.pk}", type="course", name=course.title, description=course.summary or ""
    )


def lesson_hours_source(progress: LessonProgress) -> str:
    """The ledger key of a learner's watching of one lesson: one entry, its hours growing as they watch."""
    return f"media.lesson:{progress.lesson_id}:{progress.learner_id}"


def seconds_to_hours(seconds: float) -> Decimal:
    """The ledger keeps tenths of an hour (6 minutes)."""
    return (Decimal(str(seconds)) / 3600).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def course_issuer(course: CoursePage) -> str:
    return course.provider.title if course.provider_id else settings.WAGTAIL_SITE_NAME


def course_lessons_all_complete(course: CoursePage, learner) -> bool:
    """Every live lesson of the course is complete for the learner (and there is at least one)."""
    lesson_ids = list(course_lessons(course).values_list("pk", flat=True))
    if not lesson_ids:
        return False
    done = LessonProgress.objects.filter(learner=learner, lesson_id__in=lesson_ids, completed_at__isnull=False)
    return done.count() == len(lesson_ids)


def online_completion(completion: OnlineCompletion) -> Completion:
    """What the certificate for a course's online part prints (records copies it at issue): the hours are the
    unique time watched across the course's lessons."""
    course = completion.course
    seconds = (
        LessonProgress.objects.filter(learner=completion.learner, lesson__in=course_lessons(course)).aggregate(
            total=Sum("unique_seconds")
        )["total"]
        or 0
    )
    return Completion(
        source=f"media.course:{completion.pk}",
        ref=f"online:{completion.pk}",
        learner=completion.learner,
        learner_name=completion.learner.display_name,
        activity=course_activity(course),
        course_title=course.title,
        class_label="",
        category=course.category,
        issuer=course_issuer(course),
        issuer_page=course.provider,
        hours=seconds_to_hours(seconds),
        completed_at=completion.completed_at or timezone.now(),
    )


def learner_online_courses(user) -> list[LearningActivity]:
    """The courses a learner watched lessons of (我的学习, registered with records.sources), newest first."""
    rows = (
        LessonProgress.objects.filter(learner=user)
        .select_related("lesson")
        .order_by("-created_at")
        .values_list("lesson__path", "unique_seconds", "completed_at", "created_at")
    )
    by_course: dict[str, dict] = {}
    for path, seconds, completed_at, created_at in rows:
        course_path = path[: -LessonPage.steplen]
        entry = by_course.setdefault(course_path, {"seconds": 0.0, "done": 0, "count": 0, "started": created_at})
        entry["seconds"] += seconds
        entry["count"] += 1
        entry["done"] += 1 if completed_at else 0
        entry["started"] = min(entry["started"], created_at)
    if not by_course:
        return []
    courses = {c.path: c for c in CoursePage.objects.filter(path__in=list(by_course))}
    live_lessons: dict[str, int] = {}
    under_courses = Q()
    for course_path in courses:
        under_courses |= Q(path__startswith=course_path)
    for path in LessonPage.objects.live().filter(under_courses).values_list("path", flat=True):
        live_lessons[path[: -LessonPage.steplen]] = live_lessons.get(path[: -LessonPage.steplen], 0) + 1
    completed = set(OnlineCompletion.objects.filter(learner=user).values_list("course__path", flat=True))
    activities = []
    for course_path, entry in sorted(by_course.items(), key=lambda item: item[1]["started"], reverse=True):
        course = courses.get(course_path)
        if course is None:
            continue
        activities.append(
            LearningActivity(
                title=course.title,
                label=str(CourseForm(course.form).label),
                status_display=_("已完成") if course_path in completed else _("学习中"),
                starts_on=timezone.localdate(entry["started"]),
                sessions_attended=entry["done"],
                sessions_total=live_lessons.get(course_path, 0),
                hours=seconds_to_hours(entry["seconds"]),
                completed=course_path in completed,
            )
        )
    return activities
