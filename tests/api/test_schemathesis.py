"""schemathesis fuzzes /api/v1/ from its own OpenAPI document, anonymously and with a resident's Bearer token.

Every operation gets a bounded number of generated requests (EXAMPLES; the whole file runs in well under a minute).
Checks: no 5xx, every status code is declared, and every body and content type matches its declared schema. The
site is called in-process through its WSGI application, in the test's database transaction.
"""

import contextlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from enrolment.services import enrolment_create
from jizhou.wsgi import application
from tests.factories import UserFactory

EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db, make_class, settings):
    settings.ELASTICSEARCH_URL = ""  # the database engine: no search server needed
    with connection_kept():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@contextlib.contextmanager
def connection_kept():
    """As Django's test client does around each request: the WSGI requests must not close the test's database
    connection (it holds the test's transaction). The test client reconnects the handler after each of its own
    requests, so this wraps every run of requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def resident_token(client, make_class):
    """A resident with an enrolment (so some ids exist) and an API token, made as a client makes one."""
    resident = UserFactory(display_name="居民张桂芝")
    enrolment_create(learner=resident, course_class_id=make_class(capacity=5).pk)
    response = client.post(
        "/api/v1/auth/token",
        {"phone": resident.phone, "password": "correct-horse-battery"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


bounded = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same requests on every run: a failure in CI is one a developer can replay
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    database=None,
)


def fuzz(schema, headers=None) -> list[str]:
    """Valid and invalid requests for every operation; the failures, one paragraph each (all reported at once).
    schemathesis's own pytest decorator cannot run under pytest 9, so each operation's strategy is run here."""
    # The in-process transport hands over bodies as sent; a real client would undo the site's gzip.
    headers = {"Accept-Encoding": "identity", **(headers or {})}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if _can_be_invalid(operation.definition.raw):
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:

            @given(case=operation.as_strategy(generation_mode=mode))
            @bounded
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                with connection_kept():
                    run()
            except Exception as failure:  # noqa: BLE001 — collected and reported below with the operation
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    return failures


def _can_be_invalid(definition: dict) -> bool:
    """Whether a request can break the declared rules: a body, or a parameter that is not free text (a text
    path parameter such as a certificate code can be anything, so no invalid one exists)."""
    parameters = definition.get("parameters", [])
    return "requestBody" in definition or any(p["schema"].get("type") != "string" for p in parameters)


def test_api_anonymous(api_schema):
    failures = fuzz(api_schema)
    assert not failures, "\n\n".join(failures)


def test_api_with_a_token(api_schema, resident_token, client):
    assert client.get("/api/v1/me/enrolments", HTTP_AUTHORIZATION=f"Bearer {resident_token}").status_code == 200
    failures = fuzz(api_schema, headers={"Authorization": f"Bearer {resident_token}"})
    assert not failures, "\n\n".join(failures)
