"""Watching as learning: each learner's merged played segments per lesson, the viewings that report them, and the
completion of a course's online part.

Only media.progress_services writes these, under the LessonProgress row lock (two tabs reporting at once are
serialised there, so neither loses the other's segments).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import CoursePage
from media.models.lessons import LessonPage


class LessonProgress(models.Model):
    """A learner's watching of one lesson: the union of every segment credited (seconds, merged, clamped to the
    duration), where they stopped, and when they completed it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(LessonPage, verbose_name=_("课"), on_delete=models.CASCADE, related_name="progress")
    segments = models.JSONField(_("已观看片段"), default=list)
    unique_seconds = models.FloatField(_("不重复观看秒数"), default=0)
    position = models.FloatField(_("上次观看位置（秒）"), default=0)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("观看进度")
        verbose_name_plural = _("观看进度")
        constraints = [
            models.UniqueConstraint(fields=["learner", "lesson"], name="lessonprogress_one_per_learner_lesson"),
            models.CheckConstraint(condition=Q(unique_seconds__gte=0), name="lessonprogress_seconds_not_negative"),
            models.CheckConstraint(condition=Q(position__gte=0), name="lessonprogress_position_not_negative"),
        ]

    def __str__(self):
        return f"{self.lesson_id}:{self.learner_id}"


class LessonViewing(models.Model):
    """One opening of the player (a page load that pressed play). Its clock caps what its reports may credit:
    new seconds ≤ real seconds since its previous report × the fastest speed, plus a small tolerance."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    progress = models.ForeignKey(LessonProgress, on_delete=models.CASCADE, related_name="viewings")
    started_at = models.DateTimeField(auto_now_add=True)
    last_report_at = models.DateTimeField(null=True, blank=True)
    # This viewing's own played segments (the xAPI statements' played-segments); merged, clamped.
    segments = models.JSONField(default=list)
    # How many statements this viewing has put in the outbox: numbers their ids, bounds them.
    statements = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("观看记录")
        verbose_name_plural = _("观看记录")
        indexes = [models.Index(fields=["progress", "started_at"], name="lessonviewing_progress_idx")]

    def __str__(self):
        return str(self.id)


class OnlineCompletion(models.Model):
    """A learner completed every live lesson of a course (its online part): the certificate's source."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="online_completions"
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="online_completions"
    )
    completed_at = models.DateTimeField(_("完成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("线上学习完成")
        verbose_name_plural = _("线上学习完成")
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="onlinecompletion_one_per_learner_course"),
        ]

    def __str__(self):
        return f"{self.course_id}:{self.learner_id}"
