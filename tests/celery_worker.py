"""A real Celery worker for the task tests, as in production.

The worker is a separate process (`celery -A jizhou worker`) on Redis, pointed at this run's PostgreSQL test
database, so its tests use committed data (transactional_db), not a rolled-back transaction it could not see.
While it runs, this process queues onto the same broker and queue.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.db import connection

from jizhou.celery import app as celery_app
from tests.processes import stop_process, wait_for


def _broker_url() -> str:
    """CELERY_TEST_BROKER_URL (Redis database 3 by default), one database further up per pytest-xdist process
    (gw0, gw1…): each process starts its own workers on the default queue."""
    url = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/3").rstrip("/")
    base, _, database = url.rpartition("/")
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    return f"{base}/{(int(database) + worker) % 16}" if database.isdigit() else url


BROKER = _broker_url()
QUEUE = "celery"  # the default queue, on this run's own Redis database: tasks queue further tasks there too
ROOT = Path(__file__).resolve().parents[1]

WORKER_TEST_MARKS = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the worker is another process: it needs a database server, not pytest's in-memory SQLite",
    ),
]


def queue_drained() -> bool:
    return redis.Redis.from_url(BROKER).llen(QUEUE) == 0


def _forget_connections() -> None:
    # Celery caches its producer pool on first use (even an eager call builds it for the empty broker URL);
    # drop it so the next message goes to the broker configured now.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{quote(db['USER'] or '')}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextmanager
def running_worker(tmp_path: Path, extra_env: dict[str, str], queue: str = QUEUE) -> Iterator[Path]:
    """Start a worker with `extra_env` on top of this process's environment, consuming `queue`; yield its log."""
    try:
        redis.Redis.from_url(BROKER).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis at {BROKER} is not reachable for the Celery worker test: {error}")
    redis.Redis.from_url(BROKER).delete(queue)
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": BROKER,
        "DJANGO_SETTINGS_MODULE": "jizhou.settings.base",
        **extra_env,
    }
    log_path = tmp_path / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 — closed below
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "jizhou", "worker", "--pool=solo", "-Q", queue, "--loglevel=INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
    )  # fmt: skip
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=BROKER, task_always_eager=False)
    _forget_connections()
    try:
        wait_for(lambda: "ready." in log_path.read_text() or process.poll() is not None, 90, "the worker")
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + log_path.read_text()[-3000:])
        yield log_path
    finally:
        celery_app.conf.update(saved)
        _forget_connections()
        stop_process(process, timeout=20)
        log.close()
        redis.Redis.from_url(BROKER).delete(queue)
