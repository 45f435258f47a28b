"""GET /health reports each part the site depends on, with real parts stopped and started under it."""

import pytest
from django.db import OperationalError
from django.test import Client

from jizhou import health
from jizhou.unavailable import server_error

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_answers(monkeypatch):
    monkeypatch.setattr(health, "_last", None)


def _health(client=None):
    return (client or Client()).get("/health")


def test_all_parts_answer(settings):
    response = _health()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "search", "lrs", "sms"}
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["broker"] == {"ok": True, "configured": False}  # tasks run in-process
    assert body["outbox"] == {"promotion_texts": 0, "certificate_pdfs": 0, "xapi_statements": 0}


def test_cache_and_broker_down_make_it_503_without_telling_secrets(settings, redis_cache, broker, monkeypatch):
    settings.CELERY_BROKER_URL = f"redis://:broker-s3cret@127.0.0.1:{broker.port}/0"
    settings.XAPI_LRS_URL = "http://lrs-user:lrs-s3cret@127.0.0.1:9/xapi/"  # nothing listens on port 9
    settings.SMS_BACKEND, settings.SMS_GATEWAY_URL = "accounts.sms.HttpSmsGateway", ""
    broker.stop()
    response = _health()
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["broker"]["ok"] is False and body["checks"]["broker"]["configured"] is True
    assert body["checks"]["lrs"]["ok"] is False
    assert body["checks"]["sms"] == {"ok": False, "backend": "HttpSmsGateway"}  # no gateway configured
    text = response.content.decode()
    for secret in ("s3cret", "lrs-user", "127.0.0.1", "redis://", "http://"):
        assert secret not in text

    broker.start()
    monkeypatch.setattr(health, "_last", None)
    settings.CELERY_BROKER_URL = broker.url(0)
    settings.XAPI_LRS_URL = ""
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    back = _health()
    assert back.status_code == 200 and back.json()["status"] == "ok", back.json()
    assert back.json()["checks"]["cache"] == {"ok": True, "shared": True}


def test_an_lrs_that_fails_is_reported_but_the_site_is_up(settings, fake_service):
    settings.XAPI_LRS_URL = fake_service.url
    fake_service.mode = "fail"
    response = _health()
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["lrs"] == {"ok": False, "configured": True, "error": "HTTP 500"}


def test_asking_often_costs_the_parts_nothing(settings, fake_service):
    settings.XAPI_LRS_URL = fake_service.url
    first = _health()
    fake_service.mode = "fail"
    second = _health()  # within a few seconds: the same answer, the LRS is not asked again
    assert first.json() == second.json()


def test_it_only_reads():
    assert Client().post("/health").status_code == 405
    assert Client().head("/health").status_code == 200


def test_a_lost_database_answers_try_again_not_an_error_page(rf):
    """What jizhou.unavailable answers while the database is gone (tests/faults/test_postgres_restart.py cuts a
    real one under gunicorn); any other error stays a 500."""
    for path, kind in (("/api/v1/me/enrolments", "application/json"), ("/courses/", "text/html")):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            response = server_error(rf.get(path))
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert response["Content-Type"].startswith(kind)
        assert "稍后重试" in response.content.decode() and "closed the connection" not in response.content.decode()
    try:
        raise ValueError("a bug")
    except ValueError:
        assert server_error(rf.get("/")).status_code == 500
