"""A real Celery worker on Redis: the certificate PDF is rendered by the worker, and xAPI statements queued
while the LRS is down are retried with backoff until it comes up, then accepted — none lost.

The worker is a separate process pointed at this run's PostgreSQL test database (committed data); see
tests/celery_worker.py.
"""

import pytest

from enrolment.services import attendance_roll_call, enrolment_complete, enrolment_create
from records.models import Certificate, XapiStatement
from tests.celery_worker import WORKER_TEST_MARKS, running_worker, wait_for
from tests.processes import free_port
from tests.records.conftest import lrs_statement, running_lrs

LRS_PASSWORD = "worker-test-lrs-password"

pytestmark = WORKER_TEST_MARKS


@pytest.fixture
def lrs_port():
    return free_port()


@pytest.fixture
def worker(tmp_path, settings, lrs_port):
    env = {
        "JIZHOU_VAR_DIR": str(settings.VAR_DIR),
        "SITE_URL": settings.XAPI_HOME_PAGE,
        # The LRS the worker sends to is not running yet; retries start after 1 s instead of 30 s.
        "XAPI_LRS_URL": f"http://127.0.0.1:{lrs_port}/xAPI/",
        "XAPI_LRS_USERNAME": "jizhou-test",
        "XAPI_LRS_PASSWORD": LRS_PASSWORD,
        "XAPI_RETRY_BACKOFF": "1",
    }
    settings.XAPI_LRS_URL = env["XAPI_LRS_URL"]  # so this process queues pushes; the worker sends them
    with running_worker(tmp_path, env) as log:
        yield {"log": log, "env": env}


def test_worker_renders_the_pdf_and_retries_xapi_until_the_lrs_is_up(
    worker, make_course, learner, staff_a, lrs_port, settings
):
    klass = make_course(meetings=1)
    enrolment = enrolment_create(learner=learner, course_class_id=klass.pk)
    meeting = klass.meetings.get()
    attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids={enrolment.pk}, by=staff_a)
    enrolment_complete(enrolment_id=enrolment.pk, by=staff_a)

    log = worker["log"]
    wait_for(lambda: Certificate.objects.filter(pdf_generated_at__isnull=False).exists(), 60, "the PDF", log)
    certificate = Certificate.objects.get()
    assert (settings.VAR_DIR / "private" / certificate.pdf.name).read_bytes().startswith(b"%PDF-")

    # The LRS is down: the worker has tried and noted it; nothing is lost.
    wait_for(lambda: XapiStatement.objects.filter(attempts__gte=1).count() == 4, 60, "failed attempts", log)
    assert not XapiStatement.objects.filter(pushed_at__isnull=False).exists()
    with running_lrs(port=lrs_port, password=LRS_PASSWORD) as lrs:
        # The worker's retries (1 s, 2 s, 4 s …) now reach it.
        wait_for(lambda: XapiStatement.objects.filter(pushed_at__isnull=True).count() == 0, 120, "the retries", log)
        for row in XapiStatement.objects.all():
            assert lrs_statement(lrs, str(row.id))["verb"] == row.statement["verb"]
    # Each was tried while the store was down and sent by a later retry (attempts counts both).
    assert all(row.attempts >= 2 for row in XapiStatement.objects.all())
