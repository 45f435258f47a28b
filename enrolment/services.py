"""Writes for enrolment and attendance (HackSoft style: keyword-only, typed, one transaction each).

Concurrency: every write that changes who holds a seat first locks the class row
(`SELECT … FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE transactions take the database write lock).
Under that lock the class's arrival counter and seat counter are bumped in one conditional UPDATE, so
seats are never oversold and waitlists follow the order in which requests reached the database.
The database backs this up: seats_taken <= capacity (CheckConstraint) and one active enrolment per
learner and class (partial UniqueConstraint).
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.queueing import queue_on_commit
from courses.models import CourseClass
from courses.search_index import course_index_queue
from enrolment import seats as seat_rules
from enrolment.checkin import checkin_code_state, checkin_window
from enrolment.models import (
    ACTIVE_STATUSES,
    Attendance,
    AttendanceMethod,
    Enrolment,
    EnrolmentStatus,
    Meeting,
    PhoneReveal,
)
from enrolment.refusals import EnrolmentRefused
from enrolment.selectors import (
    attendance_source,
    class_activity,
    class_enrol_refusal,
    class_full_refusal,
    class_issuer,
    duplicate_refusal,
    enrolment_completion,
    meeting_activity,
    user_manages_class,
    user_skips_seats,
)
from enrolment.tasks import send_promotion_sms
from records import services as records_services


def _lock_class(course_class_id: int, *, lock: bool = True) -> CourseClass:
    rows = CourseClass.objects.select_for_update(of=("self",)) if lock else CourseClass.objects.all()
    try:
        # With its category: the "registered" statement names it, and no query is spent on it under the lock.
        return rows.select_related("course__category").get(pk=course_class_id, course__live=True)
    except (CourseClass.DoesNotExist, ValueError, TypeError):
        raise EnrolmentRefused("not_found", _("没有找到这个班次。"))


# What may change between reading a class and locking it: staff may publish a new capacity or waitlist limit, and
# other enrolments move the counters. Everything else enrolment needs from the class was read before the lock.
LOCKED_SEAT_FIELDS = ("capacity", "seats_taken", "arrivals", "waitlist_limit")


def _lock_seats(course_class: CourseClass) -> None:
    """Lock the class row and refresh its seat fields on `course_class`, read (with its course) before the lock.

    Only these four columns: every enrolment in the class waits while one holds the lock, so the locked read is
    kept to what the seat rules need — no course page and category rows to turn into objects a second time."""
    rows = CourseClass.objects.select_for_update(of=("self",)).filter(pk=course_class.pk, course__live=True)
    found = list(rows.values(*LOCKED_SEAT_FIELDS))
    if not found:  # deleted or taken offline since it was read
        raise EnrolmentRefused("not_found", _("没有找到这个班次。"))
    for name, value in found[0].items():
        setattr(course_class, name, value)


def _seats_open_changed(course_class: CourseClass) -> None:
    """The class just filled up or has a seat again: a search engine that filters on "有空余名额" holds a copy of
    the seats left, so the course is re-indexed after commit. Only on these changes, not on every enrolment:
    results show seat counts read from the database when they are rendered."""
    course_index_queue(course_ids=[course_class.course_id])


def _take_arrival(course_class: CourseClass, *, seat: bool) -> int:
    """Bump the class's arrival counter (and seat counter) in one statement; return the arrival number."""
    try:
        return seat_rules.take_arrival(course_class, seat=seat)
    except seat_rules.NoSeat:  # pragma: no cover — the row lock makes this unreachable
        raise EnrolmentRefused("full_no_waitlist", _("名额已满。"))


def enrolment_create(*, learner: User, course_class_id: int, today: datetime.date | None = None) -> Enrolment:
    """Enrol `learner` in a class: a seat if one is free, otherwise the waitlist (first come, first served)."""
    today = today or timezone.localdate()
    # Every enrolment in a class waits for its row lock, so what needs no lock is asked first: the person's
    # role, the enrolment window, a place already held, the course's conditions. Under the lock only the seat
    # count (and the waitlist limit) is read; the partial unique constraint settles a same-person race.
    sits_in = user_skips_seats(learner)
    course_class = _lock_class(course_class_id, lock=False)
    refusal = class_enrol_refusal(course_class, today=today, learner=learner, takes_seat=False)
    if refusal is not None:
        raise refusal
    # The learner's xAPI key is read (or made) now and kept on `learner`, and the class as an xAPI activity is
    # built now: the "registered" statement written under the lock needs both.
    records_services.learner_key(learner)
    activity = class_activity(course_class)
    try:
        with transaction.atomic():
            _lock_seats(course_class)
            refusal = None if sits_in else class_full_refusal(course_class)
            if refusal is not None:
                raise refusal
            if sits_in:
                status, seat = EnrolmentStatus.ENROLLED, False
            elif course_class.seats_taken < course_class.capacity:
                status, seat = EnrolmentStatus.ENROLLED, True
            else:
                status, seat = EnrolmentStatus.WAITLISTED, False
            arrival = _take_arrival(course_class, seat=seat)
            if seat and course_class.seats_taken >= course_class.capacity:
                _seats_open_changed(course_class)
            enrolment = Enrolment.objects.create(
                learner=learner, course_class=course_class, status=status, holds_seat=seat, arrival=arrival
            )
            # The learning record: a "registered" statement.
            records_services.learning_registered(
                learner=learner,
                ref=str(enrolment.pk),
                activity=activity,
                category=course_class.course.category,
                at=enrolment.created_at,
            )
            return enrolment
    except IntegrityError:
        # Only reachable if the same learner raced themselves past the lock (e.g. two databases rows
        # locked differently); the partial unique constraint is the last word.
        raise duplicate_refusal()


