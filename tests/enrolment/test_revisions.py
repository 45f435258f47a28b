"""Publishing a course page (Wagtail restores its classes from the revision) must not reset seat counters."""

import pytest
from django.core.exceptions import ValidationError

from courses.models import CourseClass, CoursePage
from enrolment.models import Enrolment
from enrolment.services import enrolment_create

pytestmark = pytest.mark.django_db


def test_publishing_an_edit_keeps_seats_and_arrivals(klass, residents):
    course = CoursePage.objects.get(pk=klass.course_id)
    stale = course.get_latest_revision_as_object()  # what the admin's edit form starts from
    classes = list(stale.classes.all())  # ...with the counters as they were when the form was opened: 0
    people = residents(4)
    for person in people[:2]:
        enrolment_create(learner=person, course_class_id=klass.pk)
    stale.title = "梨树冬季修剪技术（更新）"
    classes[0].schedule = "每周三 上午9:00"
    stale.classes = classes
    stale.save_revision().publish()
    klass.refresh_from_db()
    assert (klass.seats_taken, klass.arrivals, klass.schedule) == (2, 2, "每周三 上午9:00")
    # Enrolment carries on from where it was: no duplicate arrival numbers, no overselling.
    assert enrolment_create(learner=people[2], course_class_id=klass.pk).arrival == 3
    assert enrolment_create(learner=people[3], course_class_id=klass.pk).status == "waitlisted"


def test_capacity_cannot_drop_below_seats_taken_even_from_a_stale_copy(klass, residents):
    stale = CourseClass.objects.get(pk=klass.pk)
    for person in residents(3):
        enrolment_create(learner=person, course_class_id=klass.pk)
    stale.capacity = 2
    with pytest.raises(ValidationError) as info:
        stale.full_clean()
    assert "capacity" in info.value.message_dict


def test_raising_capacity_in_the_cms_promotes_the_waitlist(
    klass, residents, sms_outbox, django_capture_on_commit_callbacks
):
    people = residents(5)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]  # 3 seats, 2 waiting
    course = CoursePage.objects.get(pk=klass.course_id).get_latest_revision_as_object()
    classes = list(course.classes.all())
    classes[0].capacity = 4
    course.classes = classes
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    statuses = [e.status for e in Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).order_by("arrival")]
    assert statuses == ["enrolled"] * 4 + ["waitlisted"]
    assert CourseClass.objects.get(pk=klass.pk).seats_taken == 4
    assert [m.phone for m in sms_outbox] == [people[3].phone]


def test_saving_a_class_directly_promotes_nobody(klass, residents, sms_outbox, django_capture_on_commit_callbacks):
    people = residents(5)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]  # 3 seats, 2 waiting
    stored = CourseClass.objects.get(pk=klass.pk)
    stored.capacity = 5
    with django_capture_on_commit_callbacks(execute=True):
        stored.save()
    statuses = [e.status for e in Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]).order_by("arrival")]
    assert statuses == ["enrolled"] * 3 + ["waitlisted"] * 2
    assert CourseClass.objects.get(pk=klass.pk).seats_taken == 3
    assert sms_outbox == []


def test_publishing_the_course_fills_the_seats_a_direct_save_added(
    klass, residents, sms_outbox, django_capture_on_commit_callbacks
):
    people = residents(5)
    for person in people:
        enrolment_create(learner=person, course_class_id=klass.pk)
    CourseClass.objects.filter(pk=klass.pk).update(capacity=5)  # e.g. fixed in a shell: nobody moves yet
    assert CourseClass.objects.get(pk=klass.pk).seats_taken == 3
    course = CoursePage.objects.get(pk=klass.course_id)
    with django_capture_on_commit_callbacks(execute=True):
        course.save_revision().publish()
    assert CourseClass.objects.get(pk=klass.pk).seats_taken == 5
    assert [m.phone for m in sms_outbox] == [people[3].phone, people[4].phone]
