"""Writes for community events: sign-up and cancel (on enrolment.seats, the rules classes use), attendance
(which puts the event's hours in the learning record) and the private calendar token.

Concurrency is the classes' own: a write that changes who holds a seat locks the event page's row first; under
that lock the shared seat rules bump the arrival and seat counters in one conditional UPDATE, and the database
backs them up (seats_taken <= capacity; one active sign-up per resident and event).
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from activities.models import (
    ACTIVE_SIGNUP_STATUSES,
    CalendarToken,
    EventPage,
    EventSignup,
    SignupStatus,
    new_calendar_token,
)
from activities.selectors import (
    event_activity,
    event_duplicate_refusal,
    event_waitlist_length,
    signup_refusal_for_event,
    user_manages_event,
)
from activities.tasks import send_event_promotion_sms
from core.queueing import queue_on_commit
from enrolment import seats as seat_rules
from enrolment.refusals import EnrolmentRefused
from records import services as records_services


def _event(event_id, *, lock: bool) -> EventPage:
    rows = EventPage.objects.select_for_update(of=("self",)) if lock else EventPage.objects.all()
    try:
        return rows.get(pk=event_id, live=True)
    except (EventPage.DoesNotExist, ValueError, TypeError):
        raise EnrolmentRefused("not_found", _("没有找到这个活动。"))


def event_signup(*, resident: User, event_id: int, now: datetime.datetime | None = None) -> EventSignup:
    """Sign `resident` up: a seat if one is free, otherwise the waitlist (first come, first served). An event
    without a capacity needs no sign-up; signing up anyway puts it in the resident's calendar, no seat taken."""
    now = now or timezone.now()
    if not resident.is_active:
        raise EnrolmentRefused("ineligible", _("该账号已停用，不能报名。"))
    refusal = signup_refusal_for_event(_event(event_id, lock=False), now=now)
    if refusal is not None:
        raise refusal
    if EventSignup.objects.filter(resident=resident, event_id=event_id, status__in=ACTIVE_SIGNUP_STATUSES).exists():
        raise event_duplicate_refusal()
    try:
        with transaction.atomic():
            event = _event(event_id, lock=True)
            if event.needs_signup and seat_rules.waitlist_closed(
                event, waitlist_limit=event.waitlist_limit, waiting=lambda: event_waitlist_length(event)
            ):
                raise EnrolmentRefused(
                    "full_no_waitlist", _("名额已满，候补人数也已满，不能再报名。"), short=_("名额已满")
                )
            seat = event.needs_signup and seat_rules.has_free_seat(event)
            status = SignupStatus.WAITLISTED if event.needs_signup and not seat else SignupStatus.SIGNED_UP
            arrival = seat_rules.take_arrival(event, seat=seat)
            signup = EventSignup.objects.create(
                event=event, resident=resident, status=status, holds_seat=seat, arrival=arrival
            )
            records_services.learning_registered(
                learner=resident,
                ref=f"event-signup:{signup.pk}",
                activity=event_activity(event),
                category=None,
                at=signup.created_at,
            )
            return signup
    except IntegrityError:
        # The same resident raced themselves past the check above: the partial unique constraint decides.
        raise event_duplicate_refusal()


def event_signup_cancel(*, signup_id: int, by: User, now: datetime.datetime | None = None) -> EventSignup:
    """Cancel a sign-up (the resident's own, or by the event's school); the first waitlisted takes the seat."""
    now = now or timezone.now()
    with transaction.atomic():
        signup = EventSignup.objects.select_related("event").filter(pk=signup_id).first()
        is_own = signup is not None and signup.resident_id == by.pk
        if signup is None or not (is_own or user_manages_event(by, signup.event)):
            # Someone else's sign-up looks exactly like a missing one: ids reveal nothing.
            raise EnrolmentRefused("not_found", _("没有找到这条报名记录。"))
        event = EventPage.objects.select_for_update(of=("self",)).get(pk=signup.event_id)
        signup = EventSignup.objects.select_for_update().get(pk=signup_id)
        if signup.status not in ACTIVE_SIGNUP_STATUSES:
            raise EnrolmentRefused("invalid_state", _("这条报名已取消。"))
        if signup.attended_at is not None:
            raise EnrolmentRefused("invalid_state", _("已签到的报名不能取消。"))
        held_seat = signup.holds_seat
        signup.status, signup.holds_seat, signup.cancelled_at = SignupStatus.CANCELLED, False, now
        signup.save(update_fields=["status", "holds_seat", "cancelled_at", "updated_at"])
        if held_seat:
            promoted = []
            if not event.has_started(now):
                promoted = seat_rules.promote_waitlisted(
                    EventSignup.objects.filter(event=event, status=SignupStatus.WAITLISTED),
                    seats=1,
                    seated_status=SignupStatus.SIGNED_UP,
                )
            for place in promoted:
                queue_on_commit(send_event_promotion_sms, place.pk)
            if not promoted:
                seat_rules.release_seats(event)
        return signup


