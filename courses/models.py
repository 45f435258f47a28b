"""The catalogue: CourseIndexPage → ProviderPage (one per school) → CoursePage, and its classes (班次).

Categories and audiences are snippets staff edit; towns and venues live in `community`.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.counters import GuardedSeatCounters
from core.snippets import NamedSnippet
from courses import search as catalogue_search  # the listings' reads; it reads these models when called
from courses.forms import CoursePageForm
from places.models import OPENING_HOURS_HELP, coordinate_constraints, latitude_field, longitude_field

RICH_TEXT_FEATURES = ["h3", "bold", "italic", "link", "ol", "ul"]


class Category(NamedSnippet):
    """老年教育, 农业技术, 职业技能, 学历教育, 社区教育 — and whatever the centre adds."""

    description = models.CharField(_("说明"), max_length=200, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description"), FieldPanel("sort_order")]

    class Meta(NamedSnippet.Meta):
        verbose_name = _("课程类别")
        verbose_name_plural = _("课程类别")


class CourseForm(models.TextChoices):
    OFFLINE = "offline", _("线下面授")
    ONLINE = "online", _("线上")
    BLENDED = "blended", _("混合")
    VILLAGE = "village", _("送教下乡")


class ProviderKind(models.TextChoices):
    OPEN_UNIVERSITY = "open_university", _("开放大学")
    VOCATIONAL_SCHOOL = "vocational_school", _("职业学校")
    ADULT_SCHOOL = "adult_school", _("成人学校")
    ELDERLY_UNIVERSITY = "elderly_university", _("老年大学")
    COMMUNITY_SCHOOL = "community_school", _("社区学校")
    GUIDANCE_CENTRE = "guidance_centre", _("社区教育指导中心")


class CourseIndexPage(Page):
    """The catalogue (课程): every live course below it, filterable and paginated."""

    intro = models.CharField(_("导语"), max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    parent_page_types = ["community.HomePage"]
    subpage_types = ["courses.ProviderPage"]
    max_count = 1

    class Meta:
        verbose_name = _("课程目录")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filters = catalogue_search.catalogue_search_from_query(request.GET)
        context["filters"] = filters
        context["facets"] = catalogue_search.catalogue_facets()
        # The catalogue is the search service without words: one ranking, one set of filters everywhere.
        context["courses"] = catalogue_search.catalogue_page(filters)
        context["query_without_page"] = filters.as_query_string(page=1)
        return context


class ProviderPage(Page):
    """A school that publishes courses: the open-university branch, an adult school, the elderly university…"""

    kind = models.CharField(_("类型"), max_length=30, choices=ProviderKind.choices)
    intro = models.TextField(_("简介"), blank=True)
    town = models.ForeignKey(
        "places.Town",
        verbose_name=_("所在乡镇/街道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_phone = models.CharField(_("咨询电话"), max_length=30, blank=True, help_text=_("学校的公开咨询电话。"))
    opening_hours = models.TextField(_("开放时间"), blank=True, help_text=OPENING_HOURS_HELP)
    directions = models.TextField(_("到达方式"), blank=True, help_text=_("公交线路、步行路线、地标。"))
    latitude = latitude_field()
    longitude = longitude_field()

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("town"), FieldPanel("address")]),
        FieldPanel("contact_phone"),
        FieldPanel("opening_hours"),
        FieldPanel("directions"),
        FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.FilterField("kind")]

    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.CoursePage", "activities.EventPage", "community.LearningPointPage"]

    class Meta:
        verbose_name = _("办学机构")
        verbose_name_plural = _("办学机构")
        constraints = coordinate_constraints("providerpage")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        listing = catalogue_search.catalogue_search_from_query({"page": request.GET.get("page")}, provider=self.pk)
        context["courses"] = catalogue_search.catalogue_page(listing)
        return context


class CoursePage(Page):
    """A course (课程) a school offers; its classes (班次) are where people enrol."""

    provider = models.ForeignKey(
        ProviderPage,
        verbose_name=_("办学机构"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text=_("由页面位置决定：课程所在的办学机构。"),
    )
    summary = models.CharField(_("简介"), max_length=200, help_text=_("一句话说明学完能做什么。"))
    body = RichTextField(_("课程内容"), blank=True, features=RICH_TEXT_FEATURES)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), null=True, blank=False, on_delete=models.SET_NULL, related_name="courses"
    )
    audiences = ParentalManyToManyField(
        "accounts.Audience", verbose_name=_("适用人群"), blank=True, related_name="courses"
    )
    form = models.CharField(_("授课形式"), max_length=20, choices=CourseForm.choices, default=CourseForm.OFFLINE)
    town = models.ForeignKey(
        "places.Town",
        verbose_name=_("主要开课乡镇"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="courses",
        help_text=_("面向全区或线上的课程可留空。"),
    )
    hours = models.DecimalField(
        _("学时"), max_digits=6, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    credits = models.DecimalField(
        _("学分"), max_digits=5, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    fee = models.DecimalField(
        _("费用（元）"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("免费课程填0。"),
    )
    keywords = models.CharField(
        _("关键词"), max_length=200, blank=True, help_text=_("居民可能搜索的词，用空格分隔，如“梨树 修剪 果树”。")
    )
    audience_only = models.BooleanField(
        _("仅限适用人群报名"),
        default=False,
        help_text=_("勾选后，只有在个人资料中选择了上述适用人群之一的居民才能报名。"),
    )
    min_age = models.PositiveSmallIntegerField(
        _("最低年龄"), null=True, blank=True, help_text=_("如老年大学课程要求年满50周岁；不限则留空。")
    )
    eligible_towns = ParentalManyToManyField(
        "places.Town",
        verbose_name=_("限报乡镇"),
        blank=True,
        related_name="+",
        help_text=_("只招本乡镇居民时勾选；不限则不选。学员须在个人资料中填写所在乡镇。"),
    )
    completion_attendance_percent = models.PositiveSmallIntegerField(
        _("结业出勤率（%）"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("出勤学时达到全部课次学时的这一比例即自动结业；留空则由学校手动确认结业。"),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("category"), FieldPanel("form")]),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audience_only"),
                FieldRowPanel([FieldPanel("hours"), FieldPanel("credits"), FieldPanel("fee")]),
                FieldRowPanel([FieldPanel("town"), FieldPanel("min_age")]),
                FieldPanel("eligible_towns", widget=forms.CheckboxSelectMultiple),
                FieldPanel("completion_attendance_percent"),
            ],
            heading=_("课程信息"),
        ),
        FieldPanel("body"),
        FieldPanel("keywords"),
        InlinePanel("classes", heading=_("班次"), label=_("班次")),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary", boost=2),
        index.SearchField("body"),
        index.SearchField("keywords", boost=2),
        index.RelatedFields("category", [index.SearchField("name")]),
        index.FilterField("category"),
        index.FilterField("form"),
        index.FilterField("town"),
        index.FilterField("provider"),
    ]
    api_fields = ["summary", "category", "form", "hours", "credits", "fee"]

    parent_page_types = ["courses.ProviderPage"]
    subpage_types = ["media.LessonPage"]  # online lessons, in page order (media app; named, not imported)
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="course_hours_not_negative"),
            models.CheckConstraint(condition=Q(credits__gte=0), name="course_credits_not_negative"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="course_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(completion_attendance_percent__isnull=True) | Q(completion_attendance_percent__lte=100),
                name="course_completion_percent_at_most_100",
            ),
        ]

    @property
    def is_free(self) -> bool:
        return not self.fee

    @cached_property
    def upcoming_classes(self) -> list["CourseClass"]:
        """Classes not yet finished, soonest first (uses the catalogue's prefetch when present)."""
        if hasattr(self, "current_classes"):
            return self.current_classes
        today = timezone.localdate()
        return list(
            self.classes.filter(ends_on__gte=today).select_related("venue__town", "teacher").order_by("starts_on")
        )

    @property
    def next_class(self) -> "CourseClass | None":
        classes = self.upcoming_classes
        return classes[0] if classes else None

    def full_clean(self, *args, **kwargs):
        self._provider_from_tree()  # before validation, so it is never stale
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self._provider_from_tree()  # also for saves that skip validation (drafts, copies)
        super().save(*args, **kwargs)

    def _provider_from_tree(self) -> None:
        """The provider is the school the page sits under: looked up once per position of this instance, so an
        admin save (validated, then saved) asks the database once. A move is followed by courses.signals."""
        if not self.path or self.depth is None or self.depth < 2:
            return
        parent_path = self.path[: -self.steplen]
        if self.__dict__.get("_provider_parent_path") == parent_path:
            return
        self.provider_id = ProviderPage.objects.filter(path=parent_path).values_list("pk", flat=True).first()
        self._provider_parent_path = parent_path

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The class cards' 报名/取消 buttons (enrolment's template tag) read the visitor's places for all of
        # these classes in one query.
        context["classes"] = self.upcoming_classes
        return context


