"""Bad class and course data is refused by model validation and by the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courses.models import CourseClass
from tests.factories import course_class, course_page


@pytest.fixture
def course(tree):
    return course_page(tree["school_a"])


def _saved_class(course, **fields):
    item = course_class(**fields)
    item.course = course
    item.save()
    return item


def test_class_ending_before_it_starts_is_refused_by_validation(course):
    item = course_class()
    item.course = course
    item.ends_on = item.starts_on - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "结课日期不能早于开课日期" in str(error.value.message_dict["ends_on"])


def test_class_ending_before_it_starts_is_refused_by_the_database(course):
    item = _saved_class(course)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseClass.objects.filter(pk=item.pk).update(ends_on=item.starts_on - datetime.timedelta(days=3))


def test_negative_capacity_is_refused(course):
    item = course_class(capacity=-1)
    item.course = course
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "capacity" in error.value.message_dict
    saved = _saved_class(course)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseClass.objects.filter(pk=saved.pk).update(capacity=-5)


def test_capacity_below_seats_taken_is_refused_by_the_database(course):
    item = _saved_class(course, capacity=10)
    CourseClass.objects.filter(pk=item.pk).update(seats_taken=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseClass.objects.filter(pk=item.pk).update(capacity=9)


def test_enrolment_window_closing_after_the_start_is_refused(course):
    item = course_class()
    item.course = course
    item.enrol_closes = item.starts_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "报名截止日期不能晚于开课日期" in str(error.value.message_dict["enrol_closes"])
    saved = _saved_class(course)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseClass.objects.filter(pk=saved.pk).update(enrol_closes=saved.starts_on + datetime.timedelta(days=2))


def test_enrolment_opening_after_the_start_is_refused(course):
    item = course_class()
    item.course = course
    item.enrol_opens = item.starts_on + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "enrol_opens" in error.value.message_dict
    saved = _saved_class(course)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseClass.objects.filter(pk=saved.pk).update(enrol_opens=saved.starts_on + datetime.timedelta(days=2))


def test_enrolment_window_is_open_between_its_dates(course):
    item = course_class(starts_in_days=10)
    today = item.starts_on - datetime.timedelta(days=10)
    item.enrol_opens = today + datetime.timedelta(days=2)
    assert not item.is_open_for_enrolment(today)
    assert item.is_open_for_enrolment(today + datetime.timedelta(days=2))
    assert item.is_open_for_enrolment(item.starts_on)
    assert not item.is_open_for_enrolment(item.starts_on + datetime.timedelta(days=1))


def test_negative_hours_credits_and_fee_are_refused(course):
    for field in ("hours", "credits", "fee"):
        setattr(course, field, Decimal("-1"))
        with pytest.raises(ValidationError) as error:
            course.full_clean()
        assert field in error.value.message_dict
        setattr(course, field, Decimal("0"))
    with pytest.raises(IntegrityError), transaction.atomic():
        type(course).objects.filter(pk=course.pk).update(fee=Decimal("-10"))


def test_course_knows_its_school_from_the_tree(tree, course):
    assert course.provider_id == tree["school_a"].pk


def test_the_course_s_school_is_looked_up_once_per_admin_save(course, tree):
    """The admin validates, then saves, the same instance: one lookup of the school the page sits under."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = type(course).objects.get(pk=course.pk)
    course.summary = "改过的简介。"
    with CaptureQueriesContext(connection) as queries:
        course.full_clean()
        course.save()
    lookups = [q["sql"] for q in queries.captured_queries if '"path" = ' in q["sql"] and "providerpage" in q["sql"]]
    assert len(lookups) == 1
    assert course.provider_id == tree["school_a"].pk
