"""Reads about study circles: the public list and page, a person's circles, the yearly counts the centre
assesses, and the per-town figures the learning-city dashboard adds up (`city_figures`)."""

import datetime
from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts.names import mask_name
from accounts.roles import is_centre_staff
from circles.models import (
    ActivityKind,
    ActivityRecord,
    CircleAttendance,
    CircleMeeting,
    CircleStatus,
    Membership,
    StudyCircle,
)
from courses.selectors import providers_for_user

_open_members = Count("memberships", filter=Q(memberships__left_at__isnull=True), distinct=True)


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The first instant of `year` and of the next one, in the site's time zone (Asia/Shanghai)."""
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def active_circles(*, town_id: int | None = None, kind: str | None = None) -> QuerySet[StudyCircle]:
    """Active circles with their town, venue and number of members (`member_count`), by town then name."""
    circles = (
        StudyCircle.objects.filter(status=CircleStatus.ACTIVE)
        .select_related("town", "venue", "leader")
        .annotate(member_count=_open_members)
    )
    if town_id is not None:
        circles = circles.filter(town_id=town_id)
    if kind:
        circles = circles.filter(kind=kind)
    return circles.order_by("town__sort_order", "town__name", "name")


def public_circles(*, town_id: int | None = None, limit: int | None = None) -> list[StudyCircle]:
    """Active circles for public listings (the home portal, a town's page). Each has `member_count` and
    `leader_public_name` (the name only with the leader's consent, masked otherwise)."""
    circles = active_circles(town_id=town_id)
    if limit is not None:
        circles = circles[:limit]
    circles = list(circles)
    for circle in circles:
        circle.leader_public_name = leader_public_name(circle)
    return circles


def leader_public_name(circle: StudyCircle) -> str:
    if circle.leader is None:
        return ""
    name = circle.leader.display_name
    return name if circle.leader_name_public else mask_name(name)


def circle_for_page(*, circle_id: int) -> StudyCircle | None:
    """A circle with its member count and the leader's public name; who may see it is the view's question
    (services.may_view)."""
    circle = (
        StudyCircle.objects.select_related("town", "venue", "leader", "provider")
        .annotate(member_count=_open_members)
        .filter(pk=circle_id)
        .first()
    )
    if circle is None:
        return None
    circle.leader_public_name = leader_public_name(circle)
    return circle


def open_membership(*, circle: StudyCircle, user) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(circle=circle, member=user, left_at__isnull=True).first()


def current_members(*, circle: StudyCircle) -> list[Membership]:
    """Members now, for the leader's tools (names, never phones)."""
    return list(
        Membership.objects.filter(circle=circle, left_at__isnull=True)
        .select_related("member")
        .order_by("joined_at", "pk")
    )


def circle_meetings(*, circle: StudyCircle, limit: int | None = None) -> list[CircleMeeting]:
    meetings = CircleMeeting.objects.filter(circle=circle).annotate(attendee_count=Count("attendances"))
    return list(meetings[:limit] if limit else meetings)


def upcoming_meetings(*, circle: StudyCircle, limit: int = 5) -> list[CircleMeeting]:
    today = timezone.localdate()
    return list(CircleMeeting.objects.filter(circle=circle, held_on__gte=today).order_by("held_on", "pk")[:limit])


def past_meetings(*, circle: StudyCircle, limit: int = 10) -> list[CircleMeeting]:
    today = timezone.localdate()
    return list(
        CircleMeeting.objects.filter(circle=circle, held_on__lte=today)
        .annotate(attendee_count=Count("attendances"))
        .order_by("-held_on", "-pk")[:limit]
    )


def meeting_attendee_ids(*, meeting: CircleMeeting) -> set[int]:
    return set(CircleAttendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))


def circle_activities(*, circle: StudyCircle, limit: int | None = None) -> list[ActivityRecord]:
    activities = ActivityRecord.objects.filter(circle=circle)
    return list(activities[:limit] if limit else activities)


def my_circles(*, user) -> list[StudyCircle]:
    """The circles `user` belongs to now or leads (any status), with `member_count` and `is_leader`."""
    circles = (
        StudyCircle.objects.filter(Q(leader=user) | Q(memberships__member=user, memberships__left_at__isnull=True))
        .distinct()
        .select_related("town", "venue")
        .annotate(member_count=_open_members)
        .order_by("name")
    )
    circles = list(circles)
    for circle in circles:
        circle.is_leader = circle.leader_id == user.pk
    return circles


