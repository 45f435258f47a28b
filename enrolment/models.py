"""Enrolment (报名), meetings (课次) and attendance (考勤).

Seats are counted on the class (`CourseClass.seats_taken`, checked against capacity by the database);
every enrolment that holds a seat is counted there, and only `publishing.services` changes either, inside
one transaction that holds the class row's lock. Arrival order is a per-class counter taken under that
same lock, so "first come, first served" is the order in which requests reached the database.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import CourseClass


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")
    COMPLETED = "completed", _("已结业")


# Statuses that still belong to the learner: at most one of these per learner and class.
ACTIVE_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.COMPLETED)


class Enrolment(models.Model):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="enrolments"
    )
    course_class = models.ForeignKey(
        CourseClass, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="enrolments"
    )
    status = models.CharField(_("状态"), max_length=12, choices=EnrolmentStatus.choices)
    # Position in the class's arrival order (1, 2, 3…), taken under the class row lock.
    arrival = models.PositiveIntegerField(_("报名顺序"), editable=False)
    # Staff and teachers enrol without taking a seat; residents who are enrolled or completed hold one.
    holds_seat = models.BooleanField(_("占用名额"), default=False, editable=False)
    hours_attended = models.DecimalField(
        _("出勤学时"), max_digits=7, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    promotion_sms_sent_at = models.DateTimeField(_("转正短信发送时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("结业时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结业确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set by the reminder task when it claims the reminder, so it is sent once however often it runs.
    reminder_sent_at = models.DateTimeField(_("开课提醒发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["course_class", "arrival"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course_class"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATUSES]),
                name="enrolment_one_active_per_learner_and_class",
                violation_error_message=_("您已报名该班次。"),
            ),
            models.UniqueConstraint(fields=["course_class", "arrival"], name="enrolment_arrival_unique_in_class"),
            models.CheckConstraint(
                condition=Q(holds_seat=False) | Q(status__in=["enrolled", "completed"]),
                name="enrolment_only_enrolled_hold_seats",
            ),
            models.CheckConstraint(condition=Q(hours_attended__gte=0), name="enrolment_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["course_class", "status", "arrival"], name="enrolment_class_status_idx")]

    def __str__(self):
        return f"{self.learner} · {self.course_class} · {self.get_status_display()}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class Meeting(models.Model):
    """One session (课次) of a class: when it starts and how many study hours it counts for."""

    course_class = models.ForeignKey(
        CourseClass, verbose_name=_("班次"), on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField(_("上课时间"))
    hours = models.DecimalField(
        _("学时"), max_digits=4, decimal_places=1, default=Decimal("2"), validators=[MinValueValidator(0)]
    )
    topic = models.CharField(_("内容"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["course_class", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["course_class", "starts_at"], name="meeting_unique_start_in_class"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="meeting_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.course_class} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"  # the site's time


class AttendanceMethod(models.TextChoices):
    ROLL_CALL = "roll_call", _("教师点名")
    QR = "qr", _("扫码签到")


class Attendance(models.Model):
    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("报名"), on_delete=models.CASCADE, related_name="attendances"
    )
    meeting = models.ForeignKey(Meeting, verbose_name=_("课次"), on_delete=models.CASCADE, related_name="attendances")
    method = models.CharField(_("方式"), max_length=10, choices=AttendanceMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("签到时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "meeting"], name="attendance_once_per_meeting"),
        ]

    def __str__(self):
        return f"{self.enrolment.learner} · {self.meeting}"


class PhoneReveal(models.Model):
    """Staff pressed "show number" on a roster: who saw whose number, when (personal data access log)."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="phone_reveals")
    revealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("查看手机号记录")
        verbose_name_plural = _("查看手机号记录")
        ordering = ["-revealed_at"]

    def __str__(self):
        return f"{self.staff} · {self.enrolment_id} · {self.revealed_at:%Y-%m-%d %H:%M}"
