"""Fixtures for learning records: a live course with meetings, a resident who attends and completes it,
centre staff, and a real learning record store (ralph-malph, started from .venv-lrs) for the xAPI tests.
"""

import contextlib
import datetime
import os
import shutil
import socket
import subprocess
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts import sms
from accounts.roles import CENTRE_STAFF
from courses.enrolment_services import attendance_roll_call, enrolment_complete, enrolment_create
from courses.models import Category, Meeting
from tests.factories import UserFactory, course_class, course_page

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


@pytest.fixture
def centre(db):
    return UserFactory(display_name="指导中心刘敏", groups=[Group.objects.get(name=CENTRE_STAFF)])


@pytest.fixture
def learner(db):
    return UserFactory(display_name="张三华", phone="13912345678")


@pytest.fixture
def make_course(tree):
    """A live course under school A with one class and `meetings` meetings of 2 hours each."""

    def build(*, title="梨树冬季修剪技术", category="农业技术", meetings=3, hours=Decimal("2"), **course_fields):
        course = course_page(
            tree["school_a"],
            title=title,
            category=Category.objects.get_or_create(name=category)[0],
            classes=[course_class(label="冬季班")],
            **course_fields,
        )
        klass = course.classes.get()
        start = timezone.now().replace(month=3, day=2, hour=9, minute=0, second=0, microsecond=0)
        for i in range(meetings):
            Meeting.objects.create(course_class=klass, starts_at=start + datetime.timedelta(days=7 * i), hours=hours)
        return klass

    return build


@pytest.fixture
def attend():
    """Mark `enrolment` present at the first `n` meetings of its class (teacher's roll call)."""

    def run(enrolment, *, by, n=None):
        meetings = list(enrolment.course_class.meetings.order_by("starts_at"))
        for meeting in meetings[: n if n is not None else len(meetings)]:
            present = set(meeting.attendances.values_list("enrolment_id", flat=True)) | {enrolment.pk}
            attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids=present, by=by)
        enrolment.refresh_from_db()
        return enrolment

    return run


@pytest.fixture
def completed(make_course, learner, staff_a, attend, django_capture_on_commit_callbacks):
    """The learner enrolled, attended all 3 meetings (6 hours) and was marked complete; tasks have run."""
    klass = make_course()
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_create(learner=learner, course_class_id=klass.pk)
        attend(enrolment, by=staff_a)
        enrolment = enrolment_complete(enrolment_id=enrolment.pk, by=staff_a)
    enrolment.refresh_from_db()
    return enrolment


# --- A real learning record store ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port = port or _free_port()
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
