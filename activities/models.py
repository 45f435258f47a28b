"""Community events (社区活动): lectures, performances, volunteer days and 送教下乡 days, published by a school or
the guidance centre as Wagtail pages under their `courses.ProviderPage`; residents sign up (where places are
limited) on the same seats-and-waitlist rules as classes (enrolment.seats), and attending puts the event's
hours in the learning record.

The seat counters live on the event page's own row, so a sign-up locks that row exactly as a class enrolment
locks the class row; like `CourseClass`, an ordinary save (a revision published) never writes them back.
"""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from core.counters import GuardedSeatCounters
from core.numbers import parse_whole_number
from courses.models import ProviderPage
from places.models import Town


class EventKind(models.TextChoices):
    LECTURE = "lecture", _("讲座")
    PERFORMANCE = "performance", _("展演")
    VOLUNTEER = "volunteer", _("志愿服务")
    OUTREACH = "outreach", _("送教下乡")
    OTHER = "other", _("其他")


class EventIndexPage(Page):
    """社区活动: every upcoming event of every school, filterable by town and kind (activities.models.event_listing)."""

    intro = models.CharField(_("导语"), max_length=200, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["community.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("社区活动栏目")
        verbose_name_plural = _("社区活动栏目")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(event_listing(request.GET))
        return context


class EventPage(GuardedSeatCounters, Page):
    """One event at a venue, published by the school (or the guidance centre) it sits under."""

    kind = models.CharField(_("活动类型"), max_length=20, choices=EventKind.choices, default=EventKind.LECTURE)
    starts_at = models.DateTimeField(_("开始时间"), help_text=_("北京时间。"))
    ends_at = models.DateTimeField(_("结束时间"), help_text=_("北京时间，须晚于开始时间。"))
    venue = models.ForeignKey(
        "places.Venue",
        verbose_name=_("活动地点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    town = models.ForeignKey(
        "places.Town",
        verbose_name=_("所在乡镇/街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        help_text=_("留空则取活动地点所在的乡镇/街道。"),
    )
    summary = models.TextField(_("活动简介"), max_length=300)
    body = RichTextField(_("详细介绍"), blank=True, features=["bold", "italic", "link", "ol", "ul"])
    audience = models.CharField(_("面向人群"), max_length=100, blank=True, help_text=_("如“全体居民”“60岁以上老人”。"))
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("留空表示不限人数、无需报名。")
    )
    waitlist_limit = models.PositiveIntegerField(
        _("候补人数上限"), null=True, blank=True, help_text=_("留空表示不限；填0表示满员后不接受候补。")
    )
    signup_closes = models.DateTimeField(
        _("报名截止"), null=True, blank=True, help_text=_("留空表示活动开始前一直可报名。")
    )
    hours = models.DecimalField(
        _("计入学时"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
        help_text=_("参加活动的居民计入学习档案的学时。"),
    )
    # Counters owned by activities.services (through enrolment.seats), changed only under this row's lock.
    seats_taken = models.PositiveIntegerField(_("已报名"), default=0, editable=False)
    arrivals = models.PositiveIntegerField(_("报名序号"), default=0, editable=False)
    # The school the page sits under (its parent), kept for filters and permission checks without a tree walk.
    provider = models.ForeignKey(
        ProviderPage, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="events"
    )

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldRowPanel([FieldPanel("venue"), FieldPanel("town")]),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("waitlist_limit")]),
                FieldRowPanel([FieldPanel("signup_closes"), FieldPanel("hours")]),
            ],
            heading=_("报名与学时"),
        ),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("kind"),
        index.FilterField("starts_at"),
        index.FilterField("town"),
        index.FilterField("provider"),
    ]
    api_fields = [
        APIField("kind"),
        APIField("starts_at"),
        APIField("ends_at"),
        APIField("venue"),
        APIField("town"),
        APIField("summary"),
        APIField("audience"),
        APIField("capacity"),
        APIField("seats_taken"),
        APIField("signup_closes"),
        APIField("hours"),
    ]
    exclude_fields_in_copy = ["seats_taken", "arrivals"]

    parent_page_types = ["courses.ProviderPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("社区活动")
        verbose_name_plural = _("社区活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_it_starts",
                violation_error_message=_("结束时间必须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(seats_taken__lte=F("capacity")),
                name="event_seats_taken_within_capacity",
                violation_error_message=_("已报名人数不能超过名额。"),
            ),
            models.CheckConstraint(
                condition=Q(signup_closes__isnull=True) | Q(signup_closes__lte=F("starts_at")),
                name="event_signup_closes_by_start",
                violation_error_message=_("报名截止时间不能晚于活动开始时间。"),
            ),
            models.CheckConstraint(condition=Q(hours__gte=0), name="event_hours_not_negative"),
        ]
        indexes = [models.Index(fields=["starts_at"], name="event_starts_at_idx")]

    def _from_tree(self) -> None:
        """The school is the parent page; the town defaults to the venue's."""
        if self.path and self.depth and self.depth > 1:
            parent_path = self.path[: -self.steplen]
            if self.__dict__.get("_provider_parent_path") != parent_path:
                self.provider_id = ProviderPage.objects.filter(path=parent_path).values_list("pk", flat=True).first()
                self._provider_parent_path = parent_path
        if self.town_id is None and self.venue_id is not None:
            self.town_id = self.venue.town_id

    def full_clean(self, *args, **kwargs):
        self._from_tree()
        super().full_clean(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("结束时间必须晚于开始时间。")
        if self.signup_closes and self.starts_at and self.signup_closes > self.starts_at:
            errors["signup_closes"] = _("报名截止时间不能晚于活动开始时间。")
        if capacity_error := self.counters_capacity_error():
            errors["capacity"] = capacity_error
        if self.capacity is None and self.seats_taken:
            errors["capacity"] = _("已有%(count)d人占用名额，不能改为不限人数。") % {"count": self.seats_taken}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self._from_tree()
        super().save(*args, **kwargs)  # without the seat counters (core/counters.py)

    # --- what a visitor sees -----------------------------------------------------------------------

    @property
    def needs_signup(self) -> bool:
        return self.capacity is not None

    @property
    def seats_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats_taken, 0)

    @property
    def signup_deadline(self) -> datetime.datetime:
        return self.signup_closes or self.starts_at

    def is_open_for_signup(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) < self.signup_deadline

    def has_started(self, now: datetime.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at

    @property
    def local_starts_at(self) -> datetime.datetime:
        return timezone.localtime(self.starts_at)

    @property
    def local_ends_at(self) -> datetime.datetime:
        return timezone.localtime(self.ends_at)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        user = request.user
        context["signup"] = (
            EventSignup.objects.filter(event=self, resident=user, status__in=ACTIVE_SIGNUP_STATUSES).first()
            if user.is_authenticated
            else None
        )
        return context


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    WAITLISTED = "waitlisted", _("候补")
    CANCELLED = "cancelled", _("已取消")


ACTIVE_SIGNUP_STATUSES = (SignupStatus.SIGNED_UP, SignupStatus.WAITLISTED)


class EventSignup(models.Model):
    """A resident's place at an event (报名): a seat, a place on the waitlist, or cancelled; attendance on it."""

    event = models.ForeignKey(EventPage, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="signups")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("居民"), on_delete=models.CASCADE, related_name="event_signups"
    )
    status = models.CharField(_("状态"), max_length=12, choices=SignupStatus.choices)
    arrival = models.PositiveIntegerField(_("报名顺序"), editable=False)
    holds_seat = models.BooleanField(_("占用名额"), default=False, editable=False)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    promotion_sms_sent_at = models.DateTimeField(_("转正短信发送时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    attendance_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["event", "arrival"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident", "event"],
                condition=Q(status__in=[s.value for s in ACTIVE_SIGNUP_STATUSES]),
                name="event_signup_one_active_per_resident",
                violation_error_message=_("您已报名该活动。"),
            ),
            models.UniqueConstraint(fields=["event", "arrival"], name="event_signup_arrival_unique"),
            models.CheckConstraint(
                condition=Q(holds_seat=False) | Q(status="signed_up"), name="event_signup_only_signed_up_hold_seats"
            ),
            models.CheckConstraint(
                condition=Q(attended_at__isnull=True) | Q(status="signed_up"), name="event_signup_only_signed_up_attend"
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "arrival"], name="event_signup_status_idx")]

    def __str__(self):
        return f"{self.resident} · {self.event} · {self.get_status_display()}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The unguessable part of a resident's private calendar feed URL; reset from 我的活动 (the old URL dies)."""

    resident = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_calendar_token"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("日程订阅密钥")
        verbose_name_plural = _("日程订阅密钥")

    def __str__(self):
        return f"{self.resident_id}"


# --- The listing (社区活动 page): upcoming events, by town and kind, a page at a time --------------------

LISTING_PAGE_SIZE = 12


def upcoming_event_pages(*, now: datetime.datetime | None = None):
    """Live events not yet over, soonest first, with what a card shows (venue, town, school) in the same query."""
    return (
        EventPage.objects.live()
        .filter(ends_at__gt=now or timezone.now())
        .select_related("venue", "town", "provider")
        .order_by("starts_at", "pk")
    )


def event_listing(params) -> dict:
    """The listing's context from the query string (town, kind, page); unknown values are ignored."""
    events = upcoming_event_pages()
    town_id = parse_whole_number(params.get("town"))
    town = Town.objects.filter(pk=town_id).first() if town_id else None
    if town is not None:
        events = events.filter(town=town)
    kind = params.get("kind") if params.get("kind") in EventKind.values else ""
    if kind:
        events = events.filter(kind=kind)
    page = Paginator(events, LISTING_PAGE_SIZE).get_page(parse_whole_number(params.get("page")) or 1)
    return {
        "events": page,
        "towns": Town.objects.all(),
        "kinds": EventKind.choices,
        "chosen_town": town,
        "chosen_kind": kind,
    }
