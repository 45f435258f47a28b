"""Lessons on pages: the course page's lesson list (courses' template loads this library by name, so courses
imports nothing from media) and the lesson page's player data."""

from django import template

from media.lesson_selectors import FORMS_WITH_LESSONS, course_lesson_list, lesson_player_context

register = template.Library()


@register.inclusion_tag("media/includes/course_lessons.html", takes_context=True)
def course_lessons(context, course):
    """The course's live lessons in order, with the visitor's progress; nothing for an in-person course."""
    if course.form not in FORMS_WITH_LESSONS:
        return {"show": False}
    request = context.get("request")
    return {"show": True, "course": course, "items": course_lesson_list(course, getattr(request, "user", None))}


@register.simple_tag(takes_context=True)
def lesson_player(context, lesson):
    """What the lesson page's player shows (media.lesson_selectors.lesson_player_context)."""
    request = context.get("request")
    return lesson_player_context(lesson, getattr(request, "user", None))


@register.filter
def lesson_minutes(seconds) -> int:
    """A duration in whole minutes, at least 1 (people read "约3分钟", not seconds)."""
    try:
        return max(1, round(float(seconds) / 60))
    except (TypeError, ValueError):
        return 0