# Its seat counters are written only by enrolment's seat rules (core/counters.py). Saving a class promotes
# nobody: publishing its course does (enrolment.signals → course_waitlists_fill).
class CourseClass(GuardedSeatCounters, Orderable):
    """A class (班次): one run of a course, at a venue, with its dates, schedule, teacher and seats."""

    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="classes", verbose_name=_("课程"))
    label = models.CharField(_("班次名称"), max_length=60, help_text=_("如“2026年春季班”“周二上午班”。"))
    starts_on = models.DateField(_("开课日期"))
    ends_on = models.DateField(_("结课日期"))
    schedule = models.CharField(_("上课时间"), max_length=100, help_text=_("如“每周二、周四 上午9:00—11:00”。"))
    venue = models.ForeignKey(
        "places.Venue",
        verbose_name=_("上课地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="classes",
        help_text=_("线上班次可留空。"),
    )
    capacity = models.PositiveIntegerField(_("名额"), help_text=_("可报名的学员人数。"))
    seats_taken = models.PositiveIntegerField(_("已报名"), default=0, editable=False)
    waitlist_limit = models.PositiveIntegerField(
        _("候补人数上限"), null=True, blank=True, help_text=_("留空表示不限；填0表示满员后不接受候补。")
    )
    # The last arrival number handed out (see enrolment.models); only services change it.
    arrivals = models.PositiveIntegerField(_("报名序号"), default=0, editable=False)
    enrol_opens = models.DateField(_("报名开始"), null=True, blank=True, help_text=_("留空表示现在即可报名。"))
    enrol_closes = models.DateField(
        _("报名截止"), null=True, blank=True, help_text=_("留空表示开课前一直可报名；不能晚于开课日期。")
    )
    teacher = models.ForeignKey(
        "accounts.User",
        verbose_name=_("授课教师"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="taught_classes",
        limit_choices_to={"groups__name": "教师"},
    )

    panels = [
        FieldPanel("label"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
        FieldPanel("schedule"),
        FieldRowPanel([FieldPanel("venue"), FieldPanel("capacity"), FieldPanel("waitlist_limit")]),
        FieldRowPanel([FieldPanel("enrol_opens"), FieldPanel("enrol_closes")]),
        FieldPanel("teacher"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="class_ends_after_it_starts",
                violation_error_message=_("结课日期不能早于开课日期。"),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")),
                name="class_seats_taken_within_capacity",
                violation_error_message=_("已报名人数不能超过名额。"),
            ),
            models.CheckConstraint(
                condition=Q(enrol_closes__isnull=True) | Q(enrol_closes__lte=F("starts_on")),
                name="class_enrolment_closes_by_start",
                violation_error_message=_("报名截止日期不能晚于开课日期。"),
            ),
            models.CheckConstraint(
                condition=Q(enrol_opens__isnull=True)
                | Q(enrol_closes__isnull=True, enrol_opens__lte=F("starts_on"))
                # Spelled out with isnull=False: a CHECK that evaluates to NULL passes.
                | Q(enrol_closes__isnull=False, enrol_opens__lte=F("enrol_closes")),
                name="class_enrolment_window_in_order",
                violation_error_message=_("报名开始日期必须早于报名截止日期和开课日期。"),
            ),
        ]

    def __str__(self):
        return f"{self.course.title} · {self.label}" if self.course_id else self.label

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("结课日期不能早于开课日期。")
        if self.enrol_closes and self.starts_on and self.enrol_closes > self.starts_on:
            errors["enrol_closes"] = _("报名截止日期不能晚于开课日期。")
        latest_open = self.enrol_closes or self.starts_on
        if self.enrol_opens and latest_open and self.enrol_opens > latest_open:
            errors["enrol_opens"] = _("报名开始日期必须早于报名截止日期和开课日期。")
        if capacity_error := self.counters_capacity_error():
            errors["capacity"] = capacity_error
        if errors:
            raise ValidationError(errors)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def has_started(self, today: datetime.date | None = None) -> bool:
        return (today or timezone.localdate()) >= self.starts_on

    @property
    def enrolment_window(self) -> tuple[datetime.date | None, datetime.date]:
        return self.enrol_opens, self.enrol_closes or self.starts_on

    def is_open_for_enrolment(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        opens, closes = self.enrolment_window
        # closes is never after starts_on, so an open window also means the class has not started.
        return (opens is None or opens <= today) and today <= closes
