"""Learning records (终身学习档案): the learning-hours ledger, credit-bank rules, recognised learning,
certificates, xAPI statements.

Records knows no source app. Sources (enrolment today; online lessons, community events, study circles later)
call records.services: hours go into the ledger (`LearningEntry`, one row per learning event, keyed by the
source), completions become certificates (a snapshot of what they certify, keyed by the source), events become
xAPI statements. These models also say how hours become points and credits, add learning done elsewhere once
staff approve it, and keep what a certificate or an LRS needs even after the learner's account is gone.
"""

import os
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from courses.models import Category, ProviderPage

# A conversion rate above this is a typing error, not a policy (100 points for one hour of class).
MAX_POINTS_PER_HOUR = Decimal("100")


class PrivateStorage(FileSystemStorage):
    """Files under VAR_DIR/private, never under MEDIA_ROOT (which the web server may serve). Located when used,
    not when the model loads, so a changed VAR_DIR (tests, deployments) is followed."""

    @property
    def base_location(self):
        return str(settings.VAR_DIR / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def private_storage() -> FileSystemStorage:
    """Evidence and certificate PDFs carry names: kept outside MEDIA_ROOT, served only through checked views."""
    return PrivateStorage()


def _finite(value) -> None:
    # DecimalField already refuses "NaN"/"Infinity" typed into a form; this also covers values set in code.
    if value is not None and not Decimal(value).is_finite():
        raise ValidationError(_("必须是有限的数值。"), code="not_finite")


class CreditRule(models.Model):
    """How study hours turn into learning points (积分), for one category or (no category) for all others."""

    category = models.OneToOneField(
        Category,
        verbose_name=_("课程类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="credit_rule",
        help_text=_("留空表示默认规则：适用于没有单独规则的类别。"),
    )
    points_per_hour = models.DecimalField(
        _("每学时积分"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_POINTS_PER_HOUR), _finite],
        help_text=_("如每学时计1分。不能为负数，最多100。"),
    )
    max_points_per_year = models.DecimalField(
        _("每年积分上限"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), _finite],
        help_text=_("该类别每人每年最多计入的积分；留空表示不限。"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [FieldPanel("category"), FieldRowPanel([FieldPanel("points_per_hour"), FieldPanel("max_points_per_year")])]

    class Meta:
        verbose_name = _("学分银行积分规则")
        verbose_name_plural = _("学分银行积分规则")
        constraints = [
            models.UniqueConstraint(
                fields=["category"],
                condition=Q(category__isnull=True),
                name="creditrule_one_default",
                violation_error_message=_("默认规则只能有一条。"),
            ),
            models.CheckConstraint(
                condition=Q(points_per_hour__gte=0) & Q(points_per_hour__lte=MAX_POINTS_PER_HOUR),
                name="creditrule_points_per_hour_in_range",
                violation_error_message=_("每学时积分必须在0到100之间。"),
            ),
            models.CheckConstraint(
                condition=Q(max_points_per_year__isnull=True) | Q(max_points_per_year__gte=0),
                name="creditrule_year_limit_not_negative",
                violation_error_message=_("每年积分上限不能为负数。"),
            ),
        ]

    def __str__(self):
        target = self.category.name if self.category_id else _("默认")
        return f"{target}：{self.points_per_hour}分/学时"


class CreditConversion(models.Model):
    """How learning points convert to academic credits (学分) for an open-university programme."""

    name = models.CharField(_("名称"), max_length=60, unique=True, help_text=_("如“开放大学学历教育学分”。"))
    points_per_credit = models.DecimalField(
        _("每学分所需积分"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), _finite],
        help_text=_("多少积分折算1个学分；必须大于0。"),
    )
    max_credits = models.DecimalField(
        _("可折算学分上限"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), _finite],
        help_text=_("每人最多可折算的学分；留空表示不限。"),
    )
    is_active = models.BooleanField(_("当前使用"), default=True, help_text=_("同一时间只有一条折算规则生效。"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("points_per_credit"), FieldPanel("max_credits")]),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("学分折算规则")
        verbose_name_plural = _("学分折算规则")
        constraints = [
            # Zero would make any point worth infinitely many credits.
            models.CheckConstraint(
                condition=Q(points_per_credit__gt=0),
                name="creditconversion_points_per_credit_positive",
                violation_error_message=_("每学分所需积分必须大于0。"),
            ),
            models.CheckConstraint(
                condition=Q(max_credits__isnull=True) | Q(max_credits__gte=0),
                name="creditconversion_max_not_negative",
                violation_error_message=_("可折算学分上限不能为负数。"),
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="creditconversion_one_active",
                violation_error_message=_("同一时间只能有一条生效的折算规则。"),
            ),
        ]

    def __str__(self):
        return f"{self.name}：{self.points_per_credit}分/学分"


