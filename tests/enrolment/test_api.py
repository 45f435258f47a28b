"""The enrolment API end to end through Django's test client: shapes, auth, refusals, bad input."""

import json

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from wagtail.models import APIToken

from courses.models import CourseClass
from enrolment.models import Enrolment
from enrolment.services import enrolment_create

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def token_for(client, user) -> str:
    response = client.post(
        "/api/v1/auth/token", {"phone": user.phone, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def assert_refusal(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"], body


def snapshot():
    return (
        list(Enrolment.objects.order_by("pk").values_list("pk", "status", "holds_seat")),
        list(CourseClass.objects.order_by("pk").values_list("pk", "seats_taken", "arrivals")),
    )


def test_token_stores_only_a_hash(client, residents):
    user = residents(1)[0]
    token = token_for(client, user)
    stored = APIToken.objects.get(user=user)
    assert token not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert client.get("/api/v1/me/enrolments", **bearer(token)).status_code == 200


def test_token_bad_password_and_bad_json(client, residents):
    user = residents(1)[0]
    r = client.post("/api/v1/auth/token", {"phone": user.phone, "password": "nope"}, content_type="application/json")
    assert_refusal(r, 401, "invalid_credentials")
    r = client.post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert r.status_code in (400, 422) and r.json()["code"] in ("invalid", "bad_request") and r.json()["detail"]
    r = client.post("/api/v1/auth/token", {"phone": 123, "password": ["x"]}, content_type="application/json")
    assert_refusal(r, 422, "invalid")
    r = client.post("/api/v1/auth/token", {"phone": "12", "password": "x"}, content_type="application/json")
    assert_refusal(r, 400, "invalid_phone")
    assert not APIToken.objects.exists()


def test_class_detail(client, klass, residents):
    for person in residents(5):
        enrolment_create(learner=person, course_class_id=klass.pk)
    body = client.get(f"/api/v1/classes/{klass.pk}").json()
    assert body["capacity"] == 3 and body["seats_left"] == 0 and body["waitlist_length"] == 2
    assert body["id"] == klass.pk and body["enrolment_open"] is True
    assert_refusal(client.get("/api/v1/classes/999999"), 404, "not_found")
    assert client.get("/api/v1/classes/abc").status_code == 422


def test_enrol_waitlist_cancel_and_list(client, klass, residents):
    people = residents(4)
    tokens = [token_for(client, p) for p in people]
    results = [client.post(f"/api/v1/classes/{klass.pk}/enrolments", **bearer(t)) for t in tokens]
    assert [r.status_code for r in results] == [201] * 4
    bodies = [r.json() for r in results]
    assert [b["status"] for b in bodies] == ["enrolled"] * 3 + ["waitlisted"]
    assert bodies[3]["waitlist_position"] == 1 and bodies[0]["waitlist_position"] is None
    assert set(bodies[0]) == {"id", "status", "waitlist_position"}

    assert_refusal(client.post(f"/api/v1/classes/{klass.pk}/enrolments", **bearer(tokens[0])), 409, "duplicate")

    r = client.delete(f"/api/v1/enrolments/{bodies[0]['id']}", **bearer(tokens[0]))
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    mine = client.get("/api/v1/me/enrolments", **bearer(tokens[3])).json()
    assert [(e["class_id"], e["status"]) for e in mine] == [(klass.pk, "enrolled")]


def test_unauthenticated_and_foreign_token(client, klass, residents):
    before = snapshot()
    assert_refusal(client.post(f"/api/v1/classes/{klass.pk}/enrolments"), 401, "unauthenticated")
    assert_refusal(
        client.post(f"/api/v1/classes/{klass.pk}/enrolments", **bearer("wagtail_forged")), 401, "unauthenticated"
    )
    assert_refusal(client.get("/api/v1/me/enrolments"), 401, "unauthenticated")
    assert snapshot() == before


def test_someone_elses_enrolment_and_token(client, klass, residents):
    owner, other = residents(2)
    owner_token, other_token = token_for(client, owner), token_for(client, other)
    enrolment_id = client.post(f"/api/v1/classes/{klass.pk}/enrolments", **bearer(owner_token)).json()["id"]
    before = snapshot()
    # The other person's token cannot cancel it; it looks as if it does not exist.
    assert_refusal(client.delete(f"/api/v1/enrolments/{enrolment_id}", **bearer(other_token)), 404, "not_found")
    assert_refusal(client.delete("/api/v1/enrolments/99999", **bearer(other_token)), 404, "not_found")
    assert client.delete("/api/v1/enrolments/nine", **bearer(other_token)).status_code == 422
    # Their own list does not show it.
    assert client.get("/api/v1/me/enrolments", **bearer(other_token)).json() == []
    # A revoked token is someone no more.
    APIToken.objects.get(user=owner).revoke()
    assert_refusal(client.delete(f"/api/v1/enrolments/{enrolment_id}", **bearer(owner_token)), 401, "unauthenticated")
    assert snapshot() == before


def test_complete_staff_of_that_school_only(client, klass, residents, staff_a, staff_b, present):
    learner = residents(1)[0]
    enrolment = enrolment_create(learner=learner, course_class_id=klass.pk)
    present(enrolment, by=staff_a)
    before = snapshot()
    for user in (staff_b, learner):
        token = token_for(client, user)
        # Someone else's enrolment answers exactly as an id that does not exist: ids cannot be probed.
        r = client.post(f"/api/v1/enrolments/{enrolment.pk}/complete", **bearer(token))
        assert_refusal(r, 404, "not_found")
        missing = client.post("/api/v1/enrolments/999999/complete", **bearer(token))
        assert missing.json() == r.json()
    assert snapshot() == before
    r = client.post(f"/api/v1/enrolments/{enrolment.pk}/complete", **bearer(token_for(client, staff_a)))
    assert r.status_code == 200 and r.json()["status"] == "completed"


def test_closed_and_ineligible_reasons(client, make_class, residents):
    started = make_class(starts_in_days=-2)
    old_only = make_class(course_fields={"min_age": 50})
    token = token_for(client, residents(1)[0])
    assert_refusal(client.post(f"/api/v1/classes/{started.pk}/enrolments", **bearer(token)), 409, "closed")
    r = client.post(f"/api/v1/classes/{old_only.pk}/enrolments", **bearer(token))
    assert_refusal(r, 403, "ineligible")
    assert "50" in r.json()["detail"]
    assert_refusal(client.post("/api/v1/classes/424242/enrolments", **bearer(token)), 404, "not_found")
    full = make_class(capacity=1, waitlist_limit=0)
    enrolment_create(learner=residents(1)[0], course_class_id=full.pk)
    assert_refusal(client.post(f"/api/v1/classes/{full.pk}/enrolments", **bearer(token)), 409, "full_no_waitlist")


def test_session_auth_needs_csrf_for_unsafe_methods(klass, residents):
    user = residents(1)[0]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/v1/me/enrolments").status_code == 200
    assert_refusal(browser.post(f"/api/v1/classes/{klass.pk}/enrolments"), 403, "csrf_failed")
    assert not Enrolment.objects.exists()
    csrf = _get_new_csrf_string()  # what the site's CSRF cookie holds once any form page was shown
    browser.cookies["csrftoken"] = csrf
    r = browser.post(f"/api/v1/classes/{klass.pk}/enrolments", HTTP_X_CSRFTOKEN=csrf)
    assert r.status_code == 201, r.content


def test_openapi_lists_the_endpoints(client):
    paths = json.loads(client.get("/api/v1/openapi.json").content)["paths"]
    for path in (
        "/api/v1/auth/token",
        "/api/v1/classes/{class_id}",
        "/api/v1/classes/{class_id}/enrolments",
        "/api/v1/enrolments/{enrolment_id}",
        "/api/v1/me/enrolments",
        "/api/v1/enrolments/{enrolment_id}/complete",
    ):
        assert path in paths, sorted(paths)


def test_staff_of_another_school_cannot_cancel(client, klass, residents, staff_b):
    enrolment = enrolment_create(learner=residents(1)[0], course_class_id=klass.pk)
    before = snapshot()
    r = client.delete(f"/api/v1/enrolments/{enrolment.pk}", **bearer(token_for(client, staff_b)))
    assert_refusal(r, 404, "not_found")
    assert snapshot() == before