def event_waitlist_fill(*, event_id: int, now: datetime.datetime | None = None) -> list[EventSignup]:
    """Give an event's free seats (staff raised its capacity and published) to its waitlist, in arrival order."""
    now = now or timezone.now()
    with transaction.atomic():
        try:
            event = _event(event_id, lock=True)
        except EnrolmentRefused:
            return []
        if not event.needs_signup or event.has_started(now):
            return []
        free = event.capacity - event.seats_taken
        if free <= 0:
            return []
        promoted = seat_rules.promote_waitlisted(
            EventSignup.objects.filter(event=event, status=SignupStatus.WAITLISTED),
            seats=free,
            seated_status=SignupStatus.SIGNED_UP,
        )
        if promoted:
            seat_rules.add_seats(event, seats=len(promoted))
        for place in promoted:
            queue_on_commit(send_event_promotion_sms, place.pk)
        return promoted


# --- Attendance -----------------------------------------------------------------------------------------

# Staff may take the roll from a little before the start (people arrive early) until any time after.
ROLL_CALL_OPENS_BEFORE = datetime.timedelta(hours=1)


@dataclass(frozen=True)
class RollCallResult:
    added: int
    removed: int


def attendance_source(*, event_id: int, resident_id: int) -> str:
    return f"event:{event_id}:{resident_id}"


def _record_hours(event: EventPage, signup: EventSignup) -> None:
    records_services.learning_attended(
        learner=signup.resident,
        source=attendance_source(event_id=event.pk, resident_id=signup.resident_id),
        ref=f"event:{event.pk}:{signup.pk}",
        activity=event_activity(event),
        parent=None,
        category=None,
        provider=event.provider.title if event.provider_id else "",
        hours=event.hours,
        at=event.starts_at,
    )


def event_attendance_set(
    *, event_id: int, present_signup_ids: set[int], by: User, now: datetime.datetime | None = None
) -> RollCallResult:
    """The event's school ticks who came: ticked residents get the event's hours in their learning record,
    unticked ones lose them. Another school's staff are told the event does not exist; nothing changes."""
    now = now or timezone.now()
    with transaction.atomic():
        event = EventPage.objects.select_related("provider").filter(pk=event_id).first()
        if event is None or not user_manages_event(by, event):
            raise EnrolmentRefused("not_found", _("没有找到这个活动。"))
        if now < event.starts_at - ROLL_CALL_OPENS_BEFORE:
            raise EnrolmentRefused("not_open", _("活动还没有开始，不能点名。"))
        roster = {
            s.pk: s
            for s in EventSignup.objects.select_for_update(of=("self",))
            .select_related("resident")
            .filter(event=event, status=SignupStatus.SIGNED_UP)
        }
        present = set(present_signup_ids)
        if present - roster.keys():
            raise EnrolmentRefused("not_enrolled", _("点名名单中有未报名本活动的居民。"))
        already = {pk for pk, s in roster.items() if s.attended_at is not None}
        to_add, to_remove = present - already, already - present
        EventSignup.objects.filter(pk__in=to_add).update(attended_at=now, attendance_marked_by=by)
        EventSignup.objects.filter(pk__in=to_remove).update(attended_at=None, attendance_marked_by=by)
        for pk in sorted(to_add):
            if event.hours > 0:
                _record_hours(event, roster[pk])
        for pk in sorted(to_remove):
            records_services.learning_hours_withdraw(
                source=attendance_source(event_id=event.pk, resident_id=roster[pk].resident_id)
            )
        return RollCallResult(added=len(to_add), removed=len(to_remove))


# --- The private calendar feed --------------------------------------------------------------------------


def calendar_token_get(*, user: User) -> CalendarToken:
    token, _created = CalendarToken.objects.get_or_create(resident=user)
    return token


def calendar_token_reset(*, user: User) -> CalendarToken:
    """A new secret for the resident's feed: the old URL stops working at once (404)."""
    token, created = CalendarToken.objects.get_or_create(resident=user)
    if not created:
        token.token = new_calendar_token()
        token.save(update_fields=["token", "created_at"])
    return token


# --- Personal data (registered with accounts.personal_data in EventsConfig.ready) -----------------------------


def resident_signups_release(*, user: User) -> None:
    """Account deletion: open sign-ups are cancelled the normal way (the seat passes to the waitlist); a seat at
    an event under way is just released — a deleted person holds no seat. The rows go with the user."""
    for place in EventSignup.objects.filter(resident=user, status__in=ACTIVE_SIGNUP_STATUSES):
        try:
            event_signup_cancel(signup_id=place.pk, by=user)
        except EnrolmentRefused:
            if place.holds_seat:
                with transaction.atomic():
                    seat_rules.release_seats(EventPage.objects.select_for_update(of=("self",)).get(pk=place.event_id))