class LearningEntry(models.Model):
    """One piece of learning in hours (学时), as its source reported it: the ledger 我的学习 adds up.

    Today an attended meeting of a class; later a watched online lesson, a community event, a study-circle
    session. `source` names the learning event uniquely across sources ("enrolment.attendance:12:34"), so
    recording it twice changes nothing and the source can withdraw it (a roll call corrected). Title, category
    and provider are copied when it is recorded.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="learning_entries"
    )
    source = models.CharField(_("来源"), max_length=100, unique=True, editable=False)
    title = models.CharField(_("学习内容"), max_length=255)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider = models.CharField(_("学校/举办单位"), max_length=255, blank=True)
    hours = models.DecimalField(
        _("学时"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0")), _finite]
    )
    occurred_at = models.DateTimeField(_("学习时间"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学时记录")
        verbose_name_plural = _("学时记录")
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["learner", "occurred_at"], name="learningentry_learner_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="learningentry_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.title} · {self.hours}"


class RecognitionStatus(models.TextChoices):
    PENDING = "pending", _("待认定")
    APPROVED = "approved", _("已认定")
    REJECTED = "rejected", _("未通过")


class Recognition(models.Model):
    """Learning done elsewhere (a skill certificate, a training elsewhere), counted once staff approve it (认定)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("学员"), on_delete=models.CASCADE, related_name="recognitions"
    )
    title = models.CharField(_("学习内容"), max_length=120, help_text=_("如“中式烹调师（五级）职业技能证书”。"))
    issuer = models.CharField(_("颁发/组织单位"), max_length=120)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    learned_on = models.DateField(_("完成日期"))
    hours = models.DecimalField(
        _("认定学时"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("2000")), _finite],
    )
    evidence = models.FileField(_("证明材料"), storage=private_storage, upload_to="evidence/%Y/%m/", max_length=200)
    evidence_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RecognitionStatus.choices, default=RecognitionStatus.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decision_note = models.CharField(_("认定意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("校外学习成果认定")
        verbose_name_plural = _("校外学习成果认定")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="recognition_hours_positive"),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="recognition_decision_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.get_status_display()}）"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已撤销")


class Certificate(models.Model):
    """A completion certificate (结业证书). One per completion, ever: a revoked one keeps its place.

    `source` names the completion as its source app does ("enrolment:12"); it is unique, so the database holds
    the rule. The learner's name, course, class, category, issuer, hours and date are copied at issue (a
    snapshot handed over by the source), so the certificate still says what it said after the course page is
    renamed or the learner deletes their account (then the name is kept masked and the source key dropped).
    `issuer_page` is the school whose staff may revoke it.
    """

    code = models.CharField(_("证书编号"), max_length=24, unique=True, editable=False)
    source = models.CharField(_("来源"), max_length=100, unique=True, null=True, blank=True, editable=False)
    issuer_page = models.ForeignKey(
        ProviderPage,
        verbose_name=_("颁发学校"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("学员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    learner_name = models.CharField(_("学员姓名"), max_length=50)
    course_title = models.CharField(_("课程"), max_length=255)
    class_label = models.CharField(_("班次"), max_length=60, blank=True)
    category_name = models.CharField(_("类别"), max_length=40, blank=True)
    issuer = models.CharField(_("颁发单位"), max_length=255)
    hours = models.DecimalField(_("学时"), max_digits=7, decimal_places=1)
    completed_on = models.DateField(_("结业日期"))
    issued_at = models.DateTimeField(_("颁发时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=10, choices=CertificateStatus.choices, default="valid")
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_reason = models.CharField(_("撤销原因"), max_length=200, blank=True)
    pdf = models.FileField(_("证书文件"), storage=private_storage, upload_to="certificates/", blank=True)
    pdf_generated_at = models.DateTimeField(_("证书生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="certificate_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(status="valid", revoked_at__isnull=True) | Q(status="revoked", revoked_at__isnull=False),
                name="certificate_revocation_consistent",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.course_title}"

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class LearnerKey(models.Model):
    """The opaque id a learner has in xAPI statements: random, never the phone number or name."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_key", primary_key=True
    )
    xapi_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("学习者匿名标识")
        verbose_name_plural = _("学习者匿名标识")

    def __str__(self):
        return str(self.xapi_id)


class XapiVerb(models.TextChoices):
    REGISTERED = "registered", _("报名")
    ATTENDED = "attended", _("出勤")
    COMPLETED = "completed", _("结业")
    EARNED = "earned", _("获得证书")
    # Watching an online lesson (the xAPI Video Profile); "completed" above also ends a lesson.
    INITIALIZED = "initialized", _("打开播放器")
    PLAYED = "played", _("播放")
    PAUSED = "paused", _("暂停")
    SEEKED = "seeked", _("跳转")


class XapiStatement(models.Model):
    """An xAPI statement, written with the event it records and sent to the LRS later (an outbox).

    The id is deterministic (uuid5 of what happened), so recording or sending twice changes nothing.
    """

    id = models.UUIDField(primary_key=True, editable=False)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xapi_statements", editable=False
    )
    verb = models.CharField(max_length=12, choices=XapiVerb.choices)
    statement = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    pushed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # Set when the LRS refused the statement itself (HTTP 400/409/422): not retried, shown to staff.
    rejected_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("xAPI学习记录")
        verbose_name_plural = _("xAPI学习记录")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(pushed_at__isnull=True), name="xapi_pending_idx"),
        ]

    def __str__(self):
        return f"{self.get_verb_display()} · {self.id}"
