"""Writes for study circles: start, approve, dissolve; join and leave; the leader's meetings (with the hours
they put in each attendee's learning record) and activity records; the centre's yearly assessment; erasing
a person's circle data.

HackSoft style: keyword-only, typed, one transaction each. Refusals raise CircleRefused with a machine code
and a Chinese message; nothing is changed when a request is refused.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import is_centre_staff
from circles.models import (
    MAX_MEETING_HOURS,
    MIN_MEETING_HOURS,
    ActivityKind,
    ActivityRecord,
    Assessment,
    CircleAttendance,
    CircleMeeting,
    CircleStatus,
    Membership,
    Rating,
    StudyCircle,
)
from circles.selectors import yearly_activity
from core.refusals import Refused
from courses.selectors import providers_for_user
from places.models import Town, Venue
from records.services import learning_hours_set, learning_hours_withdraw

# How far back a leader may record a meeting, and how far ahead plan one.
RECORD_BACK_DAYS = 90
PLAN_AHEAD_DAYS = 180


class CircleRefused(Refused):
    STATUS = {
        "not_found": 404,
        "forbidden": 403,
        "login_required": 401,
        "already_member": 409,
        "not_member": 409,
        "leader_stays": 409,
        "not_active": 409,
        "invalid_state": 409,
        "already_assessed": 409,
        "invalid": 400,
    }


# --- Who may do what -------------------------------------------------------------------------------------------


def may_review(user, circle: StudyCircle) -> bool:
    """Approve, dissolve: the guidance centre, or staff of the school the circle attaches to."""
    if is_centre_staff(user):
        return True
    if circle.provider_id is None or not user.is_authenticated:
        return False
    return providers_for_user(user).filter(pk=circle.provider_id).exists()


def may_view(user, circle: StudyCircle) -> bool:
    """An active or dissolved circle is public; a proposed one is seen by its leader and its reviewers only."""
    if circle.status != CircleStatus.PROPOSED:
        return True
    return (user.is_authenticated and circle.leader_id == user.pk) or may_review(user, circle)


def is_leader(user, circle: StudyCircle) -> bool:
    return user.is_authenticated and circle.leader_id == user.pk


def _circle(circle_id: int, *, lock: bool = False) -> StudyCircle:
    circles = StudyCircle.objects.select_for_update() if lock else StudyCircle.objects
    circle = circles.filter(pk=circle_id).first()
    if circle is None:
        raise CircleRefused("not_found", _("没有找到这个学习团队。"))
    return circle


def _clean(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = []
        for name, field_messages in error.message_dict.items():
            label = instance._meta.get_field(name).verbose_name if name != "__all__" else ""
            messages += [f"{label}：{m}" if label else m for m in field_messages]
        raise CircleRefused("invalid", "；".join(messages))


# --- Circles ---------------------------------------------------------------------------------------------------


def circle_start(
    *,
    by: User,
    name: str,
    kind: str,
    town: Town,
    meeting_pattern: str,
    description: str,
    venue: Venue | None = None,
    provider=None,
    leader_name_public: bool = False,
) -> StudyCircle:
    """A resident proposes a circle they will lead (申请中). They are its first member."""
    if not by.is_authenticated:
        raise CircleRefused("login_required", _("请先登录。"))
    if venue is not None and venue.town_id != town.pk:
        raise CircleRefused("invalid", _("活动地点不在所选乡镇/街道。"))
    circle = StudyCircle(
        name=(name or "").strip(),
        kind=kind,
        town=town,
        venue=venue,
        provider=provider,
        meeting_pattern=(meeting_pattern or "").strip(),
        description=(description or "").strip(),
        leader=by,
        leader_name_public=leader_name_public,
    )
    _clean(circle)
    with transaction.atomic():
        circle.save()
        Membership.objects.create(circle=circle, member=by, joined_at=timezone.now())
    return circle


def circle_approve(*, circle_id: int, by: User) -> StudyCircle:
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        if not may_review(by, circle):
            raise CircleRefused("forbidden", _("只有指导中心或挂靠学校的工作人员可以批准学习团队。"))
        if circle.status != CircleStatus.PROPOSED:
            raise CircleRefused("invalid_state", _("这个学习团队不在申请中，不能批准。"))
        circle.status, circle.approved_at, circle.approved_by = CircleStatus.ACTIVE, timezone.now(), by
        circle.save(update_fields=["status", "approved_at", "approved_by"])
        return circle


def circle_dissolve(*, circle_id: int, by: User) -> StudyCircle:
    """Dissolve a circle (the leader, or a reviewer). Memberships close; meetings and hours stay on record."""
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        if not (is_leader(by, circle) or may_review(by, circle)):
            raise CircleRefused("forbidden", _("只有团队负责人或审核单位可以解散学习团队。"))
        if circle.status == CircleStatus.DISSOLVED:
            raise CircleRefused("invalid_state", _("这个学习团队已经解散。"))
        now = timezone.now()
        circle.status, circle.dissolved_at = CircleStatus.DISSOLVED, now
        circle.save(update_fields=["status", "dissolved_at"])
        Membership.objects.filter(circle=circle, left_at__isnull=True).update(left_at=now)
        return circle


# --- Members ---------------------------------------------------------------------------------------------------


def membership_join(*, circle_id: int, user: User) -> Membership:
    if not user.is_authenticated:
        raise CircleRefused("login_required", _("请先登录。"))
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        if circle.status != CircleStatus.ACTIVE:
            raise CircleRefused("not_active", _("这个学习团队目前不接受新成员。"))
        if Membership.objects.filter(circle=circle, member=user, left_at__isnull=True).exists():
            raise CircleRefused("already_member", _("您已经是这个学习团队的成员。"))
        try:
            with transaction.atomic():
                return Membership.objects.create(circle=circle, member=user, joined_at=timezone.now())
        except IntegrityError:  # a second tab joining at the same moment: the constraint decides
            raise CircleRefused("already_member", _("您已经是这个学习团队的成员。"))


def membership_leave(*, circle_id: int, user: User) -> Membership:
    if not user.is_authenticated:
        raise CircleRefused("login_required", _("请先登录。"))
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        membership = Membership.objects.filter(circle=circle, member=user, left_at__isnull=True).first()
        if membership is None:
            raise CircleRefused("not_member", _("您不是这个学习团队的成员。"))
        if circle.leader_id == user.pk and circle.status != CircleStatus.DISSOLVED:
            raise CircleRefused("leader_stays", _("负责人不能退出团队；请先联系指导中心更换负责人，或解散团队。"))
        membership.left_at = timezone.now()
        membership.save(update_fields=["left_at"])
        return membership


# --- Meetings and attendance -----------------------------------------------------------------------------------


def _hours(value) -> Decimal:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise CircleRefused("invalid", _("学时必须是数字。"))
    if not hours.is_finite() or hours < MIN_MEETING_HOURS or hours > MAX_MEETING_HOURS:
        raise CircleRefused(
            "invalid",
            _("每次活动的学时应在%(min)s到%(max)s之间。") % {"min": MIN_MEETING_HOURS, "max": MAX_MEETING_HOURS},
        )
    if hours != hours.quantize(Decimal("0.1")):
        raise CircleRefused("invalid", _("学时最多保留一位小数。"))
    return hours


def _meeting_date(held_on: datetime.date) -> datetime.date:
    today = timezone.localdate()
    if held_on < today - datetime.timedelta(days=RECORD_BACK_DAYS):
        raise CircleRefused("invalid", _("只能补记%(n)d天内的活动。") % {"n": RECORD_BACK_DAYS})
    if held_on > today + datetime.timedelta(days=PLAN_AHEAD_DAYS):
        raise CircleRefused("invalid", _("只能安排%(n)d天内的活动。") % {"n": PLAN_AHEAD_DAYS})
    return held_on


def _source(meeting: CircleMeeting, member_id: int) -> str:
    return f"circle:{meeting.pk}:{member_id}"


def _occurred_at(meeting: CircleMeeting) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(meeting.held_on, datetime.time(9)))


def _provider_name(circle: StudyCircle) -> str:
    return circle.name


def _sync_attendance(*, meeting: CircleMeeting, circle: StudyCircle, attendee_ids: set[int]) -> None:
    """Make the meeting's attendance exactly `attendee_ids` and the ledger follow: hours recorded (or set to the
    meeting's hours) for who came, withdrawn for who no longer counts."""
    current = set(CircleAttendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    gone = current - attendee_ids
    CircleAttendance.objects.filter(meeting=meeting, member_id__in=gone).delete()
    for member_id in gone:
        learning_hours_withdraw(source=_source(meeting, member_id))
    CircleAttendance.objects.bulk_create(
        [CircleAttendance(meeting=meeting, member_id=m) for m in attendee_ids - current], ignore_conflicts=True
    )
    title = _("学习团队活动：%(circle)s · %(topic)s") % {"circle": circle.name, "topic": meeting.topic}
    for member in User.objects.filter(pk__in=attendee_ids):
        learning_hours_set(
            learner=member,
            source=_source(meeting, member.pk),
            title=title,
            hours=meeting.hours,
            occurred_at=_occurred_at(meeting),
            provider=_provider_name(circle),
        )


def _check_attendees(*, circle: StudyCircle, held_on: datetime.date, attendee_ids) -> set[int]:
    ids = {int(i) for i in attendee_ids or ()}
    if not ids:
        return ids
    if held_on > timezone.localdate():
        raise CircleRefused("invalid", _("活动还没有举行，不能登记出勤。"))
    members = set(
        Membership.objects.filter(circle=circle, member_id__in=ids, left_at__isnull=True).values_list(
            "member_id", flat=True
        )
    )
    if ids - members:
        raise CircleRefused("not_member", _("出勤名单中有人不是本团队成员。"))
    return ids


def meeting_record(
    *,
    circle_id: int,
    by: User,
    held_on: datetime.date,
    hours,
    topic: str,
    place: str = "",
    attendee_ids=(),
) -> CircleMeeting:
    """The leader records a meeting (past or planned) and, once it has taken place, who came."""
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        if not is_leader(by, circle):
            raise CircleRefused("forbidden", _("只有团队负责人可以登记活动。"))
        if circle.status != CircleStatus.ACTIVE:
            raise CircleRefused("not_active", _("学习团队批准后才能登记活动。"))
        meeting = CircleMeeting(
            circle=circle,
            held_on=_meeting_date(held_on),
            hours=_hours(hours),
            topic=(topic or "").strip(),
            place=(place or "").strip() or (circle.venue.name if circle.venue_id else ""),
            recorded_by=by,
        )
        _clean(meeting)
        ids = _check_attendees(circle=circle, held_on=meeting.held_on, attendee_ids=attendee_ids)
        meeting.save()
        _sync_attendance(meeting=meeting, circle=circle, attendee_ids=ids)
        return meeting


def _meeting(*, circle_id: int, meeting_id: int, by: User) -> tuple[StudyCircle, CircleMeeting]:
    circle = _circle(circle_id, lock=True)
    meeting = CircleMeeting.objects.select_for_update().filter(pk=meeting_id, circle=circle).first()
    if meeting is None:
        raise CircleRefused("not_found", _("没有找到这次活动。"))
    if not is_leader(by, circle):
        raise CircleRefused("forbidden", _("只有团队负责人可以修改活动。"))
    return circle, meeting


def meeting_update(
    *,
    circle_id: int,
    meeting_id: int,
    by: User,
    held_on: datetime.date,
    hours,
    topic: str,
    place: str = "",
    attendee_ids=(),
) -> CircleMeeting:
    """Correct a meeting: its date, hours, topic and who came. The ledger follows (hours adjusted, withdrawn
    for people no longer on the list). Members who have since left keep the attendance already recorded."""
    with transaction.atomic():
        circle, meeting = _meeting(circle_id=circle_id, meeting_id=meeting_id, by=by)
        ids = {int(i) for i in attendee_ids or ()}
        already = set(CircleAttendance.objects.filter(meeting=meeting).values_list("member_id", flat=True))
        meeting.held_on = held_on if held_on == meeting.held_on else _meeting_date(held_on)
        meeting.hours, meeting.topic = _hours(hours), (topic or "").strip()
        meeting.place = (place or "").strip()
        _clean(meeting)
        _check_attendees(circle=circle, held_on=meeting.held_on, attendee_ids=ids - already)
        if ids and meeting.held_on > timezone.localdate():
            raise CircleRefused("invalid", _("活动还没有举行，不能登记出勤。"))
        meeting.save()
        # The date or hours may have changed: entries already in the ledger are re-set, not just new ones.
        for member_id in ids & already:
            learning_hours_withdraw(source=_source(meeting, member_id))
        _sync_attendance(meeting=meeting, circle=circle, attendee_ids=ids)
        return meeting


def meeting_delete(*, circle_id: int, meeting_id: int, by: User) -> None:
    """Remove a meeting recorded by mistake; its hours leave every attendee's record."""
    with transaction.atomic():
        _circle_obj, meeting = _meeting(circle_id=circle_id, meeting_id=meeting_id, by=by)
        for member_id in CircleAttendance.objects.filter(meeting=meeting).values_list("member_id", flat=True):
            learning_hours_withdraw(source=_source(meeting, member_id))
        meeting.delete()


# --- Activity and assessment -----------------------------------------------------------------------------------


def activity_record(
    *, circle_id: int, by: User, kind: str, occurred_on: datetime.date, title: str, text: str = ""
) -> ActivityRecord:
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        if not is_leader(by, circle):
            raise CircleRefused("forbidden", _("只有团队负责人可以登记成果。"))
        if circle.status != CircleStatus.ACTIVE:
            raise CircleRefused("not_active", _("学习团队批准后才能登记成果。"))
        if kind not in ActivityKind.values:
            raise CircleRefused("invalid", _("请选择成果类别。"))
        if occurred_on > timezone.localdate():
            raise CircleRefused("invalid", _("成果日期不能晚于今天。"))
        activity = ActivityRecord(
            circle=circle, kind=kind, occurred_on=occurred_on, title=(title or "").strip(), text=(text or "").strip()
        )
        _clean(activity)
        activity.save()
        return activity


def assessment_create(*, circle_id: int, by: User, year: int, rating: str, note: str = "") -> Assessment:
    """The centre's yearly assessment, with the year's counts taken from the records now. One per circle and
    year (database too); the year must have begun."""
    if not is_centre_staff(by):
        raise CircleRefused("forbidden", _("只有指导中心工作人员可以进行年度评定。"))
    with transaction.atomic():
        circle = _circle(circle_id, lock=True)
        if circle.status == CircleStatus.PROPOSED:
            raise CircleRefused("invalid_state", _("学习团队尚未批准，不能评定。"))
        if year > timezone.localdate().year or year < 2000:
            raise CircleRefused("invalid", _("评定年度不正确。"))
        if rating not in Rating.values:
            raise CircleRefused("invalid", _("请选择评定等级。"))
        if Assessment.objects.filter(circle=circle, year=year).exists():
            raise CircleRefused("already_assessed", _("该团队%(year)d年度已经评定过。") % {"year": year})
        assessment = Assessment(
            circle=circle,
            year=year,
            rating=rating,
            note=(note or "").strip(),
            assessed_by=by,
            **yearly_activity(circle=circle, year=year),
        )
        _clean(assessment)
        try:
            with transaction.atomic():
                assessment.save()
        except IntegrityError:
            raise CircleRefused("already_assessed", _("该团队%(year)d年度已经评定过。") % {"year": year})
        return assessment


# --- Personal data ---------------------------------------------------------------------------------------------


def circles_erase(*, user: User) -> None:
    """Erase a person's circle data (run in the account deletion's transaction): their attendance and
    memberships go (the ledger's own eraser removes their hours); circles they led stay, without a leader,
    for the centre to hand on; what they recorded stays without their name."""
    CircleAttendance.objects.filter(member=user).delete()
    Membership.objects.filter(member=user).delete()
    StudyCircle.objects.filter(leader=user).update(leader=None, leader_name_public=False)
