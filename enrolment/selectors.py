"""Reads for enrolment: who may manage a class, rosters, a learner's enrolments, waitlist positions."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import CENTRE_STAFF, PROVIDER_STAFF, TEACHER
from courses.models import CourseClass, CoursePage
from courses.selectors import providers_for_user
from enrolment import seats
from enrolment.models import ACTIVE_STATUSES, Attendance, Enrolment, EnrolmentStatus, Meeting, PhoneReveal
from enrolment.refusals import EnrolmentRefused
from records.sources import Completion, LearningActivity
from records.xapi import Activity


def user_manages_class(user, course_class: CourseClass) -> bool:
    """The class's teacher, or staff of its school (Wagtail page permissions decide which schools)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if course_class.teacher_id == user.pk:
        return True
    provider_id = course_class.course.provider_id
    return provider_id is not None and providers_for_user(user).filter(pk=provider_id).exists()


def classes_managed_by(user) -> QuerySet[CourseClass]:
    """Classes a teacher teaches plus classes of the schools a member of staff runs, soonest first."""
    if not user.is_authenticated or not user.is_active:
        return CourseClass.objects.none()
    providers = providers_for_user(user).values("pk")
    return (
        CourseClass.objects.filter(Q(teacher=user) | Q(course__provider__in=providers))
        .select_related("course", "course__provider", "venue__town")
        .annotate(
            enrolled_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)),
            waitlist_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)),
        )
        .order_by("-starts_on", "pk")
    )


def waitlist_length(course_class: CourseClass) -> int:
    return Enrolment.objects.filter(course_class=course_class, status=EnrolmentStatus.WAITLISTED).count()


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the first in line; None if the enrolment is not waitlisted. Derived, never stored."""
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    return Enrolment.objects.filter(
        course_class_id=enrolment.course_class_id, status=EnrolmentStatus.WAITLISTED, arrival__lte=enrolment.arrival
    ).count()


def with_waitlist_positions(enrolments: list[Enrolment]) -> list[Enrolment]:
    """Set `.waitlist_position` on each enrolment with one query per class involved."""
    class_ids = {e.course_class_id for e in enrolments if e.status == EnrolmentStatus.WAITLISTED}
    order: dict[int, list[int]] = {}
    for class_id, arrival in (
        Enrolment.objects.filter(course_class_id__in=class_ids, status=EnrolmentStatus.WAITLISTED)
        .order_by("course_class_id", "arrival")
        .values_list("course_class_id", "arrival")
    ):
        order.setdefault(class_id, []).append(arrival)
    for enrolment in enrolments:
        enrolment.waitlist_position = (
            order[enrolment.course_class_id].index(enrolment.arrival) + 1
            if enrolment.status == EnrolmentStatus.WAITLISTED
            else None
        )
    return enrolments


def learner_enrolments(user) -> list[Enrolment]:
    """A learner's enrolments, newest class first, with waitlist positions."""
    enrolments = list(
        Enrolment.objects.filter(learner=user)
        .select_related("course_class__course", "course_class__venue__town")
        .order_by("-course_class__starts_on", "-pk")
    )
    return with_waitlist_positions(enrolments)


def learner_enrolment_by_class(user, class_ids) -> dict[int, Enrolment]:
    """The learner's active enrolment in each of `class_ids` (for the class cards on a course page)."""
    if not user.is_authenticated:
        return {}
    enrolments = list(
        Enrolment.objects.filter(
            learner=user,
            course_class_id__in=list(class_ids),
            status__in=(EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.COMPLETED),
        )
    )
    return {e.course_class_id: e for e in with_waitlist_positions(enrolments)}


def class_roster(course_class: CourseClass) -> list[Enrolment]:
    """Everyone enrolled, completed or waitlisted, in arrival order, with waitlist positions."""
    enrolments = list(
        Enrolment.objects.filter(course_class=course_class)
        .exclude(status=EnrolmentStatus.CANCELLED)
        .select_related("learner", "learner__home_town")
        .order_by("arrival")
    )
    return with_waitlist_positions(enrolments)


