"""The SMS gateway and the learning record store (LRS) fail: they answer 500, or take the request and hang.

Real HTTP servers on loopback stand for them. The resident's action succeeds (or, for a code they wait for, a
clear "try again" within seconds); the text or statement stays owed, is sent when the part is back, and is not
sent twice: texts carry an idempotency key, statements a deterministic id.
"""

import time

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.sms import HttpSmsGateway
from enrolment.models import Enrolment
from records.models import XapiStatement

# Real commits: the work is queued after commit, as in production (a rolled-back test transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)

# A hung part holds the request this long; the site must give up well before (it waits 0.5 s here).
HANGS = 20
ANSWERED_WITHIN = HANGS / 2


@pytest.fixture
def gateway(settings, fake_service, monkeypatch):
    settings.SMS_BACKEND = "accounts.sms.HttpSmsGateway"
    settings.SMS_GATEWAY_URL, settings.SMS_GATEWAY_KEY = fake_service.url + "send", "gateway-key"
    monkeypatch.setattr(HttpSmsGateway, "read_timeout", 0.5)  # production waits 5 s; the behaviour is the same
    fake_service.hang_seconds = HANGS
    return fake_service


@pytest.fixture
def lrs(settings, fake_service):
    settings.XAPI_LRS_URL = fake_service.url
    settings.XAPI_LRS_TIMEOUT = 0.5
    fake_service.hang_seconds = HANGS
    return fake_service


def _site(user=None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _quiet_sweep() -> None:
    with open("/dev/null", "w") as out:
        call_command("outbox_dispatch", stdout=out)


def test_a_code_request_answers_within_seconds_when_the_gateway_hangs(gateway, learner):
    gateway.mode = "hang"
    started = time.monotonic()
    answer = _site().post("/accounts/login/sms/", {"action": "send_code", "phone": learner.phone})
    assert time.monotonic() - started < ANSWERED_WITHIN
    assert answer.status_code < 500
    assert "稍后" in answer.content.decode()  # 短信发送失败，请稍后再试
    assert len(gateway.received) == 1


def test_a_promotion_text_owed_during_a_gateway_outage_is_sent_later_once(gateway, make_class, residents):
    klass = make_class(capacity=1)
    first, second = residents(2)
    for person in (first, second):
        _site(person).post(f"/classes/{klass.pk}/enrol/")
    held = Enrolment.objects.get(learner=first)

    gateway.mode = "hang"
    started = time.monotonic()
    answer = _site(first).post(f"/me/enrolments/{held.pk}/cancel/", follow=True)
    assert time.monotonic() - started < ANSWERED_WITHIN
    assert "已取消报名" in answer.content.decode()
    promoted = Enrolment.objects.get(learner=second)
    assert promoted.status == "enrolled" and promoted.promotion_sms_sent_at is None  # owed, not lost

    gateway.mode = "fail"
    _quiet_sweep()
    promoted.refresh_from_db()
    assert promoted.promotion_sms_sent_at is None

    gateway.mode = "ok"
    _quiet_sweep()
    _quiet_sweep()
    delivered = gateway.answered(200)
    assert [r["body"]["phone"] for r in delivered] == [second.phone]
    assert "转为正式报名" in delivered[0]["body"]["content"]
    promoted.refresh_from_db()
    assert promoted.promotion_sms_sent_at is not None
    # Every try named the same message, so a gateway that took the hung one can drop the repeat.
    assert {r["headers"]["Idempotency-Key"] for r in gateway.received} == {f"enrolment-promotion:{promoted.pk}"}
    assert len(gateway.received) == 3


def test_statements_owed_while_the_lrs_fails_or_hangs_are_pushed_later_once(lrs, make_class, residents):
    klass = make_class(capacity=5)
    failing, hanging = residents(2)

    lrs.mode = "fail"
    answer = _site(failing).post(f"/classes/{klass.pk}/enrol/", follow=True)
    assert "报名成功" in answer.content.decode()
    statement = XapiStatement.objects.get(learner=failing)
    assert statement.pushed_at is None and statement.attempts == 1 and statement.last_error == "HTTP 500"

    lrs.mode = "hang"
    started = time.monotonic()
    answer = _site(hanging).post(f"/classes/{klass.pk}/enrol/", follow=True)
    assert time.monotonic() - started < ANSWERED_WITHIN
    assert "报名成功" in answer.content.decode()
    assert XapiStatement.objects.get(learner=hanging).pushed_at is None

    lrs.mode = "ok"
    _quiet_sweep()
    _quiet_sweep()
    assert XapiStatement.objects.filter(pushed_at__isnull=True).count() == 0
    stored = [s for r in lrs.answered(200) for s in r["body"]]
    owed = XapiStatement.objects.values_list("pk", flat=True)
    assert sorted(s["id"] for s in stored) == sorted(str(pk) for pk in owed)
    # The one the hung store may have kept is sent again with the same id and content: the store keeps one.
    hung = [s for r in lrs.received if r["status"] == 0 for s in r["body"]]
    assert hung and all(s in stored for s in hung)
