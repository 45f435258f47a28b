"""One migrated test database per run, copied into each pytest-xdist process (.ci/run runs two per database).

Migrating a fresh test database (about 210 migrations, most of them Wagtail's) takes most of a minute, and every
xdist process used to do it for its own database at the same time, on the same two cores. Now the first process
to get here migrates a template under a file lock; every process then takes a copy: PostgreSQL clones it
(`CREATE DATABASE … TEMPLATE`), SQLite copies the template file into the process's in-memory database with
SQLite's backup API. The copy is exactly what `migrate` made (data migrations included: role groups, Wagtail's
root page, site and collection), because it *is* what `migrate` made.

Used only under xdist (tests/conftest.py); a plain `pytest` run sets its database up the usual way.
"""

import fcntl
import os
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

# Set by the controlling process before it starts the workers, which inherit it: one template per run.
RUN_ID_VARIABLE = "JIZHOU_TEST_TEMPLATE_RUN"


def _lock_file(run_id: str) -> Path:
    return Path(tempfile.gettempdir()) / f"jizhou-test-template-{run_id}.lock"


@contextmanager
def _run_lock(run_id: str):
    with open(_lock_file(run_id), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def template_name(run_id: str) -> str:
    """Named after the database the settings name (so two runs against different databases never meet); asked
    before the connection is pointed at a copy."""
    connection = connections["default"]
    if connection.vendor == "sqlite":
        return str(Path(tempfile.gettempdir()) / f"jizhou-test-template-{run_id}.sqlite3")
    return f"test_{connection.settings_dict['NAME']}_tpl_{run_id}"[:63]


def _users_file(run_id: str) -> Path:
    return Path(tempfile.gettempdir()) / f"jizhou-test-template-{run_id}.users"


def _users_add(run_id: str, change: int) -> int:
    path = _users_file(run_id)
    users = int(path.read_text() or 0) if path.exists() else 0
    users += change
    path.write_text(str(users))
    return users


def worker_database_set_up(*, run_id: str, worker: str, serialize: bool) -> str:
    """Point the default connection at this worker's copy of the run's migrated template (made if missing);
    returns the template's name, for the tear-down."""
    connection = connections["default"]
    template = template_name(run_id)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = template
    with _run_lock(run_id):
        if not _template_exists(template):
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        connection.close()
        connection.settings_dict["NAME"] = template
        if connection.vendor == "sqlite":
            _sqlite_copy_into_memory(template, worker)
        else:
            connection.creation.clone_test_db(suffix=worker, verbosity=0, autoclobber=True)
            connection.settings_dict["NAME"] = connection.creation.get_test_db_clone_settings(worker)["NAME"]
        _users_add(run_id, +1)
    if serialize:  # what a transactional test's serialized rollback puts back (tests/conftest.py)
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return template


def worker_database_tear_down(*, run_id: str, template: str) -> None:
    """Drop this worker's copy; the last worker out drops the template too (a worker that starts later would
    simply make it again)."""
    connection = connections["default"]
    copy = connection.settings_dict["NAME"]
    connection.close()
    with _run_lock(run_id):
        last = _users_add(run_id, -1) <= 0
        if connection.vendor == "sqlite":  # the copy is in memory: gone with the process
            for suffix in ("", "-wal", "-shm") if last else ():
                Path(template + suffix).unlink(missing_ok=True)
        else:
            with connection.creation._nodb_cursor() as cursor:
                for name in [copy, template] if last else [copy]:
                    cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
        if last:
            _users_file(run_id).unlink(missing_ok=True)
            _lock_file(run_id).unlink(missing_ok=True)


def _template_exists(template: str) -> bool:
    connection = connections["default"]
    if connection.vendor == "sqlite":
        return Path(template).exists()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        return cursor.fetchone() is not None


def _sqlite_copy_into_memory(template: str, worker: str) -> None:
    """As Django's own parallel runner does for SQLite: a shared-cache in-memory database per process, which
    Django never closes (so it lives as long as the process) and hands to live-server threads."""
    connection = connections["default"]
    connection.settings_dict["NAME"] = f"file:memorydb_default_{worker}?mode=memory&cache=shared"
    connection.ensure_connection()
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def run_id_for_this_run() -> str:
    """The controlling process names the run; the workers it starts inherit the name."""
    return os.environ.setdefault(RUN_ID_VARIABLE, f"{os.getpid()}")