def _promote_waitlisted(course_class: CourseClass, *, seats: int) -> list[Enrolment]:
    """Give up to `seats` freed seats to the earliest waitlisted learners. Caller holds the class lock."""
    promoted = seat_rules.promote_waitlisted(
        Enrolment.objects.filter(course_class=course_class, status=EnrolmentStatus.WAITLISTED),
        seats=seats,
        seated_status=EnrolmentStatus.ENROLLED,
    )
    for enrolment in promoted:
        queue_on_commit(send_promotion_sms, enrolment.pk)
    return promoted


def enrolment_cancel(*, enrolment_id: int, by: User, today: datetime.date | None = None) -> Enrolment:
    """Cancel an enrolment (the learner's own, or by staff who run the class); promote the next in line."""
    today = today or timezone.localdate()
    with transaction.atomic():
        enrolment = Enrolment.objects.filter(pk=enrolment_id).select_related("course_class__course").first()
        is_own = enrolment is not None and enrolment.learner_id == by.pk
        if enrolment is None or not (is_own or user_manages_class(by, enrolment.course_class)):
            # Someone else's enrolment looks exactly like a missing one: ids reveal nothing.
            raise EnrolmentRefused("not_found", _("没有找到这条报名记录。"))
        course_class = _lock_class(enrolment.course_class_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment_id)
        if enrolment.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED):
            raise EnrolmentRefused(
                "invalid_state",
                _("这条报名已是“%(status)s”状态，不能取消。") % {"status": enrolment.get_status_display()},
            )
        if course_class.has_started(today) and is_own:
            raise EnrolmentRefused("closed", _("班次已开课，不能自行取消；如有需要请联系学校。"))
        held_seat = enrolment.holds_seat
        enrolment.status, enrolment.holds_seat, enrolment.cancelled_at = (
            EnrolmentStatus.CANCELLED,
            False,
            timezone.now(),
        )
        enrolment.save(update_fields=["status", "holds_seat", "cancelled_at", "updated_at"])
        if held_seat:
            # The seat passes straight to the first waitlisted learner (seats_taken unchanged) if there is one
            # and the class has not started; otherwise it is freed.
            promoted = [] if course_class.has_started(today) else _promote_waitlisted(course_class, seats=1)
            if not promoted:
                CourseClass.objects.filter(pk=course_class.pk).update(seats_taken=F("seats_taken") - 1)
                if course_class.seats_taken >= course_class.capacity:
                    _seats_open_changed(course_class)
        return enrolment


