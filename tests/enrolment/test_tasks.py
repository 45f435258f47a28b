"""Reminder and promotion tasks, run in-process (eager): sent once however often they run."""

import pytest
from django.core import mail

from enrolment.models import Enrolment
from enrolment.services import enrolment_cancel, enrolment_create
from enrolment.tasks import send_class_reminders, send_enrolment_reminder, send_promotion_sms
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reminders_day_before_once(make_class, residents, sms_outbox):
    tomorrow = make_class(capacity=2, starts_in_days=1)
    later = make_class(capacity=2, starts_in_days=3)
    a, b, c, d = residents(4)
    a.email = "a@example.com"
    a.save()
    for person in (a, b, c):
        enrolment_create(learner=person, course_class_id=tomorrow.pk)  # c is waitlisted
    enrolment_create(learner=d, course_class_id=later.pk)
    assert send_class_reminders.delay().get() == 2
    assert send_class_reminders.delay().get() == 0
    assert sorted(m.phone for m in sms_outbox) == sorted([a.phone, b.phone])
    assert "提醒您" in sms_outbox[0].body and tomorrow.course.title in sms_outbox[0].body
    assert [m.to for m in mail.outbox] == [["a@example.com"]]
    # Running the per-learner task again (e.g. a redelivered message) sends nothing.
    assert send_enrolment_reminder.delay(Enrolment.objects.get(learner=a).pk).get() is False
    assert len(sms_outbox) == 2


def test_failed_send_releases_the_claim(make_class, residents, settings, sms_outbox):
    klass = make_class(capacity=2, starts_in_days=1)
    enrolment = enrolment_create(learner=residents(1)[0], course_class_id=klass.pk)
    settings.SMS_BACKEND = "accounts.sms.HttpSmsGateway"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/unreachable"
    # Eager (no broker): no retry loop inside the request; the claim is released for the next run.
    assert send_enrolment_reminder.apply(args=[enrolment.pk], throw=True).get() is False
    enrolment.refresh_from_db()
    assert enrolment.reminder_sent_at is None  # the next run will try again
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    assert send_enrolment_reminder.delay(enrolment.pk).get() is True
    assert len(sms_outbox) == 1


def test_promotion_sms_once(make_class, residents, sms_outbox, django_capture_on_commit_callbacks):
    klass = make_class(capacity=1)
    first, second = residents(2)
    held = enrolment_create(learner=first, course_class_id=klass.pk)
    waiting = enrolment_create(learner=second, course_class_id=klass.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment_cancel(enrolment_id=held.pk, by=first)
    assert callbacks and sms_outbox == []  # queued on commit, not before (the page cache also clears then)
    for callback in callbacks:
        callback()
    assert send_promotion_sms.delay(waiting.pk).get() is False  # sent once: a second run sends nothing
    assert [m.phone for m in sms_outbox] == [second.phone]


def test_promotion_sms_not_for_a_never_waitlisted_enrolment(make_class, sms_outbox):
    klass = make_class(capacity=1)
    enrolment = enrolment_create(learner=UserFactory(), course_class_id=klass.pk)
    assert send_promotion_sms.delay(enrolment.pk).get() is False
    assert sms_outbox == []
