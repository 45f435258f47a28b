"""A real Celery worker on Redis, as in production: reminders sent exactly once, promotion SMS on commit.

The worker (tests/celery_worker.py) writes SMS through the file backend, which this test reads.
"""

import json
import time
from pathlib import Path

import pytest

from enrolment.models import Enrolment
from enrolment.services import enrolment_cancel, enrolment_create
from tests.celery_worker import WORKER_TEST_MARKS, queue_drained, running_worker, wait_for

pytestmark = WORKER_TEST_MARKS


@pytest.fixture
def worker(tmp_path, settings):
    sms_file = tmp_path / "sms.jsonl"
    sms_file.touch()
    env = {"SMS_BACKEND": "accounts.sms.FileSmsBackend", "SMS_FILE_PATH": str(sms_file)}
    settings.SMS_BACKEND = "accounts.sms.FileSmsBackend"  # nothing should be sent from this process
    settings.SMS_FILE_PATH = str(tmp_path / "not-from-the-test-process.jsonl")
    with running_worker(tmp_path, env) as log:
        yield {"sms_file": sms_file, "log": log}


def _sent(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_reminder_sent_exactly_once_by_a_real_worker(worker, make_class, residents):
    from enrolment.tasks import send_class_reminders, send_enrolment_reminder

    klass = make_class(capacity=2, starts_in_days=1)
    a, b, c = residents(3)
    for person in (a, b, c):
        enrolment_create(learner=person, course_class_id=klass.pk)  # c waits: no reminder
    # The beat task fires three times (e.g. overlapping schedules) and a reminder is redelivered.
    for _ in range(3):
        send_class_reminders.delay()
    send_enrolment_reminder.delay(Enrolment.objects.get(learner=a).pk)

    wait_for(lambda: Enrolment.objects.filter(reminder_sent_at__isnull=False).count() == 2, 60, "reminders")
    wait_for(queue_drained, 30, "the queue to drain")
    time.sleep(2)  # let the last task in hand finish
    sent = _sent(worker["sms_file"])
    assert sorted(m["phone"] for m in sent) == sorted([a.phone, b.phone]), worker["log"].read_text()[-2000:]
    assert all("提醒您" in m["body"] for m in sent)


def test_promotion_sms_queued_on_commit(worker, make_class, residents):
    klass = make_class(capacity=1)
    first, second = residents(2)
    held = enrolment_create(learner=first, course_class_id=klass.pk)
    enrolment_create(learner=second, course_class_id=klass.pk)
    enrolment_cancel(enrolment_id=held.pk, by=first)  # commits, then queues the task
    wait_for(lambda: len(_sent(worker["sms_file"])) == 1, 60, "the promotion SMS")
    assert _sent(worker["sms_file"])[0]["phone"] == second.phone
    assert "转为正式报名" in _sent(worker["sms_file"])[0]["body"]
