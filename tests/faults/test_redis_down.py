"""Redis (the shared cache) stops in the middle of enrolment day: residents still log in and enrol.

The cache is the production one (django-redis on a throwaway Redis); it is used first, then the server is
stopped, so the site holds pooled connections to a Redis that is gone. Every answer must be a real one — the
page, the success message, or a clear "try again" — never a server error, and nothing is left half done.
"""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from enrolment.models import Enrolment

# Real commits: the work is queued after commit, as in production (a rolled-back test transaction never commits).
pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture
def client_500s_visible():
    # A server error must reach the test as a status code (as a resident's phone would get it), not an exception.
    return Client(raise_request_exception=False)


@pytest.fixture
def redis_gone(redis_cache):
    cache.set("warm", "pooled connection")  # the pool now holds a live connection
    assert cache.get("warm") == "pooled connection"
    redis_cache.stop()
    yield redis_cache
    redis_cache.start()


def _no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:2000]


def test_a_resident_enrols_on_the_site_while_redis_is_down(redis_gone, client_500s_visible, klass, learner):
    client = client_500s_visible
    client.force_login(learner)
    course_page = client.get(klass.course.url)
    _no_server_error(course_page)
    response = client.post(f"/classes/{klass.pk}/enrol/", follow=True)
    _no_server_error(response)
    assert "报名成功" in response.content.decode()
    assert Enrolment.objects.filter(learner=learner, course_class=klass, status="enrolled").count() == 1
    klass.refresh_from_db()
    assert klass.seats_taken == 1


def test_anonymous_pages_are_served_while_redis_is_down(redis_gone, client_500s_visible, klass):
    for url in ("/", klass.course.url):
        response = client_500s_visible.get(url)
        assert response.status_code == 200, url


def test_log_in_and_enrol_over_the_api_while_redis_is_down(redis_gone, client_500s_visible, klass, learner):
    client = client_500s_visible
    credentials = json.dumps({"phone": learner.phone, "password": PASSWORD})
    token = client.post("/api/v1/auth/token", credentials, content_type="application/json")
    _no_server_error(token)
    assert token.status_code == 201, token.content  # login limits count failures: a right password goes through
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token.json()['token']}"}
    enrolled = client.post(f"/api/v1/classes/{klass.pk}/enrolments", **auth)
    assert enrolled.status_code == 201, enrolled.content
    assert enrolled.json()["status"] == "enrolled"
    mine = client.get("/api/v1/me/enrolments", **auth)
    assert [e["class_id"] for e in mine.json()] == [klass.pk]


def test_log_in_on_the_site_while_redis_is_down(redis_gone, client_500s_visible, learner):
    client = client_500s_visible
    wrong = client.post("/accounts/login/", {"username": learner.phone, "password": "not-my-password"})
    _no_server_error(wrong)
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    right = client.post("/accounts/login/", {"username": learner.phone, "password": PASSWORD})
    _no_server_error(right)
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(learner.pk)


def test_the_cache_works_again_when_redis_is_back(redis_cache, client_500s_visible, klass, learner):
    redis_cache.stop()
    assert cache.get("anything") is None  # a miss, not an error
    redis_cache.start()
    cache.set("back", 1)
    assert cache.get("back") == 1