def course_waitlists_fill(*, course_id: int, today: datetime.date | None = None) -> list[Enrolment]:
    """After a course is published (its classes written from the revision, perhaps with more seats): each class
    not yet started with free seats and a waitlist gives the seats to it, in arrival order; the promoted are
    texted after commit. Saving a class promotes nobody: this is asked for by enrolment.signals."""
    today = today or timezone.localdate()
    waiting = (
        CourseClass.objects.filter(
            course_id=course_id,
            starts_on__gt=today,
            seats_taken__lt=F("capacity"),
            enrolments__status=EnrolmentStatus.WAITLISTED,
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    promoted = []
    for course_class_id in waiting:
        promoted += class_fill_from_waitlist(course_class_id=course_class_id, today=today)
    return promoted


def class_fill_from_waitlist(*, course_class_id: int, today: datetime.date | None = None) -> list[Enrolment]:
    """Give a class's free seats (staff raised its capacity) to its waitlist, in arrival order."""
    today = today or timezone.localdate()
    with transaction.atomic():
        try:
            course_class = _lock_class(course_class_id)
        except EnrolmentRefused:
            return []  # deleted meanwhile, or its course is not live: nobody can be waiting
        free = course_class.capacity - course_class.seats_taken
        if free <= 0 or course_class.has_started(today):
            return []
        promoted = _promote_waitlisted(course_class, seats=free)
        if promoted:
            CourseClass.objects.filter(pk=course_class.pk).update(seats_taken=F("seats_taken") + len(promoted))
            if len(promoted) >= free:
                _seats_open_changed(course_class)
        return promoted


def enrolment_complete(*, enrolment_id: int, by: User) -> Enrolment:
    """Mark a learner as having completed the class. Only staff of the class's school (or its teacher)."""
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course_class__course")
            .filter(pk=enrolment_id)
            .first()
        )
        if enrolment is None or not user_manages_class(by, enrolment.course_class):
            # Someone else's class looks exactly like a missing enrolment: ids cannot be probed.
            raise EnrolmentRefused("not_found", _("没有找到这条报名记录。"))
        if enrolment.status == EnrolmentStatus.COMPLETED:
            return enrolment
        if enrolment.status != EnrolmentStatus.ENROLLED:
            raise EnrolmentRefused(
                "invalid_state",
                _("只有已报名的学员可以结业（当前：%(status)s）。") % {"status": enrolment.get_status_display()},
            )
        if enrolment.hours_attended <= 0:
            # A certificate says how many hours were learnt; 0 hours is no completion (record attendance first).
            raise EnrolmentRefused(
                "nothing_attended", _("该学员还没有出勤记录（0学时），不能确认结业；请先点名或签到。")
            )
        _complete(enrolment, by=by)
        return enrolment


def _complete(enrolment: Enrolment, *, by: User | None) -> None:
    enrolment.status, enrolment.completed_at, enrolment.completed_by = EnrolmentStatus.COMPLETED, timezone.now(), by
    enrolment.save(update_fields=["status", "completed_at", "completed_by", "updated_at"])
    # The learning record: a "completed" statement and the certificate, a snapshot of the class as it is now.
    records_services.learning_completed(completion=enrolment_completion(enrolment))


# --- Attendance ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RollCallResult:
    added: int
    removed: int


def _recount_hours(enrolment: Enrolment) -> None:
    """Hours attended = the sum of the hours of the meetings attended; completion may follow a threshold."""
    hours = enrolment.attendances.aggregate(total=Sum("meeting__hours"))["total"] or Decimal("0")
    Enrolment.objects.filter(pk=enrolment.pk).update(hours_attended=hours)
    enrolment.hours_attended = hours
    threshold = enrolment.course_class.course.completion_attendance_percent
    if threshold and enrolment.status == EnrolmentStatus.ENROLLED:
        total = enrolment.course_class.meetings.aggregate(total=Sum("hours"))["total"] or Decimal("0")
        if total > 0 and hours * 100 >= total * threshold:
            _complete(enrolment, by=None)


def _attendable(enrolment: Enrolment) -> bool:
    return enrolment.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED)


def _record_attended(enrolment: Enrolment, meeting: Meeting) -> None:
    """The learning record: the meeting's hours go in the learner's ledger, an "attended" statement in the
    outbox. Both are keyed by enrolment and meeting, not the attendance row: a roll call redone keeps them."""
    course_class = meeting.course_class
    records_services.learning_attended(
        learner=enrolment.learner,
        source=attendance_source(enrolment_id=enrolment.pk, meeting_id=meeting.pk),
        ref=f"{enrolment.pk}:{meeting.pk}",
        activity=meeting_activity(meeting),
        parent=class_activity(course_class),
        category=course_class.course.category,
        provider=class_issuer(course_class),
        hours=meeting.hours,
        at=meeting.starts_at,
    )


def _meeting(meeting_id: int) -> Meeting:
    """The meeting with what attendance records need (its course, category and school), or a refusal."""
    meeting = (
        Meeting.objects.select_related("course_class__course__category", "course_class__course__provider")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise EnrolmentRefused("not_found", _("没有找到这次课。"))
    return meeting


def attendance_roll_call(*, meeting_id: int, present_enrolment_ids: set[int], by: User) -> RollCallResult:
    """The teacher ticks who is present: ticked learners are recorded, unticked ones removed."""
    with transaction.atomic():
        meeting = _meeting(meeting_id)
        if not user_manages_class(by, meeting.course_class):
            raise EnrolmentRefused("not_found", _("没有找到这次课。"))  # as if missing: ids reveal nothing
        roster = {
            e.pk: e
            for e in Enrolment.objects.select_for_update(of=("self",))
            .select_related("learner", "course_class__course")
            .filter(course_class=meeting.course_class, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED))
        }
        unknown = set(present_enrolment_ids) - roster.keys()
        if unknown:
            raise EnrolmentRefused("not_enrolled", _("点名名单中有不属于本班的学员。"))
        already = set(Attendance.objects.filter(meeting=meeting).values_list("enrolment_id", flat=True))
        to_add, to_remove = set(present_enrolment_ids) - already, already - set(present_enrolment_ids)
        Attendance.objects.bulk_create(
            [
                Attendance(enrolment_id=pk, meeting=meeting, method=AttendanceMethod.ROLL_CALL, recorded_by=by)
                for pk in sorted(to_add)
            ]
        )
        Attendance.objects.filter(meeting=meeting, enrolment_id__in=to_remove).delete()
        for pk in sorted(to_add):
            _record_attended(roster[pk], meeting)
        for pk in sorted(to_remove):  # the hours leave the ledger (an "attended" statement already sent stays)
            records_services.learning_hours_withdraw(source=attendance_source(enrolment_id=pk, meeting_id=meeting.pk))
        for pk in to_add | to_remove:
            _recount_hours(roster[pk])
        return RollCallResult(added=len(to_add), removed=len(to_remove))


