"""Settings for pytest (pyproject.toml): the base settings, plus what every test run needs whatever the
environment says. Subprocesses that stand for production (the Celery worker, `check --deploy`) use the base.
"""

import atexit
import os
import shutil
import tempfile

# The base turns DEBUG off unless asked. Tests run on the development defaults, as `make run` does (static files
# from the finders, no HTTPS redirect, no SECRET_KEY needed); Django's test runner still runs each test with DEBUG
# off. Set before the base reads it; a subprocess standing for production sets DJANGO_DEBUG=0 itself.
os.environ.setdefault("DJANGO_DEBUG", "1")

# Each run keeps its files (uploads, private certificates and evidence) in a directory of its own: CI runs the
# suite on SQLite and on PostgreSQL side by side, and a run must not find the other's files. Set in the
# environment, so a subprocess the tests start (the Celery worker) uses the same directory.
if "JIZHOU_VAR_DIR" not in os.environ:
    os.environ["JIZHOU_VAR_DIR"] = tempfile.mkdtemp(prefix="jizhou-test-var-")
    atexit.register(shutil.rmtree, os.environ["JIZHOU_VAR_DIR"], ignore_errors=True)


def _redis_database_per_worker(url: str, worker: str) -> str:
    """pytest-xdist runs the suite in several processes (gw0, gw1…); each clears the cache between tests, so each
    needs a Redis database of its own: the one REDIS_URL names, moved up by 8 per worker (Redis has 16)."""
    base, _, database = url.rstrip("/").rpartition("/")
    if not database.isdigit():
        base, database = url.rstrip("/"), "0"
    return f"{base}/{(int(database) + 8 * int(worker.removeprefix('gw'))) % 16}"


if os.environ.get("PYTEST_XDIST_WORKER", "gw0") != "gw0" and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_database_per_worker(os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"])

from jizhou.settings.base import *  # noqa: E402, F403

# A run creates and logs in hundreds of people; PBKDF2's cost is for real passwords. No test depends on the hash.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Texts go to a list a test reads (accounts.sms.outbox), never to a gateway, a file or the console.
SMS_BACKEND = "accounts.sms.LocmemSmsBackend"

# Each test starts from an empty cache (tests/conftest.py), which a page kept in this process's memory would
# outlive: the in-process page layer is off, except in tests/jizhou/test_page_cache*.py, which turn it on.
PAGE_CACHE_LOCAL_SECONDS = 0
