"""PostgreSQL restarts (an upgrade, a failover) while the site is serving, as production runs it: gunicorn with
DJANGO_DEBUG=0 on a private cluster holding a copy of this test's database.

- A connection kept from an earlier request (CONN_MAX_AGE) is checked before reuse (CONN_HEALTH_CHECKS), so
  the first request after a restart simply works.
- A request cut off mid-transaction gets a clear 503 "try again" — JSON for the API, a page for people —
  never a traceback; nothing of it was kept, and sending it again works.
"""

import os
import subprocess
import sys
import threading
from pathlib import Path

import psycopg
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.celery_worker import _test_database_url
from tests.processes import free_port, stop_process, wait_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct-horse-battery"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the site's copy for the private cluster is taken from a PostgreSQL test database",
    ),
]


@pytest.fixture
def site_copy(private_postgres, klass, learner):
    """This test's committed data copied into the private cluster (its own database per test)."""
    # The server runs the production hashers; the test settings' MD5 would not be accepted there.
    learner.password = PBKDF2PasswordHasher().encode(PASSWORD, "faultsalt", iterations=1000)
    learner.save(update_fields=["password"])
    name = f"jizhou_{free_port()}"
    with psycopg.connect(private_postgres.url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", "-d", _test_database_url()],
                          check=True, capture_output=True, timeout=60).stdout  # fmt: skip
    subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", "-d", private_postgres.url(name)],
                   input=dump, check=True, capture_output=True, timeout=60)  # fmt: skip
    return private_postgres.url(name)


@pytest.fixture
def server(site_copy, tmp_path):
    """gunicorn serving the site from the private cluster, as in production."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jizhou.settings.base",
        "DATABASE_URL": site_copy,
        "DJANGO_DEBUG": "0",
        "DJANGO_HTTPS": "0",
        "SECRET_KEY": "fault-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "",
    }
    log = tmp_path / "gunicorn.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "jizhou.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--threads", "4", "--worker-class", "gthread", "--timeout", "60"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise AssertionError("gunicorn exited:\n" + log.read_text()[-3000:])
        try:
            return requests.get(f"{base}/health", timeout=30).status_code in (200, 503)  # the first loads Django
        except requests.ConnectionError:
            return False

    try:
        wait_for(answers, 60, "gunicorn")
        yield {"url": base, "log": log}
    finally:
        stop_process(process, timeout=10)


def _rows(url: str, sql: str, *params) -> list[tuple]:
    with psycopg.connect(url) as db:
        return db.execute(sql, params).fetchall()


def test_the_site_rides_out_a_database_restart(server, site_copy, private_postgres, klass, learner):
    base = server["url"]
    token = requests.post(f"{base}/api/v1/auth/token", json={"phone": learner.phone, "password": PASSWORD}, timeout=10)
    assert token.status_code == 201, token.text
    auth = {"Authorization": f"Bearer {token.json()['token']}"}
    assert requests.get(f"{base}/api/v1/me/enrolments", headers=auth, timeout=10).json() == []

    # 1. Restart between requests: the kept connection is found dead and replaced; the resident notices nothing.
    private_postgres.restart()
    after = requests.get(f"{base}/api/v1/me/enrolments", headers=auth, timeout=10)
    assert after.status_code == 200, after.text

    # 2. Restart in the middle of an enrolment: it waits for the class row (held here), and is cut off.
    answer = {}
    holder = psycopg.connect(site_copy)  # cut by the restart too
    holder.execute("SELECT 1 FROM courses_courseclass WHERE id = %s FOR UPDATE", (klass.pk,))

    def enrol():
        answer["response"] = requests.post(f"{base}/api/v1/classes/{klass.pk}/enrolments", headers=auth, timeout=30)

    thread = threading.Thread(target=enrol)
    thread.start()
    # Asked from its own autocommit connection: inside a transaction pg_stat_activity is a snapshot that never moves.
    waiting = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
    with psycopg.connect(site_copy, autocommit=True) as watcher:
        wait_for(lambda: watcher.execute(waiting).fetchone()[0] == 1, 20, "the enrolment to wait for the row")
    private_postgres.restart()
    thread.join(30)
    holder.close()
    cut = answer["response"]
    assert cut.status_code == 503, cut.text
    assert cut.json()["code"] == "unavailable" and "稍后重试" in cut.json()["detail"]
    assert cut.headers["Retry-After"]
    assert _rows(site_copy, "SELECT count(*) FROM enrolment_enrolment")[0][0] == 0  # nothing half done
    assert _rows(site_copy, "SELECT seats_taken, arrivals FROM courses_courseclass WHERE id = %s", klass.pk) == [(0, 0)]

    again = requests.post(f"{base}/api/v1/classes/{klass.pk}/enrolments", headers=auth, timeout=10)
    assert again.status_code == 201 and again.json()["status"] == "enrolled"
    assert _rows(site_copy, "SELECT seats_taken FROM courses_courseclass WHERE id = %s", klass.pk) == [(1,)]

    # 3. The database is down for a while: people get a page saying to try again, not an error dump.
    private_postgres.stop()
    try:
        page = requests.get(f"{base}/", timeout=10)
        assert page.status_code == 503
        assert "请稍后重试" in page.text and "Traceback" not in page.text and "psycopg" not in page.text
    finally:
        private_postgres.start()
    assert requests.get(f"{base}/api/v1/classes/{klass.pk}", timeout=10).status_code == 200