def attendance_check_in(
    *, meeting_id: int, learner: User, code: str, at: datetime.datetime | None = None
) -> Attendance:
    """A learner checks themselves in by scanning the meeting's current QR code."""
    at = at or timezone.now()
    with transaction.atomic():
        meeting = _meeting(meeting_id)
        opens, closes = checkin_window(starts_at=meeting.starts_at, hours=meeting.hours)
        if not opens <= at <= closes:
            raise EnrolmentRefused(
                "not_open",
                _("这次课的扫码签到时间是%(opens)s至%(closes)s（北京时间），现在不能签到。")
                % {
                    "opens": f"{timezone.localtime(opens):%Y-%m-%d %H:%M}",
                    "closes": f"{timezone.localtime(closes):%H:%M}"
                    if timezone.localdate(opens) == timezone.localdate(closes)
                    else f"{timezone.localtime(closes):%Y-%m-%d %H:%M}",
                },
            )
        state = checkin_code_state(meeting_id=meeting.pk, code=code, at=at)
        if state != "valid":
            raise EnrolmentRefused("expired", _("签到码已过期或无效，请扫描老师屏幕上最新的二维码。"))
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("course_class__course")
            .filter(learner=learner, course_class=meeting.course_class, status__in=ACTIVE_STATUSES)
            .first()
        )
        if enrolment is None or not _attendable(enrolment):
            raise EnrolmentRefused("not_enrolled", _("您没有报名这个班次（或仍在候补），不能签到。"))
        if Attendance.objects.filter(enrolment=enrolment, meeting=meeting).exists():
            raise EnrolmentRefused("replayed", _("您本次课已经签到过了。"))
        attendance = Attendance.objects.create(
            enrolment=enrolment, meeting=meeting, method=AttendanceMethod.QR, recorded_by=learner
        )
        _record_attended(enrolment, meeting)
        _recount_hours(enrolment)
        return attendance


def phone_reveal_log(*, enrolment: Enrolment, staff: User) -> PhoneReveal:
    """Record that `staff` was shown the learner's full number (caller has checked permission)."""
    return PhoneReveal.objects.create(enrolment=enrolment, staff=staff)


def meeting_create(
    *, course_class_id: int, starts_at: datetime.datetime, hours: Decimal, topic: str = "", by: User
) -> Meeting:
    """Add a session (课次) to a class: its teacher or staff of its school."""
    course_class = CourseClass.objects.select_related("course").filter(pk=course_class_id).first()
    if course_class is None or not user_manages_class(by, course_class):
        raise EnrolmentRefused("not_found", _("没有找到这个班次。"))  # as if missing: ids reveal nothing
    if hours < 0:
        raise EnrolmentRefused("invalid_state", _("学时不能为负数。"))
    if Meeting.objects.filter(course_class=course_class, starts_at=starts_at).exists():
        raise EnrolmentRefused("duplicate", _("这个时间已经有一次课了。"))
    return Meeting.objects.create(course_class=course_class, starts_at=starts_at, hours=hours, topic=topic)


# --- Personal data (registered with accounts.personal_data in EnrolmentConfig.ready) ---------------------


def learner_enrolments_release(*, user: User) -> None:
    """Account deletion: open enrolments are cancelled the normal way (the seat passes to the waitlist); in a
    class that has started, which the learner cannot cancel, the seat is just released — a deleted person
    holds no seat. The rows themselves go with the user."""
    for enrolment in Enrolment.objects.filter(
        learner=user, status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)
    ):
        try:
            enrolment_cancel(enrolment_id=enrolment.pk, by=user)
        except EnrolmentRefused:
            if enrolment.holds_seat:
                CourseClass.objects.select_for_update().filter(pk=enrolment.course_class_id).update(
                    seats_taken=F("seats_taken") - 1
                )
                _seats_open_changed(enrolment.course_class)
