"""The lessons API end to end through Django's test client: lists, detail with renditions and captions, opening a
viewing and reporting progress with a token or the session, refusals in one shape, the OpenAPI document."""

import datetime
import json

import pytest
from django.test import Client

from media.models import LessonProgress, LessonViewing
from tests.factories import UserFactory
from tests.media.lessons import online_course, ready_media

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def course(tree):
    return online_course(tree["school_a"], lessons=3, duration=600.0)


@pytest.fixture
def resident(db):
    return UserFactory(password=PASSWORD)


def token_for(client, user) -> dict:
    response = client.post(
        "/api/v1/auth/token", {"phone": user.phone, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def assert_refusal(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"], body


def post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_lessons_of_a_course_in_page_order(client, course):
    course_page, lessons = course
    lessons[2].unpublish()
    body = client.get(f"/api/v1/courses/{course_page.pk}/lessons").json()
    assert [(row["number"], row["id"]) for row in body] == [(1, lessons[0].pk), (2, lessons[1].pk)]
    assert body[0]["available"] and body[0]["duration_seconds"] == 600 and body[0]["percent"] == 0
    assert_refusal(client.get("/api/v1/courses/99999/lessons"), 404, "not_found")


def test_lesson_detail_lists_renditions_360p_first_and_captions(client, course):
    _course, lessons = course
    body = client.get(f"/api/v1/lessons/{lessons[0].pk}").json()
    assert [s["kind"] for s in body["sources"]] == ["mp4_360", "mp4_540", "audio_64k"]
    assert body["sources"][0]["mime_type"] == "video/mp4" and body["sources"][0]["height"] == 360
    assert body["captions"] == [{"language": "zh-Hans", "label": "中文", "url": body["captions"][0]["url"]}]
    assert body["captions"][0]["url"].endswith(".vtt") and body["poster"]
    assert body["next_lesson_id"] == lessons[1].pk and body["available"] is True
    assert body["completion_percent"] == 90


def test_unpublished_and_unready_lessons(client, course):
    _course, lessons = course
    lessons[1].unpublish()
    assert_refusal(client.get(f"/api/v1/lessons/{lessons[1].pk}"), 404, "not_found")
    lessons[0].media = ready_media(kinds=())
    lessons[0].media.status = "processing"
    lessons[0].media.save()
    lessons[0].save_revision().publish()
    body = client.get(f"/api/v1/lessons/{lessons[0].pk}").json()
    assert body["available"] is False and body["sources"] == [] and body["captions"] == []


def test_watching_with_a_token(client, course, resident):
    _course, lessons = course
    auth = token_for(client, resident)
    opened = client.post(f"/api/v1/lessons/{lessons[0].pk}/viewings", **auth)
    assert opened.status_code == 201, opened.content
    viewing = opened.json()["id"]
    LessonViewing.objects.filter(pk=viewing).update(
        started_at=LessonViewing.objects.get(pk=viewing).started_at - datetime.timedelta(seconds=60)
    )
    report = post(
        client,
        f"/api/v1/lessons/{lessons[0].pk}/progress",
        {"viewing": viewing, "segments": [[0, 60]], "position": 60, "event": "pause"},
        **auth,
    )
    assert report.status_code == 200, report.content
    assert report.json() == {
        "unique_seconds": 60.0,
        "duration_seconds": 600.0,
        "percent": 10,
        "credited_seconds": 60.0,
        "position": 60.0,
        "completed": False,
        "course_completed": False,
    }
    # The lesson list and detail now show the learner's own progress and where to resume.
    assert client.get(f"/api/v1/lessons/{lessons[0].pk}", **auth).json()["resume_at"] == 60.0
    listed = client.get(f"/api/v1/courses/{_course.pk}/lessons", **auth).json()
    assert listed[0]["percent"] == 10


def test_watching_with_the_session_needs_the_csrf_token(course, resident):
    _course, lessons = course
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert_refusal(client.post(f"/api/v1/lessons/{lessons[0].pk}/viewings"), 403, "csrf_failed")
    client.get(lessons[0].url)  # the page sets the CSRF cookie, as for the player
    token = client.cookies["csrftoken"].value
    opened = client.post(f"/api/v1/lessons/{lessons[0].pk}/viewings", HTTP_X_CSRFTOKEN=token)
    assert opened.status_code == 201, opened.content
    assert not LessonViewing.objects.exclude(pk=opened.json()["id"]).exists()


def test_refusals_change_nothing(client, course, resident):
    _course, lessons = course
    url = f"/api/v1/lessons/{lessons[0].pk}/progress"
    # Not signed in.
    assert_refusal(post(client, url, {"viewing": "0" * 32, "segments": [], "position": 0}), 401, "unauthenticated")
    assert_refusal(client.post(f"/api/v1/lessons/{lessons[0].pk}/viewings"), 401, "unauthenticated")
    auth = token_for(client, resident)
    viewing = client.post(f"/api/v1/lessons/{lessons[0].pk}/viewings", **auth).json()["id"]
    # Forged segments.
    for segments in ([[-1, 5]], [[9, 5]], [[0, 1, 2]]):
        bad = post(client, url, {"viewing": viewing, "segments": segments, "position": 0}, **auth)
        assert bad.status_code in (400, 422), bad.content
    bad = client.post(
        url,
        f'{{"viewing": "{viewing}", "segments": [[0, Infinity]], "position": 0}}',
        content_type="application/json",
        **auth,
    )
    assert bad.status_code in (400, 422), bad.content
    assert_refusal(
        post(client, url, {"viewing": viewing, "segments": [], "position": 0, "event": "dance"}, **auth), 400, "invalid"
    )
    # Someone else's viewing, an unknown lesson, an unknown viewing.
    other = token_for(client, UserFactory(password=PASSWORD))
    assert_refusal(
        post(client, url, {"viewing": viewing, "segments": [[0, 5]], "position": 5}, **other), 404, "viewing_not_found"
    )
    assert_refusal(
        post(client, "/api/v1/lessons/99999/progress", {"viewing": viewing, "segments": [], "position": 0}, **auth),
        404,
        "not_found",
    )
    assert LessonProgress.objects.get(learner=resident).unique_seconds == 0
    assert LessonViewing.objects.get(pk=viewing).last_report_at is None


def test_openapi_documents_the_lesson_routes_with_their_refusals(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    progress = paths["/api/v1/lessons/{lesson_id}/progress"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(progress["responses"])
    assert "/api/v1/courses/{course_id}/lessons" in paths and "/api/v1/lessons/{lesson_id}" in paths
    assert "/api/v1/lessons/{lesson_id}/viewings" in paths
