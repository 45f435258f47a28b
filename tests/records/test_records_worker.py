"""A real Celery worker on Redis: the certificate PDF is rendered by the worker, and xAPI statements queued
while the LRS is down are retried with backoff until it comes up, then accepted — none lost.

The worker is a separate process pointed at this run's PostgreSQL test database (committed data), as in
tests/courses/test_enrolment_worker.py.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from courses.enrolment_services import attendance_roll_call, enrolment_complete, enrolment_create
from courses.models import Certificate, XapiStatement
from jizhou.celery import app as celery_app
from tests.records.conftest import _free_port, lrs_statement, running_lrs

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/3")
QUEUE = "celery"
LRS_PASSWORD = "worker-test-lrs-password"

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process: it needs a database server, not pytest's in-memory SQLite",
    ),
]


def _wait(predicate, timeout, what, log: Path):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}\n{log.read_text()[-3000:]}")


def _forget_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def lrs_port():
    return _free_port()


@pytest.fixture
def worker(tmp_path, settings, lrs_port):
    try:
        redis.Redis.from_url(BROKER).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {BROKER} is not reachable for the Celery worker test: {error}")
    redis.Redis.from_url(BROKER).delete(QUEUE)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "jizhou.settings",
        "JIZHOU_VAR_DIR": str(settings.VAR_DIR),
        "SITE_URL": settings.XAPI_HOME_PAGE,
        # The LRS the worker sends to is not running yet; retries start after 1 s instead of 30 s.
        "XAPI_LRS_URL": f"http://127.0.0.1:{lrs_port}/xAPI/",
        "XAPI_LRS_USERNAME": "jizhou-test",
        "XAPI_LRS_PASSWORD": LRS_PASSWORD,
        "XAPI_RETRY_BACKOFF": "1",
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 — closed in teardown
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "jizhou", "worker", "--pool=solo", "-Q", QUEUE, "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False)
    _forget_connections()
    settings.XAPI_LRS_URL = env["XAPI_LRS_URL"]  # so this process queues pushes; the worker sends them
    try:
        _wait(lambda: "ready." in log_path.read_text() or process.poll() is not None, 90, "the worker", log_path)
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + log_path.read_text()[-3000:])
        yield {"log": log_path, "env": env}
    finally:
        celery_app.conf.update(saved)
        _forget_connections()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        redis.Redis.from_url(BROKER).delete(QUEUE)


def test_worker_renders_the_pdf_and_retries_xapi_until_the_lrs_is_up(
    worker, make_course, learner, staff_a, lrs_port, settings
):
    klass = make_course(meetings=1)
    enrolment = enrolment_create(learner=learner, course_class_id=klass.pk)
    meeting = klass.meetings.get()
    attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids={enrolment.pk}, by=staff_a)
    enrolment_complete(enrolment_id=enrolment.pk, by=staff_a)

    log = worker["log"]
    _wait(lambda: Certificate.objects.filter(pdf_generated_at__isnull=False).exists(), 60, "the PDF", log)
    certificate = Certificate.objects.get()
    assert (settings.VAR_DIR / "private" / certificate.pdf.name).read_bytes().startswith(b"%PDF-")

    # The LRS is down: the worker has tried and noted it; nothing is lost.
    _wait(lambda: XapiStatement.objects.filter(attempts__gte=1).count() == 4, 60, "failed attempts", log)
    assert not XapiStatement.objects.filter(pushed_at__isnull=False).exists()
    with running_lrs(port=lrs_port, password=LRS_PASSWORD) as lrs:
        # The worker's retries (1 s, 2 s, 4 s …) now reach it.
        _wait(lambda: XapiStatement.objects.filter(pushed_at__isnull=True).count() == 0, 120, "the retries", log)
        for row in XapiStatement.objects.all():
            assert lrs_statement(lrs, str(row.id))["verb"] == row.statement["verb"]
    # Each was tried while the store was down and sent by a later retry (attempts counts both).
    assert all(row.attempts >= 2 for row in XapiStatement.objects.all())
