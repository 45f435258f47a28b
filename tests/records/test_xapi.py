"""xAPI: statements for registered/attended/completed/earned, opaque actor, deterministic ids; sent to a real
LRS (ralph-malph) which must accept each one and give it back unchanged; nothing lost while it is down."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from enrolment.services import enrolment_create
from records import xapi
from records.lrs import xapi_push
from records.models import LearnerKey, XapiStatement
from tests.records.conftest import lrs_statement

pytestmark = pytest.mark.django_db


def _same(sent: dict, stored: dict) -> None:
    """The LRS adds `stored`/`authority` and may normalise the timestamp's spelling; everything else is equal."""
    for key, value in sent.items():
        if key == "timestamp":
            assert datetime.datetime.fromisoformat(
                stored[key].replace("Z", "+00:00")
            ) == datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif key == "version":
            continue  # an LRS may answer in its own version
        else:
            assert stored[key] == value, key


def test_statements_for_each_event_with_an_opaque_actor(completed, learner):
    statements = {s.verb: s.statement for s in XapiStatement.objects.filter(learner=learner)}
    assert set(statements) == {"registered", "attended", "completed", "earned"}
    assert XapiStatement.objects.filter(learner=learner, verb="attended").count() == 3
    key = str(LearnerKey.objects.get(learner=learner).xapi_id)
    dump = json.dumps(list(XapiStatement.objects.values_list("statement", flat=True)), ensure_ascii=False)
    assert "13912345678" not in dump and "张三华" not in dump
    for verb, statement in statements.items():
        assert statement["actor"] == {
            "objectType": "Agent",
            "account": {"homePage": "https://learning.jizhou.example", "name": key},
        }
        assert statement["verb"]["id"] == xapi.VERBS[verb][0] and "zh-CN" in statement["verb"]["display"]
        assert "zh-CN" in statement["object"]["definition"]["name"]
    assert statements["completed"]["result"] == {"completion": True, "duration": "PT6H"}
    assert statements["attended"]["result"] == {"duration": "PT2H"}
    assert statements["registered"]["id"] == str(xapi.statement_id("registered", key, completed.pk))


def test_learner_downloads_their_statements(client, completed, learner):
    client.force_login(learner)
    response = client.get("/me/learning/xapi-statements.json")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert len(json.loads(response.content)) == 6
    assert client.get("/api/v1/me/record/statements").json()[0]["verb"]["id"].endswith("registered")


def test_every_statement_is_accepted_by_a_real_lrs_and_reads_back(use_lrs, completed, learner):
    # Sent by the on-commit task as each event happened (eager Celery here).
    rows = list(XapiStatement.objects.filter(learner=learner))
    assert len(rows) == 6
    assert all(row.pushed_at and not row.rejected_at for row in rows), [(r.verb, r.last_error) for r in rows]
    for row in rows:
        _same(row.statement, lrs_statement(use_lrs, str(row.id)))
    # Sending again is harmless: same ids, the LRS keeps one of each.
    XapiStatement.objects.update(pushed_at=None)
    assert xapi_push().sent == 6
    for row in rows:
        _same(row.statement, lrs_statement(use_lrs, str(row.id)))


def test_nothing_is_lost_while_the_lrs_is_down(settings, lrs, make_course, learner, django_capture_on_commit_callbacks):
    settings.XAPI_LRS_URL = "http://127.0.0.1:9/xAPI/"  # discard port: refused
    settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD = lrs["username"], lrs["password"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrolment = enrolment_create(learner=learner, course_class_id=make_course().pk)
    assert callbacks  # the push task was queued on commit, and failed quietly
    row = XapiStatement.objects.get(learner=learner, verb="registered")
    assert row.pushed_at is None and row.attempts >= 1 and row.last_error  # the request was not held up
    with pytest.raises(CommandError):
        call_command("xapi_push")
    assert XapiStatement.objects.get(pk=row.pk).pushed_at is None

    settings.XAPI_LRS_URL = lrs["url"]
    call_command("xapi_push")
    row.refresh_from_db()
    assert row.pushed_at is not None
    _same(row.statement, lrs_statement(lrs, str(row.id)))
    assert enrolment.pk


def test_a_statement_the_lrs_refuses_is_marked_not_retried(use_lrs, make_course, learner):
    enrolment_create(learner=learner, course_class_id=make_course().pk)
    good = XapiStatement.objects.get(learner=learner)
    bad = XapiStatement.objects.create(
        id=xapi.statement_id("test", "broken"), learner=learner, verb="registered", statement={"id": "not-a-uuid"}
    )
    result = xapi_push()
    bad.refresh_from_db()
    assert result.rejected == 1 and bad.rejected_at and bad.pushed_at is None
    assert XapiStatement.objects.get(pk=good.pk).pushed_at is not None
    assert xapi_push().sent == 0  # the refused one is not sent again


def test_xapi_push_without_an_lrs_says_so():
    with pytest.raises(CommandError, match="XAPI_LRS_URL"):
        call_command("xapi_push")


def test_beat_task_sends_what_is_pending(settings, lrs, make_course, learner):
    from records.tasks import xapi_push_pending

    enrolment_create(learner=learner, course_class_id=make_course().pk)  # no LRS configured: kept, not sent
    assert XapiStatement.objects.filter(pushed_at__isnull=True).count() == 1
    settings.XAPI_LRS_URL = "http://127.0.0.1:9/xAPI/"
    assert xapi_push_pending.apply().get() == 0  # down: the eager task gives up quietly, nothing lost
    settings.XAPI_LRS_URL = lrs["url"]
    settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD = lrs["username"], lrs["password"]
    assert xapi_push_pending.apply().get() == 1
    assert not XapiStatement.objects.filter(pushed_at__isnull=True).exists()


def test_wrong_lrs_password_keeps_statements_pending(settings, lrs, make_course, learner):
    enrolment_create(learner=learner, course_class_id=make_course().pk)
    settings.XAPI_LRS_URL, settings.XAPI_LRS_USERNAME, settings.XAPI_LRS_PASSWORD = lrs["url"], lrs["username"], "x"
    with pytest.raises(CommandError, match="HTTP 401"):
        call_command("xapi_push")
    row = XapiStatement.objects.get()
    assert row.pushed_at is None and row.rejected_at is None and row.last_error == "HTTP 401"