def class_meetings(course_class: CourseClass) -> list[Meeting]:
    return list(course_class.meetings.annotate(present=Count("attendances")).order_by("starts_at"))


def enrolments_due_reminder(*, on: datetime.date | None = None) -> QuerySet[Enrolment]:
    """Enrolled learners of classes starting tomorrow (or on `on`) who have not had their reminder."""
    day = on or timezone.localdate() + datetime.timedelta(days=1)
    return Enrolment.objects.filter(
        course_class__starts_on=day,
        status=EnrolmentStatus.ENROLLED,
        reminder_sent_at__isnull=True,
        course_class__course__live=True,
    )


def promotions_unsent() -> QuerySet[Enrolment]:
    """Learners promoted from a waitlist whose text has not gone out (the broker or the gateway was down), for
    classes not started yet: the outbox the enrolment sweep queues again."""
    return Enrolment.objects.filter(
        status=EnrolmentStatus.ENROLLED,
        promoted_at__isnull=False,
        promotion_sms_sent_at__isnull=True,
        course_class__starts_on__gte=timezone.localdate(),
    )


# --- Who may enrol where: each rule once. enrolment_create raises the refusal, the class card shows its short form.


def user_skips_seats(user: User) -> bool:
    """Staff and teachers may sit in on a class but never take a resident's seat."""
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=(TEACHER, PROVIDER_STAFF, CENTRE_STAFF)).exists()


def duplicate_refusal() -> EnrolmentRefused:
    return EnrolmentRefused("duplicate", _("您已报名该班次，无需重复报名。"))


def class_window_refusal(course_class: CourseClass, *, today: datetime.date) -> EnrolmentRefused | None:
    """Outside the enrolment window (CourseClass.is_open_for_enrolment): not open yet, closed, or started."""
    if course_class.is_open_for_enrolment(today):
        return None
    if course_class.has_started(today):
        return EnrolmentRefused("closed", _("该班次已开课，不能再报名。"), short=_("已开课，停止报名"))
    opens, closes = course_class.enrolment_window
    if opens and today < opens:
        return EnrolmentRefused(
            "closed",
            _("报名将于%(date)s开始。") % {"date": f"{opens:%Y-%m-%d}"},
            short=_("报名将于%(date)s开始") % {"date": f"{opens.month}月{opens.day}日"},
        )
    return EnrolmentRefused(
        "closed", _("报名已于%(date)s截止。") % {"date": f"{closes:%Y-%m-%d}"}, short=_("报名已截止")
    )


def class_full_refusal(course_class: CourseClass) -> EnrolmentRefused | None:
    """Every seat is taken and the waitlist takes nobody more (its limit is reached, or 0: no waitlist)."""
    if not seats.waitlist_closed(
        course_class, waitlist_limit=course_class.waitlist_limit, waiting=lambda: waitlist_length(course_class)
    ):
        return None
    return EnrolmentRefused("full_no_waitlist", _("名额已满，候补人数也已满，不能再报名。"), short=_("名额已满"))


def learner_eligibility_refusal(*, learner: User, course: CoursePage, today: datetime.date) -> EnrolmentRefused | None:
    """The course's conditions on the person: an active account, a minimum age, its audiences, its towns."""
    if not learner.is_active:
        return EnrolmentRefused("ineligible", _("该账号已停用，不能报名。"))
    if course.min_age:
        age = learner.age_in(today.year)
        if age is None:
            return EnrolmentRefused(
                "ineligible",
                _("本课程要求年满%(age)d周岁，请先在个人资料中填写出生年份。") % {"age": course.min_age},
            )
        if age < course.min_age:
            return EnrolmentRefused("ineligible", _("本课程要求年满%(age)d周岁。") % {"age": course.min_age})
    if course.audience_only:
        audiences = list(course.audiences.values_list("pk", "name"))
        if audiences and not learner.audiences.filter(pk__in=[pk for pk, _name in audiences]).exists():
            return EnrolmentRefused(
                "ineligible",
                _("本课程只面向%(audiences)s报名；如符合条件，请先在“我的资料”中选择。")
                % {"audiences": "、".join(name for _pk, name in audiences)},
            )
    towns = list(course.eligible_towns.values_list("pk", "name"))
    if towns and learner.home_town_id not in {pk for pk, _name in towns}:
        return EnrolmentRefused(
            "ineligible",
            _("本课程只面向%(towns)s的居民报名。") % {"towns": "、".join(name for _pk, name in towns)},
        )
    return None


