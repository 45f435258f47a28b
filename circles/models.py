"""Study circles (学习团队): a group of residents led by a resident, who meet regularly to learn together.

A circle is proposed by a resident (申请中), approved by the guidance centre or the school it attaches to
(活动中), and may be dissolved (已解散). Members join and leave; the leader records meetings and who came,
and each attendee's hours go into the learning record (records.services, source "circle:<meeting>:<user>").
The centre assesses each circle once a year.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import ProviderPage
from places.models import Town, Venue

# A meeting of a circle is an afternoon at most; more than this is a typing error, not learning.
MAX_MEETING_HOURS = Decimal("8")
MIN_MEETING_HOURS = Decimal("0.5")


class CircleKind(models.TextChoices):
    CALLIGRAPHY = "calligraphy", _("书法绘画")
    SINGING = "singing", _("合唱声乐")
    DANCE = "dance", _("舞蹈健身")
    FARMING = "farming", _("种植养殖互助")
    CRAFT = "craft", _("剪纸手工")
    READING = "reading", _("读书分享")
    HEALTH = "health", _("健康养生")
    OTHER = "other", _("其他")


class CircleStatus(models.TextChoices):
    PROPOSED = "proposed", _("申请中")
    ACTIVE = "active", _("活动中")
    DISSOLVED = "dissolved", _("已解散")


class StudyCircle(models.Model):
    name = models.CharField(_("团队名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=CircleKind.choices, default=CircleKind.OTHER)
    town = models.ForeignKey(Town, verbose_name=_("所在乡镇/街道"), on_delete=models.PROTECT, related_name="+")
    venue = models.ForeignKey(
        Venue, verbose_name=_("常用活动地点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting_pattern = models.CharField(_("活动时间"), max_length=100, help_text=_("例如：每周三下午2点"))
    description = models.TextField(_("团队简介"), max_length=2000)
    # Null only once a leader has erased their account: the centre then names a new leader.
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circles_led",
    )
    leader_name_public = models.BooleanField(
        _("公开负责人姓名"), default=False, help_text=_("不同意时，页面上只显示遮掩后的姓名。")
    )
    provider = models.ForeignKey(
        ProviderPage,
        verbose_name=_("挂靠学校"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("留空时由社区教育指导中心审核。"),
    )
    status = models.CharField(_("状态"), max_length=12, choices=CircleStatus.choices, default=CircleStatus.PROPOSED)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dissolved_at = models.DateTimeField(_("解散时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学习团队")
        verbose_name_plural = _("学习团队")
        ordering = ["town__sort_order", "name"]
        indexes = [models.Index(fields=["status", "town"], name="circle_status_town_idx")]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == CircleStatus.ACTIVE


class Membership(models.Model):
    """A person in a circle from `joined_at` until `left_at`. Leaving and joining again makes a new row, so the
    yearly figures know who was a member when; one open membership per person and circle (database)."""

    circle = models.ForeignKey(
        StudyCircle, verbose_name=_("学习团队"), on_delete=models.CASCADE, related_name="memberships"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), on_delete=models.CASCADE, related_name="circle_memberships"
    )
    joined_at = models.DateTimeField(_("加入时间"))
    left_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("团队成员")
        verbose_name_plural = _("团队成员")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "member"], condition=Q(left_at__isnull=True), name="membership_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(left_at__isnull=True) | Q(left_at__gte=models.F("joined_at")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self):
        return f"{self.circle} · {self.member_id}"


class CircleMeeting(models.Model):
    """One meeting of a circle. Planned ahead or recorded after; attendance only once it has taken place."""

    circle = models.ForeignKey(
        StudyCircle, verbose_name=_("学习团队"), on_delete=models.CASCADE, related_name="meetings"
    )
    held_on = models.DateField(_("日期"))
    hours = models.DecimalField(
        _("学时"),
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(MIN_MEETING_HOURS), MaxValueValidator(MAX_MEETING_HOURS)],
    )
    topic = models.CharField(_("活动内容"), max_length=100)
    place = models.CharField(_("地点"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("团队活动")
        verbose_name_plural = _("团队活动")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on", "circle"], name="circlemeeting_held_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gte=MIN_MEETING_HOURS) & Q(hours__lte=MAX_MEETING_HOURS),
                name="circlemeeting_hours_sensible",
            ),
        ]

    def __str__(self):
        return f"{self.circle} · {self.held_on:%Y-%m-%d} · {self.topic}"


class CircleAttendance(models.Model):
    meeting = models.ForeignKey(
        CircleMeeting, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("成员"), on_delete=models.CASCADE, related_name="circle_attendances"
    )

    class Meta:
        verbose_name = _("活动出勤")
        verbose_name_plural = _("活动出勤")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="circleattendance_once")]

    def __str__(self):
        return f"{self.meeting} · {self.member_id}"


class ActivityKind(models.TextChoices):
    EVENT = "event", _("举办活动")
    WORK = "work", _("作品")
    PERFORMANCE = "performance", _("演出")
    AWARD = "award", _("获奖")


class ActivityRecord(models.Model):
    """What a circle did beyond its meetings: events it held and its outcomes (作品, 演出, 获奖)."""

    circle = models.ForeignKey(
        StudyCircle, verbose_name=_("学习团队"), on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("日期"))
    title = models.CharField(_("标题"), max_length=100)
    text = models.TextField(_("说明"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("团队成果")
        verbose_name_plural = _("团队成果")
        ordering = ["-occurred_on", "-pk"]

    def __str__(self):
        return f"{self.circle} · {self.title}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class Assessment(models.Model):
    """The centre's yearly assessment of a circle. The counts are computed from the records when it is made and
    kept as they were, so a later correction of a meeting does not silently change a published rating."""

    circle = models.ForeignKey(
        StudyCircle, verbose_name=_("学习团队"), on_delete=models.CASCADE, related_name="assessments"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    meetings_held = models.PositiveIntegerField(_("全年活动次数"))
    months_active = models.PositiveSmallIntegerField(_("有活动的月份数"))
    events_held = models.PositiveIntegerField(_("举办活动次数"))
    outcomes = models.PositiveIntegerField(_("成果数（作品、演出、获奖）"))
    rating = models.CharField(_("评定等级"), max_length=12, choices=Rating.choices)
    note = models.TextField(_("评语"), max_length=1000, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评定人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField(_("评定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度评定")
        verbose_name_plural = _("年度评定")
        ordering = ["-year", "circle__name"]
        constraints = [models.UniqueConstraint(fields=["circle", "year"], name="assessment_one_per_circle_year")]

    def __str__(self):
        return f"{self.circle} · {self.year}"
