"""百姓学习之星 (learning stars) and 学习品牌 (brand projects): a yearly round per kind, the nominations made
in it, and the honours page that shows the round, its public notice (公示) and the honour roll (荣誉榜).

A round's dates and criteria are data staff edit in the admin; the database keeps them in order and allows
one round per kind and year. A nomination names a resident (a star) or a school's project (a brand); the
guidance centre shortlists or rejects it, the shortlist is published for objections, then awarded.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from accounts.names import mask_name
from courses.models import ProviderPage
from records.models import private_storage


class HonourKind(models.TextChoices):
    STAR = "star", _("百姓学习之星")
    BRAND = "brand", _("终身学习品牌项目")


class RoundPhase(models.TextChoices):
    """Where a round is on a given day; derived from its dates, never stored."""

    UPCOMING = "upcoming", _("尚未开始")
    NOMINATING = "nominating", _("推荐申报中")
    REVIEWING = "reviewing", _("审核中")
    NOTICE = "notice", _("公示中")
    AWAITING_AWARD = "awaiting_award", _("公示结束，待表彰")
    AWARDED = "awarded", _("已表彰")


class HonourRoundQuerySet(models.QuerySet):
    def nominating(self, today):
        return self.filter(awarded_at__isnull=True, nomination_opens__lte=today, nomination_closes__gte=today)

    def in_notice(self, today):
        """Rounds whose shortlist is public: from the first day of the notice until the award."""
        return self.filter(awarded_at__isnull=True, notice_starts__lte=today)


class HonourRound(models.Model):
    """One year's round of stars or of brands. Edited by guidance-centre staff in the admin."""

    kind = models.CharField(_("类别"), max_length=10, choices=HonourKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=120, help_text=_("如“2026年度蓟州区百姓学习之星推选”。"))
    criteria = RichTextField(_("推选条件"), features=["bold", "ol", "ul", "link"])
    nomination_opens = models.DateField(_("推荐开始日期"))
    nomination_closes = models.DateField(_("推荐截止日期"))
    review_deadline = models.DateField(_("审核截止日期"))
    notice_starts = models.DateField(_("公示开始日期"))
    notice_closes = models.DateField(_("公示截止日期"), help_text=_("公示期最后一天；此后方可表彰。"))
    award_date = models.DateField(_("表彰日期"))
    objection_contact = models.CharField(
        _("异议受理方式"),
        max_length=200,
        help_text=_("公示期间如有异议，向谁反映：单位、电话、地址。例如：区社区教育指导中心 022-29142000。"),
    )
    awarded_at = models.DateTimeField(_("表彰时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = HonourRoundQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("year")]),
        FieldPanel("title"),
        FieldPanel("criteria"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("nomination_opens"), FieldPanel("nomination_closes")]),
                FieldPanel("review_deadline"),
                FieldRowPanel([FieldPanel("notice_starts"), FieldPanel("notice_closes")]),
                FieldPanel("award_date"),
            ],
            heading=_("日程"),
        ),
        FieldPanel("objection_contact"),
    ]

    class Meta:
        verbose_name = _("推选年度")
        verbose_name_plural = _("推选年度")
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year"],
                name="honourround_one_per_kind_and_year",
                violation_error_message=_("这一年度的这一类推选已经存在。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="honourround_year_plausible",
                violation_error_message=_("年度不合理。"),
            ),
            models.CheckConstraint(
                condition=Q(nomination_opens__lte=F("nomination_closes"))
                & Q(nomination_closes__lte=F("review_deadline"))
                & Q(review_deadline__lte=F("notice_starts"))
                & Q(notice_starts__lte=F("notice_closes"))
                & Q(notice_closes__lt=F("award_date")),
                name="honourround_dates_in_order",
                violation_error_message=_(
                    "日期须依次为：推荐开始 ≤ 推荐截止 ≤ 审核截止 ≤ 公示开始 ≤ 公示截止 < 表彰日期。"
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def phase(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.awarded_at:
            return RoundPhase.AWARDED
        if today < self.nomination_opens:
            return RoundPhase.UPCOMING
        if today <= self.nomination_closes:
            return RoundPhase.NOMINATING
        if today < self.notice_starts:
            return RoundPhase.REVIEWING
        if today <= self.notice_closes:
            return RoundPhase.NOTICE
        return RoundPhase.AWAITING_AWARD

    def phase_label(self) -> str:
        return RoundPhase(self.phase()).label

    def is_star(self) -> bool:
        return self.kind == HonourKind.STAR


class NominationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    SHORTLISTED = "shortlisted", _("入围公示")
    REJECTED = "rejected", _("未入围")
    AWARDED = "awarded", _("已表彰")


class NominationQuerySet(models.QuerySet):
    def for_public(self):
        """What public pages show of a nomination; never the phone number."""
        return self.select_related("round", "nominee__home_town", "provider__town")

    def awarded(self):
        return self.filter(status=NominationStatus.AWARDED).for_public().order_by("-awarded_at", "-round__year", "pk")

    def shortlisted(self):
        return self.filter(status=NominationStatus.SHORTLISTED).for_public().order_by("round__kind", "pk")


class Nomination(models.Model):
    """A star (a resident, nominated by a school or by themselves) or a brand (a school's project)."""

    round = models.ForeignKey(
        HonourRound, verbose_name=_("推选年度"), on_delete=models.PROTECT, related_name="nominations"
    )
    # Stars: the resident. Their nomination is their personal data and goes with their account.
    nominee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("被推荐人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="honour_nominations",
    )
    # The nominating school (staff nominations, every brand); empty for a resident's self-nomination.
    provider = models.ForeignKey(
        ProviderPage,
        verbose_name=_("推荐单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("推荐人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    headline = models.CharField(
        _("事迹标题"), max_length=60, help_text=_("一句话，公示和荣誉榜上显示。如“退休教师义务教书法”。")
    )
    story = models.TextField(_("主要事迹"), max_length=3000)
    # Brands only.
    project_name = models.CharField(_("项目名称"), max_length=60, blank=True)
    outcomes = models.TextField(_("项目成效"), max_length=2000, blank=True)
    name_consent = models.BooleanField(
        _("同意公开姓名"), default=False, help_text=_("不同意时，公示和荣誉榜上姓名中间的字以*代替。")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    awarded_at = models.DateTimeField(_("表彰时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "nominee"],
                condition=Q(nominee__isnull=False),
                name="nomination_one_per_person_and_round",
                violation_error_message=_("这位居民在本年度已被推荐。"),
            ),
            models.UniqueConstraint(
                fields=["round", "provider", "project_name"],
                condition=Q(nominee__isnull=True),
                name="nomination_one_per_project_and_round",
                violation_error_message=_("这个项目在本年度已被推荐。"),
            ),
            # A star names a resident; a brand names a project of a school.
            models.CheckConstraint(
                condition=Q(nominee__isnull=False) | (Q(provider__isnull=False) & ~Q(project_name="")),
                name="nomination_names_someone_or_a_project",
            ),
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_at__isnull=False),
                name="nomination_decision_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="awarded") | Q(awarded_at__isnull=False),
                name="nomination_award_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.round.year} · {self.public_name}"

    @property
    def public_name(self) -> str:
        """What public pages may show: a brand's name, or the star's name (masked without their consent)."""
        if self.nominee_id is None:
            return self.project_name
        name = self.nominee.display_name
        return name if self.name_consent else mask_name(name)

    @property
    def town(self):
        """The town the honour counts for: the star's home town, or the brand's school's."""
        if self.nominee_id is not None:
            return self.nominee.home_town
        return self.provider.town if self.provider_id else None

    @property
    def is_self_nomination(self) -> bool:
        return self.provider_id is None


class NominationEvidence(models.Model):
    """A file backing a nomination (photos, certificates, reports): private, served through checked views."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("证明材料"), storage=private_storage, upload_to="honours/%Y/%m/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name


class HonoursIndexPage(RoutablePageMixin, Page):
    """学习之星与学习品牌 — the public page: rounds open now with criteria and dates, the 公示 list, the 荣誉榜 by
    year. Each route reads through the querysets above; names are masked unless the person consented."""

    intro = RichTextField(_("导语"), blank=True, features=["bold", "link", "ol", "ul"])

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["community.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("学习之星与品牌页")
        verbose_name_plural = _("学习之星与品牌页")

    @path("")
    def index(self, request):
        today = timezone.localdate()
        rounds = HonourRound.objects.filter(awarded_at__isnull=True, notice_starts__gt=today).order_by(
            "nomination_opens", "kind"
        )
        return self.render(
            request,
            context_overrides={
                "rounds": list(rounds),
                "today": today,
                "notice_count": HonourRound.objects.in_notice(today).count(),
                "recent_awards": list(Nomination.objects.awarded()[:6]),
            },
        )

    @path("rounds/<int:round_id>/")
    def round_detail(self, request, round_id: int):
        honour_round = HonourRound.objects.filter(pk=round_id).first()
        if honour_round is None:
            raise Http404
        return self.render(
            request,
            context_overrides={"round": honour_round, "today": timezone.localdate()},
            template="honours/round_detail.html",
        )

    @path("notice/")
    def notice(self, request):
        """公示: the shortlist of every round in its notice period (or closed and awaiting the award)."""
        today = timezone.localdate()
        rounds = list(HonourRound.objects.in_notice(today).order_by("-year", "kind"))
        shortlisted = Nomination.objects.shortlisted().filter(round__in=rounds)
        by_round = {r.pk: [] for r in rounds}
        for nomination in shortlisted:
            by_round[nomination.round_id].append(nomination)
        return self.render(
            request,
            context_overrides={"notices": [(r, by_round[r.pk]) for r in rounds], "today": today},
            template="honours/notice.html",
        )

    @path("honour-roll/")
    def honour_roll(self, request):
        """荣誉榜: every awarded star and brand, by year, newest year first."""
        years: dict[int, dict[str, list]] = {}
        for nomination in Nomination.objects.awarded().order_by("-round__year", "round__kind", "pk"):
            kinds = years.setdefault(nomination.round.year, {HonourKind.STAR: [], HonourKind.BRAND: []})
            kinds[nomination.round.kind].append(nomination)
        return self.render(
            request,
            context_overrides={
                "years": [(year, kinds[HonourKind.STAR], kinds[HonourKind.BRAND]) for year, kinds in years.items()]
            },
            template="honours/honour_roll.html",
        )