def class_enrol_refusal(
    course_class: CourseClass,
    *,
    today: datetime.date | None = None,
    learner: User | None = None,
    takes_seat: bool = True,
) -> EnrolmentRefused | None:
    """Why `learner` (without one: anybody) cannot enrol in `course_class` now; None when they can.

    In this order: the enrolment window, a place the learner already holds, the course's conditions on them,
    then seats and waitlist (`takes_seat=False` for staff and teachers, whom a full class does not stop).
    """
    today = today or timezone.localdate()
    refusal = class_window_refusal(course_class, today=today)
    if refusal is None and learner is not None:
        if Enrolment.objects.filter(learner=learner, course_class=course_class, status__in=ACTIVE_STATUSES).exists():
            refusal = duplicate_refusal()
        else:
            refusal = learner_eligibility_refusal(learner=learner, course=course_class.course, today=today)
    if refusal is None and takes_seat:
        refusal = class_full_refusal(course_class)
    return refusal


def class_closed_reason(course_class: CourseClass, *, today: datetime.date | None = None) -> str:
    """Why 报名 is not possible right now ("" when it is): shown on the class card instead of the button."""
    refusal = class_enrol_refusal(course_class, today=today)
    return refusal.short if refusal else ""


# --- Courses and classes people learn in (a course or class with learners is never deleted) ------------------

# Holding a seat or a waitlist place now: they are texted when the course is taken down.
CURRENT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)


def course_current_learners(course: CoursePage) -> QuerySet[Enrolment]:
    """Enrolments holding a seat or a waitlist place in any class of `course`."""
    return Enrolment.objects.filter(course_class__course=course, status__in=CURRENT_STATUSES)


def courses_with_learners(course_ids, *, current_only: bool = False) -> set[int]:
    """Which of `course_ids` someone is enrolled in, waitlisted for or (unless `current_only`) has completed.
    Deleting such a course would delete those enrolments, their attendance and the hours their records count."""
    return set(
        Enrolment.objects.filter(
            course_class__course_id__in=list(course_ids),
            status__in=CURRENT_STATUSES if current_only else ACTIVE_STATUSES,
        )
        .values_list("course_class__course_id", flat=True)
        .distinct()
    )


def course_has_learners(course: CoursePage, *, current_only: bool = False) -> bool:
    return bool(courses_with_learners([course.pk], current_only=current_only))


def classes_with_learners(class_ids) -> QuerySet[CourseClass]:
    """Those of `class_ids` someone is enrolled in, waitlisted for or has completed (the same rule, per class)."""
    return CourseClass.objects.filter(pk__in=list(class_ids), enrolments__status__in=ACTIVE_STATUSES).distinct()


# --- What learning records are told (records knows no enrolment: it gets these neutral facts) ------------


def class_activity(course_class: CourseClass) -> Activity:
    """A class as an xAPI activity (the object of "registered"/"completed", the parent of "attended")."""
    course = course_class.course
    return Activity(
        path=f"class/{course_class.pk}",
        type="course",
        name=f"{course.title}（{course_class.label}）",
        description=course.summary or course.title,
    )


def meeting_activity(meeting: Meeting) -> Activity:
    course_class = meeting.course_class
    return Activity(
        path=f"meeting/{meeting.pk}",
        type="meeting",
        name=f"{course_class.course.title} {timezone.localtime(meeting.starts_at):%Y-%m-%d %H:%M}",
        description=meeting.topic,
    )


