"""The Celery broker (Redis) is down while residents cancel, a waitlisted resident is promoted (a text is due), a
class is completed (a certificate PDF is due) and xAPI statements are written (an LRS is configured).

Residents get their answers; the work waits in its outbox rows; when the broker is back the sweep
(`manage.py outbox_dispatch`, also run by beat) queues it again, and a real worker does each piece once.
"""

import json
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from enrolment.models import Enrolment
from enrolment.services import enrolment_complete, enrolment_create
from records.models import Certificate, XapiStatement
from tests import celery_worker
from tests.celery_worker import WORKER_TEST_MARKS, running_worker, wait_for

# Real commits: the work is queued after commit, as in production (a rolled-back test transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)


def _site(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _a_day_with_the_broker_down(broker, make_class, make_course, residents, staff_a, attend) -> dict:
    klass, course_class = make_class(capacity=1), make_course(meetings=1)  # published before the outage
    first, second = residents(2)
    broker.stop()
    # A seat is given up; the first on the waitlist gets it and is owed a text.
    for person in (first, second):
        answer = _site(person).post(f"/classes/{klass.pk}/enrol/", follow=True)
        assert answer.status_code == 200 and "报名" in answer.content.decode()
    held = Enrolment.objects.get(learner=first, course_class=klass)
    started = time.monotonic()
    answer = _site(first).post(f"/me/enrolments/{held.pk}/cancel/", follow=True)
    assert answer.status_code == 200 and "已取消报名" in answer.content.decode()
    assert time.monotonic() - started < 5, "a broker that is down must not hold the resident up"
    promoted = Enrolment.objects.get(learner=second, course_class=klass)
    # A class is completed: the certificate is issued at once, its PDF is owed.
    enrolment = attend(enrolment_create(learner=first, course_class_id=course_class.pk), by=staff_a)
    enrolment_complete(enrolment_id=enrolment.pk, by=staff_a)
    certificate = Certificate.objects.get(learner=first)

    promoted.refresh_from_db()
    assert promoted.status == "enrolled" and promoted.promoted_at and promoted.promotion_sms_sent_at is None
    assert not certificate.pdf
    statements = set(XapiStatement.objects.filter(pushed_at__isnull=True).values_list("pk", flat=True))
    assert len(statements) == 6  # 3 registered, 1 attended, 1 completed, 1 earned
    return {"promoted": promoted, "certificate": certificate, "statements": {str(pk) for pk in statements}}


def test_work_queued_while_the_broker_is_down_waits_for_the_sweep(
    broker, settings, fake_service, make_class, make_course, residents, staff_a, attend
):
    settings.XAPI_LRS_URL = fake_service.url
    owed = _a_day_with_the_broker_down(broker, make_class, make_course, residents, staff_a, attend)

    broker.start()
    assert broker.queued() == []  # nothing reached the broker while it was down
    call_command("outbox_dispatch", stdout=open("/dev/null", "w"))  # noqa: SIM115
    queued = sorted((m["task"], m["args"]) for m in broker.queued())
    assert queued == sorted(
        [
            ("enrolment.tasks.send_promotion_sms", f"({owed['promoted'].pk},)"),
            ("records.tasks.certificate_generate_pdf", f"({owed['certificate'].pk},)"),
            ("records.tasks.xapi_push_pending", "()"),
        ]
    )


def test_the_sweep_says_so_when_the_broker_is_still_down(broker, settings, fake_service):
    settings.XAPI_LRS_URL = fake_service.url  # there is always a push to queue
    broker.stop()
    with pytest.raises(CommandError, match="broker is unavailable"):
        call_command("outbox_dispatch")


def _texts(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@WORKER_TEST_MARKS[2]
def test_a_real_worker_does_the_waiting_work_once_when_the_broker_is_back(
    broker, settings, monkeypatch, tmp_path, fake_service, make_class, make_course, residents, staff_a, attend
):
    settings.XAPI_LRS_URL = fake_service.url
    owed = _a_day_with_the_broker_down(broker, make_class, make_course, residents, staff_a, attend)

    broker.start()
    monkeypatch.setattr(celery_worker, "BROKER", broker.url(0))
    texts = tmp_path / "sms.jsonl"
    texts.touch()
    worker_env = {
        "SMS_BACKEND": "accounts.sms.FileSmsBackend",
        "SMS_FILE_PATH": str(texts),
        "XAPI_LRS_URL": fake_service.url,
        "CELERY_BROKER_URL": broker.url(0),
    }
    with running_worker(tmp_path, worker_env) as log:
        for _sweep in range(2):  # beat and an operator both sweep: still once
            call_command("outbox_dispatch", stdout=open("/dev/null", "w"))  # noqa: SIM115
        pushed = lambda: {s["id"] for r in fake_service.answered(200) for s in r["body"]}  # noqa: E731
        wait_for(lambda: pushed() == owed["statements"], 60, "the statements at the LRS", log)
        wait_for(lambda: len(_texts(texts)) == 1, 60, "the promotion text", log)
        wait_for(lambda: Certificate.objects.filter(pdf_generated_at__isnull=False).count() == 1, 60, "the PDF", log)
        wait_for(lambda: celery_worker.queue_drained(), 30, "the queue to drain", log)
        time.sleep(1)  # the last task in hand finishes
    assert [t["phone"] for t in _texts(texts)] == [owed["promoted"].learner.phone]
    sent_ids = [s["id"] for r in fake_service.answered(200) for s in r["body"]]
    assert sorted(sent_ids) == sorted(owed["statements"])  # each statement once
    assert XapiStatement.objects.filter(pushed_at__isnull=True).count() == 0
