"""GET /health: each part the site depends on, checked with short timeouts, as JSON.

For monitoring and alerts (docs/deployment.md, "When a part fails"). The answer is 200 while the site can take
and keep residents' work — database, cache, broker and search engine (those configured) answer — and 503
otherwise. The learning record store and the SMS gateway are reported but do not fail it: their work waits in
an outbox and is sent when they are back. Nothing secret is shown: no URL, host, user or password, only whether
each part answered and the type of error if it did not.

Anyone may ask (a load balancer, a monitor) without a session. The checks run at most once every few seconds
per process; other requests in that time get the same answer, so asking often costs the dependencies nothing.
"""

import threading
import time
import uuid
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

from enrolment.selectors import promotions_unsent
from records.models import XapiStatement
from records.selectors import certificates_without_pdf
from search.selectors import search_engine_status

# Seconds any single check may take.
CHECK_TIMEOUT = 1.5
# Seconds an answer is reused for the next requests.
ANSWER_SECONDS = 5
# Parts whose failure makes the answer 503. The search server is not one: the database engine answers searches
# while it is away (search.selectors.search_engine_status says which engine answers).
ESSENTIAL = ("database", "cache", "broker")

_lock = threading.Lock()
_last: tuple[float, dict, int] | None = None


def _failed(error: BaseException) -> dict:
    return {"ok": False, "error": type(error).__name__}


def _database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return _failed(error)
    return {"ok": True, "vendor": connection.vendor}


def _cache() -> dict:
    # A Redis that is down is reported by django-redis as a miss (the site degrades); a value written and read
    # back tells whether the cache really holds anything.
    key, token = "health:probe", uuid.uuid4().hex
    try:
        cache.set(key, token, timeout=30)
        ok = cache.get(key) == token
    except Exception as error:  # noqa: BLE001 — whatever the backend raises, the answer is "not working"
        return _failed(error)
    return {"ok": ok, "shared": "redis" in settings.CACHES["default"]["BACKEND"].lower()}


def _broker() -> dict:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "configured": False}  # tasks run in-process
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT) as broker:
            broker.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT)
    except Exception as error:  # noqa: BLE001 — kombu and its transports raise several kinds
        return {**_failed(error), "configured": True}
    return {"ok": True, "configured": True}


def _http(url: str) -> dict:
    try:
        response = requests.get(url, timeout=(CHECK_TIMEOUT, CHECK_TIMEOUT))
    except requests.RequestException as error:
        return {**_failed(error), "configured": True}
    if response.status_code >= 500:
        return {"ok": False, "configured": True, "error": f"HTTP {response.status_code}"}
    return {"ok": True, "configured": True}


def _search() -> dict:
    # Whether the search server (when configured) answers and has its index; the database engine answers otherwise.
    return search_engine_status()


def _lrs() -> dict:
    if not settings.XAPI_LRS_URL:
        return {"ok": True, "configured": False}
    # The xAPI "about" resource needs no credentials.
    return _http(urljoin(settings.XAPI_LRS_URL.rstrip("/") + "/", "about"))


def _sms() -> dict:
    backend = settings.SMS_BACKEND.rsplit(".", 1)[-1]
    gateway = backend == "HttpSmsGateway"
    # The gateway is not contacted (a test message costs money); only whether it is configured.
    return {"ok": bool(settings.SMS_GATEWAY_URL) if gateway else True, "backend": backend}


def _outbox() -> dict:
    """Work waiting for a part to come back (texts, certificate PDFs, xAPI statements)."""
    try:
        return {
            "promotion_texts": promotions_unsent().count(),
            "certificate_pdfs": certificates_without_pdf().count(),
            "xapi_statements": XapiStatement.objects.filter(pushed_at__isnull=True, rejected_at__isnull=True).count(),
        }
    except DatabaseError:
        return {}


def _report() -> tuple[dict, int]:
    checks = {
        "database": _database(),
        "cache": _cache(),
        "broker": _broker(),
        "search": _search(),
        "lrs": _lrs(),
        "sms": _sms(),
    }
    healthy = all(checks[name]["ok"] for name in ESSENTIAL)
    degraded = not all(check["ok"] for check in checks.values())
    status = "ok" if not degraded else ("degraded" if healthy else "unavailable")
    body = {"status": status, "checks": checks}
    if checks["database"]["ok"]:
        body["outbox"] = _outbox()
    return body, 200 if healthy else 503


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    global _last
    with _lock:
        now = time.monotonic()
        if _last is None or now - _last[0] >= ANSWER_SECONDS:
            body, status = _report()
            _last = (now, body, status)
        _at, body, status = _last
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