def circles_for_reviewer(user) -> QuerySet[StudyCircle]:
    """The circles `user` reviews in the admin: every circle for the centre, those attached to their schools for
    school staff, none for anyone else. Proposed ones first, with member counts and assessed years."""
    circles = StudyCircle.objects.select_related("town", "leader", "provider").annotate(member_count=_open_members)
    if not is_centre_staff(user):
        circles = circles.filter(provider__in=providers_for_user(user))
    return circles.order_by("status", "town__sort_order", "name").prefetch_related("assessments")


def yearly_activity(*, circle: StudyCircle, year: int) -> dict[str, int]:
    """What the yearly assessment is based on: meetings held, months with at least one meeting (regularity),
    events held, and outcomes (works, performances, awards)."""
    today = timezone.localdate()
    meetings = CircleMeeting.objects.filter(circle=circle, held_on__year=year, held_on__lte=today)
    months = {d.month for d in meetings.values_list("held_on", flat=True)}
    activities = ActivityRecord.objects.filter(circle=circle, occurred_on__year=year)
    return {
        "meetings_held": meetings.count(),
        "months_active": len(months),
        "events_held": activities.filter(kind=ActivityKind.EVENT).count(),
        "outcomes": activities.exclude(kind=ActivityKind.EVENT).count(),
    }


def _circles_in_year(year: int) -> Q:
    start, end = year_bounds(year)
    return Q(status__in=[CircleStatus.ACTIVE, CircleStatus.DISSOLVED], approved_at__lt=end) & (
        Q(dissolved_at__isnull=True) | Q(dissolved_at__gte=start)
    )


def city_figures(*, years: Sequence[int]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (town id, year): circles_active (approved by the year's end and not dissolved before it began),
    circle_members (distinct people who were members of such a circle in the town at some time that year),
    circle_meetings (meetings held that year, up to today). A circle counts in its own town. Three aggregate
    queries per year; (town, year) pairs with nothing are left out."""
    figures: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: {"circles_active": 0, "circle_members": 0, "circle_meetings": 0}
    )
    today = timezone.localdate()
    for year in sorted(set(years)):
        start, end = year_bounds(year)
        circles = StudyCircle.objects.filter(_circles_in_year(year))
        for row in circles.values("town_id").annotate(n=Count("pk")):
            figures[(row["town_id"], year)]["circles_active"] = row["n"]
        members = (
            Membership.objects.filter(circle__in=circles, joined_at__lt=end)
            .filter(Q(left_at__isnull=True) | Q(left_at__gte=start))
            .values("circle__town_id")
            .annotate(n=Count("member_id", distinct=True))
        )
        for row in members:
            figures[(row["circle__town_id"], year)]["circle_members"] = row["n"]
        meetings = (
            CircleMeeting.objects.filter(held_on__year=year, held_on__lte=today)
            .values("circle__town_id")
            .annotate(n=Count("pk"))
        )
        for row in meetings:
            figures[(row["circle__town_id"], year)]["circle_meetings"] = row["n"]
    return dict(figures)


def export_for(user) -> dict:
    """A person's circles and meetings attended, for their my-data export."""
    memberships = Membership.objects.filter(member=user).select_related("circle").order_by("joined_at", "pk")
    attendances = (
        CircleAttendance.objects.filter(member=user)
        .select_related("meeting__circle")
        .order_by("meeting__held_on", "pk")
    )
    led = StudyCircle.objects.filter(leader=user).order_by("pk")
    return {
        "study_circles": {
            "led": [{"circle": c.name, "status": c.status, "leader_name_public": c.leader_name_public} for c in led],
            "memberships": [
                {
                    "circle": m.circle.name,
                    "joined_at": m.joined_at.isoformat(),
                    "left_at": m.left_at.isoformat() if m.left_at else None,
                }
                for m in memberships
            ],
            "meetings_attended": [
                {
                    "circle": a.meeting.circle.name,
                    "date": a.meeting.held_on.isoformat(),
                    "topic": a.meeting.topic,
                    "hours": str(a.meeting.hours),
                }
                for a in attendances
            ],
        }
    }


def meeting_members(*, meeting: CircleMeeting) -> list[Membership]:
    """Who may be ticked on a meeting's list: members now, and anyone already marked present who has since left
    (so correcting the meeting does not silently drop them)."""
    present = CircleAttendance.objects.filter(meeting=meeting).values("member_id")
    memberships = (
        Membership.objects.filter(circle_id=meeting.circle_id)
        .filter(Q(left_at__isnull=True) | Q(member_id__in=present))
        .select_related("member")
        .order_by("joined_at", "pk")
    )
    seen, result = set(), []
    for membership in memberships:
        if membership.member_id not in seen:
            seen.add(membership.member_id)
            result.append(membership)
    return result
