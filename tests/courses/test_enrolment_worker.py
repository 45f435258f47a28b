"""A real Celery worker on Redis, as in production: reminders sent exactly once, promotion SMS on commit.

The worker is a separate process (`celery -A jizhou worker`) pointed at this run's PostgreSQL test database,
so the test uses committed data (transactional_db), not a rolled-back transaction it could not see.
It writes SMS through the file backend, which this test reads.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from courses.enrolment_services import enrolment_cancel, enrolment_create
from courses.models import Enrolment
from jizhou.celery import app as celery_app

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/3")

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process: it needs a database server, not pytest's in-memory SQLite",
    ),
]


def _wait(predicate, timeout=60, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _forget_connections():
    # Celery caches its producer pool on first use (even an eager call builds it for the empty broker URL);
    # drop it so the next message goes to the broker configured now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(tmp_path, settings):
    try:
        redis.Redis.from_url(BROKER).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {BROKER} is not reachable for the Celery worker test: {error}")
    # The default queue on this run's own Redis database: tasks queue further tasks there too.
    queue = "celery"
    redis.Redis.from_url(BROKER).delete(queue)
    sms_file = tmp_path / "sms.jsonl"
    sms_file.touch()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{quote(db['USER'] or '')}{':' + quote(db['PASSWORD']) if db.get('PASSWORD') else ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "CELERY_BROKER_URL": BROKER,
        "SMS_BACKEND": "accounts.sms.FileSmsBackend",
        "SMS_FILE_PATH": str(sms_file),
        "DJANGO_SETTINGS_MODULE": "jizhou.settings",
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 — closed in teardown
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jizhou",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parents[2],
    )
    # This process queues onto the same broker and queue as the worker.
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False)
    _forget_connections()
    settings.SMS_BACKEND = "accounts.sms.FileSmsBackend"  # nothing should be sent from this process
    settings.SMS_FILE_PATH = str(tmp_path / "not-from-the-test-process.jsonl")
    try:
        _wait(lambda: "ready." in (tmp_path / "worker.log").read_text() or process.poll() is not None, 90, "the worker")
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + (tmp_path / "worker.log").read_text()[-3000:])
        yield {"sms_file": sms_file, "queue": queue, "log": tmp_path / "worker.log"}
    finally:
        celery_app.conf.update(saved)
        _forget_connections()
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        redis.Redis.from_url(BROKER).delete(queue)


def _sent(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _queue_drained(queue: str) -> bool:
    return redis.Redis.from_url(BROKER).llen(queue) == 0


def test_reminder_sent_exactly_once_by_a_real_worker(worker, make_class, residents):
    from courses.tasks import send_class_reminders, send_enrolment_reminder

    klass = make_class(capacity=2, starts_in_days=1)
    a, b, c = residents(3)
    for person in (a, b, c):
        enrolment_create(learner=person, course_class_id=klass.pk)  # c waits: no reminder
    # The beat task fires three times (e.g. overlapping schedules) and a reminder is redelivered.
    for _ in range(3):
        send_class_reminders.delay()
    send_enrolment_reminder.delay(Enrolment.objects.get(learner=a).pk)

    _wait(lambda: Enrolment.objects.filter(reminder_sent_at__isnull=False).count() == 2, 60, "reminders")
    _wait(lambda: _queue_drained(worker["queue"]), 30, "the queue to drain")
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
    _wait(lambda: len(_sent(worker["sms_file"])) == 1, 60, "the promotion SMS")
    assert _sent(worker["sms_file"])[0]["phone"] == second.phone
    assert "转为正式报名" in _sent(worker["sms_file"])[0]["body"]