def attendance_source(*, enrolment_id: int, meeting_id: int) -> str:
    """The ledger key of one attendance: one per enrolment and meeting, so a roll call redone keeps it."""
    return f"enrolment.attendance:{enrolment_id}:{meeting_id}"


def class_issuer(course_class: CourseClass) -> str:
    course = course_class.course
    return course.provider.title if course.provider_id else settings.WAGTAIL_SITE_NAME


def enrolment_completion(enrolment: Enrolment) -> Completion:
    """What the certificate for `enrolment` prints, as it stands now (records copies it at issue).
    `completed_at` is None unless the enrolment is completed."""
    course_class = enrolment.course_class
    course = course_class.course
    completed = enrolment.status == EnrolmentStatus.COMPLETED
    return Completion(
        source=f"enrolment:{enrolment.pk}",
        ref=str(enrolment.pk),
        learner=enrolment.learner,
        learner_name=enrolment.learner.display_name,
        activity=class_activity(course_class),
        course_title=course.title,
        class_label=course_class.label,
        category=course.category,
        issuer=class_issuer(course_class),
        issuer_page=course.provider,
        hours=enrolment.hours_attended or Decimal("0"),
        completed_at=(enrolment.completed_at or timezone.now()) if completed else None,
    )


def learner_classes(user) -> list[LearningActivity]:
    """The classes on a learner's record (参加的班次, registered with records.sources), newest class first, in
    one query. A cancelled enrolment stays on the record only if the learner attended something."""
    # Counted in subqueries: joining attendances and meetings together would multiply rows per class.
    attended_count = (
        Attendance.objects.filter(enrolment=OuterRef("pk")).values("enrolment").annotate(n=Count("pk")).values("n")
    )
    meeting_count = (
        Meeting.objects.filter(course_class=OuterRef("course_class"))
        .values("course_class")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolments = (
        Enrolment.objects.filter(learner=user)
        .select_related("course_class__course")
        .annotate(
            meetings_attended=Coalesce(Subquery(attended_count), 0),
            meetings_total=Coalesce(Subquery(meeting_count), 0),
        )
        .exclude(status=EnrolmentStatus.CANCELLED, meetings_attended=0)
        .order_by("-course_class__starts_on", "-pk")
    )
    return [
        LearningActivity(
            title=e.course_class.course.title,
            label=e.course_class.label,
            status_display=e.get_status_display(),
            starts_on=e.course_class.starts_on,
            sessions_attended=e.meetings_attended,
            sessions_total=e.meetings_total,
            hours=e.hours_attended,
            completed=e.status == EnrolmentStatus.COMPLETED,
        )
        for e in enrolments
    ]


def _iso(value):
    return value.isoformat() if value else None


def learner_personal_data(user) -> dict:
    """A learner's enrolments with attendance and the times staff were shown their number, for 下载我的数据
    (registered with accounts.personal_data)."""
    return {
        "enrolments": [
            {
                "id": e.pk,
                "course": e.course_class.course.title,
                "class": e.course_class.label,
                "status": e.status,
                "enrolled_at": _iso(e.created_at),
                "completed_at": _iso(e.completed_at),
                "cancelled_at": _iso(e.cancelled_at),
                "hours_attended": str(e.hours_attended),
                "attendance": [
                    {"meeting": _iso(a.meeting.starts_at), "hours": str(a.meeting.hours), "method": a.method}
                    for a in e.attendances.select_related("meeting").order_by("meeting__starts_at")
                ],
                "phone_number_shown_to_staff_at": [
                    _iso(r.revealed_at) for r in PhoneReveal.objects.filter(enrolment=e).order_by("revealed_at")
                ],
            }
            for e in Enrolment.objects.filter(learner=user).select_related("course_class__course").order_by("pk")
        ]
    }
