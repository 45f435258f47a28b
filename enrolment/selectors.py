"""Reads for enrolment: who may manage a class, rosters, a learner's enrolments, waitlist positions."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import CourseClass
from courses.selectors import providers_for_user
from enrolment.models import Enrolment, EnrolmentStatus, Meeting


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


def class_closed_reason(course_class: CourseClass, *, today: datetime.date | None = None) -> str:
    """Why 报名 is not possible right now ("" when it is): shown on the class card instead of the button."""
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    if course_class.has_started(today):
        return _("已开课，停止报名")
    opens, closes = course_class.enrolment_window
    if opens and today < opens:
        return _("报名将于%(date)s开始") % {"date": f"{opens.month}月{opens.day}日"}
    if today > closes:
        return _("报名已截止")
    limit = course_class.waitlist_limit
    full = course_class.seats_taken >= course_class.capacity
    if full and limit is not None and (limit == 0 or waitlist_length(course_class) >= limit):
        return _("名额已满")
    return ""
