"""Fixtures for the enrolment tests: a live course with one class, and residents to fill it."""

import pytest
from django.contrib.auth.models import Group

from accounts import sms
from accounts.roles import TEACHER
from tests.factories import UserFactory, course_class, course_page


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def make_class(tree):
    """Build a live course with one class under school A (or `provider`); returns the class."""

    def build(*, provider=None, course_fields=None, **class_fields):
        course = course_page(
            provider or tree["school_a"], classes=[course_class(**class_fields)], **(course_fields or {})
        )
        return course.classes.get()

    return build


@pytest.fixture
def klass(make_class):
    return make_class(capacity=3)


@pytest.fixture
def residents(db):
    def build(n: int):
        return [UserFactory() for _ in range(n)]

    return build


@pytest.fixture
def teacher(db):
    user = UserFactory(display_name="王老师")
    user.groups.add(Group.objects.get(name=TEACHER))
    return user
