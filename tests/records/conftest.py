"""Fixtures for learning records: a live course with meetings, a resident who attends and completes it,
centre staff, and a real learning record store (ralph-malph, started from .venv-lrs) for the xAPI tests.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from accounts import sms
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
RALPH = ROOT / ".venv-lrs" / "bin" / "ralph"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    settings.VAR_DIR = tmp_path  # private files (evidence, certificate PDFs) under the test's own folder
    settings.XAPI_LRS_URL = ""
    settings.XAPI_HOME_PAGE = "https://learning.jizhou.example"
    sms.outbox.clear()
    from django.core.cache import cache

    cache.clear()
    yield


# --- A real learning record store ---------------------------------------------------------------


@contextlib.contextmanager
def running_lrs(port: int | None = None, password: str | None = None):
    """ralph-malph's LRS with the file-system backend on 127.0.0.1:`port` (a free one by default)."""
    if not RALPH.exists():
        pytest.fail(f"The LRS (ralph-malph) is not installed at {RALPH}: run `make install`.")
    workdir = Path(tempfile.mkdtemp(prefix="jizhou-lrs-"))
    username, password = "jizhou-test", password or "lrs-test-password-" + os.urandom(6).hex()
    env = {
        **os.environ,
        "RALPH_APP_DIR": str(workdir / "app"),
        "RALPH_AUTH_FILE": str(workdir / "auth.json"),
    }
    subprocess.run(
        [str(RALPH), "auth", "-u", username, "-p", password, "-s", "all", "-w",
         "-A", username, "https://learning.jizhou.example"],
        env=env, cwd=workdir, check=True, capture_output=True,
    )  # fmt: skip
    port = port or free_port()
    log = open(workdir / "server.log", "wb")  # noqa: SIM115 — closed at teardown
    (workdir / "data").mkdir(exist_ok=True)
    # ralph's own app and fs backend, started as `ralph runserver -b fs` does (see lrs_server.py for why not
    # through that command: its reloader, and a fix for its fs backend refusing every write after the first).
    process = subprocess.Popen(
        [str(RALPH.parent / "python"), str(Path(__file__).parent / "lrs_server.py"), "127.0.0.1", str(port),
         str(workdir / "data")],
        env=env, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/whoami", auth=(username, password), timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"The LRS did not start: {(workdir / 'server.log').read_text()[-2000:]}")
            time.sleep(0.3)
        yield {"url": f"http://127.0.0.1:{port}/xAPI/", "username": username, "password": password}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)  # the LRS process group we started, nothing else
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def lrs():
    """One LRS for the whole session."""
    with running_lrs() as info:
        yield info


@pytest.fixture
def use_lrs(settings, lrs):
    settings.XAPI_LRS_URL = lrs["url"]
    settings.XAPI_LRS_USERNAME = lrs["username"]
    settings.XAPI_LRS_PASSWORD = lrs["password"]
    return lrs


def lrs_statement(lrs, statement_id: str) -> dict:
    """One statement read back from the LRS by id. (The spec answers with the statement itself; ralph 5.1
    wraps it in a StatementResult, {"statements": [it]}: both are accepted, exactly one statement required.)"""
    response = lrs_get(lrs, statement_id)
    assert response.status_code == 200, response.text
    body = response.json()
    if "statements" in body:
        assert len(body["statements"]) == 1, body
        body = body["statements"][0]
    assert body["id"] == statement_id
    return body


def lrs_get(lrs, statement_id: str) -> requests.Response:
    return requests.get(
        lrs["url"] + "statements",
        params={"statementId": statement_id},
        auth=(lrs["username"], lrs["password"]),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )
