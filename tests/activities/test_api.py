"""/api/v1/events/: list with filters, detail, sign-up and cancel through the same services, errors in shape."""

import pytest

from activities.models import EventSignup
from tests.enrolment.test_api import PASSWORD, assert_refusal, bearer, token_for
from tests.factories import TownFactory, UserFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def resident(db):
    return UserFactory(password=PASSWORD)


def test_list_filters_and_detail(client, make_event):
    town = TownFactory(name="官庄镇")
    lecture = make_event(title="防电信诈骗讲座", kind="lecture", capacity=3, venue=VenueFactory(town=town))
    make_event(title="非遗剪纸展演", kind="performance")
    body = client.get("/api/v1/events/", {"town": town.pk}).json()
    assert body["count"] == 1 and body["items"][0]["title"] == "防电信诈骗讲座"
    assert body["items"][0]["town"] == "官庄镇" and body["items"][0]["seats_left"] == 3
    assert [e["title"] for e in client.get("/api/v1/events/", {"kind": "performance"}).json()["items"]] == [
        "非遗剪纸展演"
    ]
    detail = client.get(f"/api/v1/events/{lecture.pk}").json()
    assert detail["signup_needed"] is True and detail["url"].endswith("/")
    assert_refusal(client.get("/api/v1/events/999999"), 404, "not_found")
    assert client.get("/api/v1/events/", {"kind": "party"}).status_code == 422
    assert client.get("/api/v1/events/", {"limit": 1000}).status_code == 422


def test_signup_and_cancel_with_a_token(client, make_event, resident):
    event = make_event(capacity=1)
    token = token_for(client, resident)
    assert_refusal(client.post(f"/api/v1/events/{event.pk}/signups"), 401, "unauthenticated")
    created = client.post(f"/api/v1/events/{event.pk}/signups", **bearer(token))
    assert created.status_code == 201 and created.json()["status"] == "signed_up"
    assert_refusal(client.post(f"/api/v1/events/{event.pk}/signups", **bearer(token)), 409, "duplicate")
    mine = client.get("/api/v1/me/event-signups", **bearer(token)).json()
    assert [m["event_id"] for m in mine] == [event.pk]
    cancelled = client.delete(f"/api/v1/events/signups/{created.json()['id']}", **bearer(token))
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert EventSignup.objects.get().status == "cancelled"


def test_someone_elses_signup_is_404_and_unchanged(client, make_event, resident):
    event = make_event(capacity=3)
    other = UserFactory()
    place = EventSignup.objects.create(event=event, resident=other, status="signed_up", arrival=1)
    token = token_for(client, resident)
    assert_refusal(client.delete(f"/api/v1/events/signups/{place.pk}", **bearer(token)), 404, "not_found")
    assert EventSignup.objects.get(pk=place.pk).status == "signed_up"


def test_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/events/", "/api/v1/events/{event_id}", "/api/v1/events/{event_id}/signups"} <= paths.keys()
