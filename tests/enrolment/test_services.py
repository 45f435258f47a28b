"""enrolment_create / enrolment_cancel / enrolment_complete: the rules, serially (SQLite and PostgreSQL)."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from courses.models import CourseClass
from enrolment.models import Enrolment, EnrolmentStatus
from enrolment.selectors import waitlist_length, waitlist_position
from enrolment.services import (
    EnrolmentRefused,
    class_fill_from_waitlist,
    enrolment_cancel,
    enrolment_complete,
    enrolment_create,
)
from tests.factories import TownFactory, UserFactory

pytestmark = pytest.mark.django_db


def refused(code, fn, **kwargs):
    with pytest.raises(EnrolmentRefused) as info:
        fn(**kwargs)
    assert info.value.code == code, info.value.message
    assert info.value.message  # a reason people can read
    return info.value


def seats(klass) -> int:
    klass.refresh_from_db()
    return klass.seats_taken


def test_seats_then_waitlist_in_arrival_order(klass, residents):
    people = residents(6)
    results = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]
    assert [r.status for r in results] == ["enrolled"] * 3 + ["waitlisted"] * 3
    assert [r.arrival for r in results] == [1, 2, 3, 4, 5, 6]
    assert [waitlist_position(r) for r in results] == [None, None, None, 1, 2, 3]
    assert seats(klass) == 3
    assert waitlist_length(klass) == 3


def test_cancel_promotes_first_waitlisted_and_queues_sms(
    klass, residents, django_capture_on_commit_callbacks, sms_outbox
):
    people = residents(5)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment_id=enrolments[1].pk, by=people[1])
    statuses = {e.pk: e.status for e in Enrolment.objects.all()}
    assert statuses[enrolments[1].pk] == "cancelled"
    assert statuses[enrolments[3].pk] == "enrolled"  # first in line
    assert statuses[enrolments[4].pk] == "waitlisted"
    assert waitlist_position(Enrolment.objects.get(pk=enrolments[4].pk)) == 1
    assert seats(klass) == 3
    assert [m.phone for m in sms_outbox] == [people[3].phone]
    assert "转为正式报名" in sms_outbox[0].body


def test_promotion_text_is_chinese_whoever_triggered_it(
    klass, residents, django_capture_on_commit_callbacks, sms_outbox
):
    """A learner using the English interface cancels: the person promoted is still texted in Chinese."""
    people = residents(4)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        enrolment_cancel(enrolment_id=enrolments[0].pk, by=people[0])
    assert [m.phone for m in sms_outbox] == [people[3].phone]
    assert "转为正式报名" in sms_outbox[0].body


def test_cancel_without_waitlist_frees_the_seat(klass, residents):
    person = residents(1)[0]
    enrolment = enrolment_create(learner=person, course_class_id=klass.pk)
    enrolment_cancel(enrolment_id=enrolment.pk, by=person)
    assert seats(klass) == 0
    # Re-enrolling after a cancellation is allowed and gets a new arrival number.
    again = enrolment_create(learner=person, course_class_id=klass.pk)
    assert again.status == "enrolled" and again.arrival == 2


def test_cancelling_a_waitlisted_place_changes_no_seats(klass, residents):
    people = residents(5)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]
    enrolment_cancel(enrolment_id=enrolments[3].pk, by=people[3])
    assert seats(klass) == 3
    assert waitlist_position(Enrolment.objects.get(pk=enrolments[4].pk)) == 1


def test_duplicate_is_refused(klass, residents):
    person = residents(1)[0]
    enrolment_create(learner=person, course_class_id=klass.pk)
    refused("duplicate", enrolment_create, learner=person, course_class_id=klass.pk)
    assert Enrolment.objects.count() == 1 and seats(klass) == 1


def test_database_refuses_a_second_active_enrolment(klass, residents):
    person = residents(1)[0]
    enrolment_create(learner=person, course_class_id=klass.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(learner=person, course_class=klass, status="waitlisted", arrival=99)


def test_database_refuses_overselling(klass):
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseClass.objects.filter(pk=klass.pk).update(seats_taken=klass.capacity + 1)


def test_unknown_class(db, residents):
    refused("not_found", enrolment_create, learner=residents(1)[0], course_class_id=999_999)


def test_unpublished_course_is_not_found(tree, residents):
    from tests.factories import course_class, course_page

    course = course_page(tree["school_a"], classes=[course_class()], publish=False)
    refused("not_found", enrolment_create, learner=residents(1)[0], course_class_id=course.classes.get().pk)


def test_window_not_open_yet_closed_and_started(make_class, residents):
    person = residents(1)[0]
    today = timezone.localdate()
    later = make_class(enrol_opens=today + datetime.timedelta(days=3))
    error = refused("closed", enrolment_create, learner=person, course_class_id=later.pk)
    assert "开始" in error.message
    closed = make_class(
        starts_in_days=10,
        enrol_opens=today - datetime.timedelta(days=5),
        enrol_closes=today - datetime.timedelta(days=1),
    )
    assert "截止" in refused("closed", enrolment_create, learner=person, course_class_id=closed.pk).message
    started = make_class(starts_in_days=-1)
    assert "开课" in refused("closed", enrolment_create, learner=person, course_class_id=started.pk).message
    assert Enrolment.objects.count() == 0


def test_minimum_age(make_class):
    klass = make_class(course_fields={"min_age": 50})
    this_year = timezone.localdate().year
    no_birth_year = UserFactory()
    assert (
        "出生年份" in refused("ineligible", enrolment_create, learner=no_birth_year, course_class_id=klass.pk).message
    )
    young = UserFactory(birth_year=this_year - 30)
    refused("ineligible", enrolment_create, learner=young, course_class_id=klass.pk)
    old = UserFactory(birth_year=this_year - 60)
    assert enrolment_create(learner=old, course_class_id=klass.pk).status == "enrolled"


def test_town_restriction(make_class):
    luozhuangzi, xiaying = TownFactory(name="罗庄子镇"), TownFactory(name="下营镇")
    klass = make_class()
    klass.course.eligible_towns.set([luozhuangzi])
    klass.course.save()
    refused("ineligible", enrolment_create, learner=UserFactory(home_town=xiaying), course_class_id=klass.pk)
    refused("ineligible", enrolment_create, learner=UserFactory(), course_class_id=klass.pk)
    assert enrolment_create(learner=UserFactory(home_town=luozhuangzi), course_class_id=klass.pk).status == "enrolled"


def test_waitlist_limit(make_class, residents):
    klass = make_class(capacity=1, waitlist_limit=1)
    a, b, c = residents(3)
    assert enrolment_create(learner=a, course_class_id=klass.pk).status == "enrolled"
    assert enrolment_create(learner=b, course_class_id=klass.pk).status == "waitlisted"
    refused("full_no_waitlist", enrolment_create, learner=c, course_class_id=klass.pk)
    no_waitlist = make_class(capacity=1, waitlist_limit=0)
    enrolment_create(learner=a, course_class_id=no_waitlist.pk)
    refused("full_no_waitlist", enrolment_create, learner=b, course_class_id=no_waitlist.pk)


def test_staff_and_teachers_do_not_take_seats(make_class, staff_a, teacher, residents):
    klass = make_class(capacity=1)
    for person in (staff_a, teacher):
        enrolment = enrolment_create(learner=person, course_class_id=klass.pk)
        assert enrolment.status == "enrolled" and not enrolment.holds_seat
    assert seats(klass) == 0
    assert enrolment_create(learner=residents(1)[0], course_class_id=klass.pk).holds_seat
    assert seats(klass) == 1


def test_someone_elses_enrolment_cannot_be_cancelled(klass, residents, staff_b):
    owner, other = residents(2)
    enrolment = enrolment_create(learner=owner, course_class_id=klass.pk)
    refused("not_found", enrolment_cancel, enrolment_id=enrolment.pk, by=other)
    refused("not_found", enrolment_cancel, enrolment_id=enrolment.pk, by=staff_b)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"


def test_staff_of_the_school_may_cancel_after_start_learner_may_not(make_class, residents, staff_a):
    klass = make_class(capacity=1)
    a, b = residents(2)
    first = enrolment_create(learner=a, course_class_id=klass.pk)
    second = enrolment_create(learner=b, course_class_id=klass.pk)
    after_start = klass.starts_on + datetime.timedelta(days=1)
    refused("closed", enrolment_cancel, enrolment_id=first.pk, by=a, today=after_start)
    enrolment_cancel(enrolment_id=first.pk, by=staff_a, today=after_start)
    # No promotion once the class has started: the seat is freed instead.
    assert Enrolment.objects.get(pk=second.pk).status == "waitlisted"
    assert seats(klass) == 0


def test_cancel_twice_is_refused(klass, residents):
    person = residents(1)[0]
    enrolment = enrolment_create(learner=person, course_class_id=klass.pk)
    enrolment_cancel(enrolment_id=enrolment.pk, by=person)
    refused("invalid_state", enrolment_cancel, enrolment_id=enrolment.pk, by=person)
    assert seats(klass) == 0


def test_complete_only_by_staff_of_that_school(klass, residents, staff_a, staff_b, teacher, present):
    a, b = residents(2)
    enrolment = enrolment_create(learner=a, course_class_id=klass.pk)
    present(enrolment, by=staff_a)
    # Anyone who does not run the class is told "not found", as for an id that does not exist.
    refused("not_found", enrolment_complete, enrolment_id=enrolment.pk, by=staff_b)
    refused("not_found", enrolment_complete, enrolment_id=enrolment.pk, by=a)
    refused("not_found", enrolment_complete, enrolment_id=enrolment.pk, by=teacher)  # not this class's teacher
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"
    done = enrolment_complete(enrolment_id=enrolment.pk, by=staff_a)
    assert done.status == "completed" and done.completed_by == staff_a and done.holds_seat
    assert seats(klass) == 1  # a completed learner keeps the place they had
    refused("not_found", enrolment_complete, enrolment_id=987654, by=staff_a)


def test_class_teacher_may_complete(klass, residents, teacher, present):
    klass.teacher = teacher
    klass.save()
    enrolment = enrolment_create(learner=residents(1)[0], course_class_id=klass.pk)
    present(enrolment, by=teacher)
    assert enrolment_complete(enrolment_id=enrolment.pk, by=teacher).status == EnrolmentStatus.COMPLETED


def test_waitlisted_cannot_be_completed(make_class, residents, staff_a):
    klass = make_class(capacity=1)
    a, b = residents(2)
    enrolment_create(learner=a, course_class_id=klass.pk)
    waiting = enrolment_create(learner=b, course_class_id=klass.pk)
    refused("invalid_state", enrolment_complete, enrolment_id=waiting.pk, by=staff_a)


def test_raising_capacity_fills_from_waitlist(make_class, residents):
    klass = make_class(capacity=1)
    people = residents(4)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]
    CourseClass.objects.filter(pk=klass.pk).update(capacity=3)
    promoted = class_fill_from_waitlist(course_class_id=klass.pk)
    assert [e.pk for e in promoted] == [enrolments[1].pk, enrolments[2].pk]
    assert seats(klass) == 3
    assert Enrolment.objects.get(pk=enrolments[3].pk).status == "waitlisted"


def test_course_waitlists_fill_gives_each_class_its_free_seats_in_arrival_order(tree, residents, sms_outbox):
    from enrolment.services import course_waitlists_fill
    from tests.factories import course_class, course_page

    course = course_page(
        tree["school_a"],
        classes=[
            course_class(label="甲班", capacity=1),
            course_class(label="乙班", capacity=1),
            course_class(label="已开班", capacity=1, starts_in_days=5),
        ],
    )
    a, b, started = (course.classes.get(label=label) for label in ("甲班", "乙班", "已开班"))
    people = residents(3)
    waiting = {}
    for klass in (a, b, started):
        for person in people:
            enrolment = enrolment_create(learner=person, course_class_id=klass.pk)
            waiting.setdefault(klass.pk, []).append(enrolment)
    CourseClass.objects.filter(pk__in=[a.pk, started.pk]).update(capacity=3)
    today = timezone.localdate() + datetime.timedelta(days=6)  # 已开班 has started by then
    promoted = course_waitlists_fill(course_id=course.pk, today=today)
    assert [e.pk for e in promoted] == [e.pk for e in waiting[a.pk][1:]]
    assert (seats(a), seats(b), seats(started)) == (3, 1, 1)


def test_the_class_card_and_the_service_give_the_same_refusal(make_class, residents):
    """One rule, two readers: enrolment_create raises what class_enrol_refusal returns; the card shows its
    short form. On the first day of class enrolment is still open (the card's 报名时间 ends that day)."""
    from enrolment.selectors import class_closed_reason, class_enrol_refusal

    today = timezone.localdate()
    full = make_class(capacity=1, waitlist_limit=0)
    enrolment_create(learner=residents(1)[0], course_class_id=full.pk)
    cases = {
        "报名将于": make_class(enrol_opens=today + datetime.timedelta(days=3)),
        "报名已截止": make_class(
            enrol_opens=today - datetime.timedelta(days=5), enrol_closes=today - datetime.timedelta(days=1)
        ),
        "已开课，停止报名": make_class(starts_in_days=-1),
        "名额已满": CourseClass.objects.get(pk=full.pk),
        "": make_class(starts_in_days=0),
    }
    for short, klass in cases.items():
        klass = CourseClass.objects.select_related("course").get(pk=klass.pk)
        refusal = class_enrol_refusal(klass)
        assert class_closed_reason(klass).startswith(short) and bool(class_closed_reason(klass)) == bool(short)
        person = residents(1)[0]
        if refusal is None:
            assert enrolment_create(learner=person, course_class_id=klass.pk).status == "enrolled"
            continue
        error = refused(refusal.code, enrolment_create, learner=person, course_class_id=klass.pk)
        assert error.message == refusal.message and refusal.short.startswith(short)
