"""Reads for community events: what is on, who may manage an event, rosters, feeds and the city's figures."""

import datetime
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activities.models import ACTIVE_SIGNUP_STATUSES, CalendarToken, EventPage, EventSignup, SignupStatus
from courses.selectors import providers_for_user
from enrolment.refusals import EnrolmentRefused
from records.xapi import Activity


def upcoming_events(
    *,
    town_id: int | None = None,
    provider_id: int | None = None,
    venue_id: int | None = None,
    days: int = 7,
    limit: int | None = None,
) -> list[EventPage]:
    """Live events starting within `days` from now (or still going on), soonest first, venue/town/school joined
    (the home portal and community school pages call this)."""
    now = timezone.now()
    events = (
        EventPage.objects.live()
        .filter(ends_at__gt=now, starts_at__lt=now + datetime.timedelta(days=days))
        .select_related("venue", "town", "provider")
        .order_by("starts_at", "pk")
    )
    if town_id is not None:
        events = events.filter(town_id=town_id)
    if provider_id is not None:
        events = events.filter(provider_id=provider_id)
    if venue_id is not None:
        events = events.filter(venue_id=venue_id)
    return list(events[:limit] if limit is not None else events)


def city_figures(*, years: Sequence[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (town id, year) in Asia/Shanghai: events held (live, already started), attendances (sign-ups marked
    as attended) and attendees (different residents who attended). An event counts for its own town."""
    years = list(years)
    figures: dict[tuple[int, int], dict[str, int]] = {}

    def row(town_id: int, year: int) -> dict[str, int]:
        return figures.setdefault((town_id, year), {"events_held": 0, "attendances": 0, "attendees": 0})

    held = (
        EventPage.objects.live()
        .filter(town__isnull=False, starts_at__lte=timezone.now())
        .annotate(year=ExtractYear("starts_at"))
        .filter(year__in=years)
        .values("town_id", "year")
        .annotate(n=Count("pk"))
    )
    for item in held:
        row(item["town_id"], item["year"])["events_held"] = item["n"]
    attended = (
        EventSignup.objects.filter(attended_at__isnull=False, event__town__isnull=False)
        .annotate(year=ExtractYear("event__starts_at"))
        .filter(year__in=years)
        .values("event__town_id", "year")
        .annotate(n=Count("pk"), people=Count("resident_id", distinct=True))
    )
    for item in attended:
        figures_row = row(item["event__town_id"], item["year"])
        figures_row["attendances"], figures_row["attendees"] = item["n"], item["people"]
    return figures


# --- who may do what ------------------------------------------------------------------------------------


def user_manages_event(user, event: EventPage) -> bool:
    """Staff of the event's school (Wagtail page permissions decide which schools; the centre has all)."""
    if not user.is_authenticated or not user.is_active or event.provider_id is None:
        return False
    return providers_for_user(user).filter(pk=event.provider_id).exists()


def events_managed_by(user) -> QuerySet[EventPage]:
    if not user.is_authenticated or not user.is_active:
        return EventPage.objects.none()
    return (
        EventPage.objects.filter(provider__in=providers_for_user(user).values("pk"))
        .select_related("venue", "town", "provider")
        .annotate(
            signed_up=Count("signups", filter=Q(signups__status=SignupStatus.SIGNED_UP)),
            waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED)),
            attended=Count("signups", filter=Q(signups__attended_at__isnull=False)),
        )
        .order_by("-starts_at", "pk")
    )


def signup_refusal_for_event(event: EventPage, *, now: datetime.datetime) -> EnrolmentRefused | None:
    """Outside the sign-up window: after the deadline (or the start)."""
    if event.is_open_for_signup(now):
        return None
    if event.has_started(now):
        return EnrolmentRefused("closed", _("活动已开始，不能再报名。"), short=_("活动已开始"))
    return EnrolmentRefused(
        "closed",
        _("报名已于%(time)s截止。") % {"time": f"{timezone.localtime(event.signup_deadline):%Y-%m-%d %H:%M}"},
        short=_("报名已截止"),
    )


def event_duplicate_refusal() -> EnrolmentRefused:
    return EnrolmentRefused("duplicate", _("您已报名该活动，无需重复报名。"))


def event_waitlist_length(event: EventPage) -> int:
    return EventSignup.objects.filter(event=event, status=SignupStatus.WAITLISTED).count()


# --- reads for people ---------------------------------------------------------------------------------


def event_roster(event: EventPage) -> list[EventSignup]:
    """Who signed up (seats first, then the waitlist in arrival order), with the resident in the same query."""
    return list(
        EventSignup.objects.filter(event=event, status__in=ACTIVE_SIGNUP_STATUSES)
        .select_related("resident")
        .order_by("status", "arrival")
    )


def resident_signups(user: User) -> list[EventSignup]:
    """A resident's active sign-ups, soonest event first (我的活动 and the private calendar feed)."""
    return list(
        EventSignup.objects.filter(resident=user, status__in=ACTIVE_SIGNUP_STATUSES, event__live=True)
        .select_related("event__venue", "event__town", "event__provider")
        .order_by("event__starts_at", "pk")
    )


def resident_signup(*, user: User, event_id: int) -> EventSignup | None:
    if not user.is_authenticated:
        return None
    return EventSignup.objects.filter(resident=user, event_id=event_id, status__in=ACTIVE_SIGNUP_STATUSES).first()


def calendar_owner(token: str) -> User | None:
    """The resident whose private feed `token` opens, or None (forged, reset or malformed: all look the same)."""
    if not token or len(token) > 64:
        return None
    row = CalendarToken.objects.select_related("resident").filter(token=token).first()
    return row.resident if row is not None and row.resident.is_active else None


def feed_events(*, town_id: int | None = None, provider_id: int | None = None, days_back: int = 30) -> list[EventPage]:
    """Public feeds: live events of a town or school from a month ago on (a calendar keeps recent history)."""
    events = (
        EventPage.objects.live()
        .filter(ends_at__gt=timezone.now() - datetime.timedelta(days=days_back))
        .select_related("venue", "town", "provider")
        .order_by("starts_at", "pk")
    )
    if town_id is not None:
        events = events.filter(town_id=town_id)
    if provider_id is not None:
        events = events.filter(provider_id=provider_id)
    return list(events[:500])


def event_activity(event: EventPage) -> Activity:
    """The event as an xAPI activity (statements name it)."""
    return Activity(path=f"event/{event.pk}", type="meeting", name=event.title, description=event.summary)


def resident_personal_data(user: User) -> dict:
    """下载我的数据: the events the resident signed up for (no one else's data)."""
    return {
        "event_signups": [
            {
                "event": place.event.title,
                "starts_at": place.event.starts_at.isoformat(),
                "status": place.status,
                "signed_up_at": place.created_at.isoformat(),
                "attended_at": place.attended_at.isoformat() if place.attended_at else None,
            }
            for place in EventSignup.objects.filter(resident=user).select_related("event").order_by("created_at")
        ]
    }
