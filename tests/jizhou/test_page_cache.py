"""The anonymous page cache (jizhou/page_cache.py): shared where safe, never personal, never stale after a change."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from enrolment.services import enrolment_create
from jizhou.page_cache import HIT_HEADER
from jizhou.preferences import ELDER_COOKIE

pytestmark = pytest.mark.usefixtures("page_layer_on")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def get(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return response, response.content.decode()


def test_anonymous_second_visit_is_served_from_the_cache(client, course):
    first, _ = get(client, course)
    assert first[HIT_HEADER] == "miss"
    # Changed behind Wagtail's back (no publish): only a page served from the cache still shows the old title.
    Page.objects.filter(pk=course.pk).update(title="未发布的新标题")
    second, html = get(Client(), course)
    assert second[HIT_HEADER] == "hit"
    assert course.title in html and "未发布的新标题" not in html


def test_language_and_elder_mode_get_their_own_pages(client, course):
    get(client, course)
    elder = Client()
    elder.cookies[ELDER_COOKIE] = "1"
    response, html = get(elder, course)
    assert response[HIT_HEADER] == "miss"
    assert 'class="elder' in html
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response, html = get(english, course)
    assert response[HIT_HEADER] == "miss"
    assert '<html lang="en"' in html
    response, html = get(Client(), course)
    assert response[HIT_HEADER] == "hit"
    assert '<html lang="zh-CN"' in html and 'class="elder' not in html


def test_a_cached_page_carries_each_visitors_own_csrf_token(course):
    first = Client(enforce_csrf_checks=True)
    _, first_html = get(first, course)
    second = Client(enforce_csrf_checks=True)
    response, second_html = get(second, course)
    assert response[HIT_HEADER] == "hit"
    first_tokens, second_tokens = set(TOKEN.findall(first_html)), set(TOKEN.findall(second_html))
    assert second_tokens and not first_tokens & second_tokens
    # The token in the cached page works for its visitor's own cookie: the 长辈版 switch is accepted.
    answer = second.post(
        reverse("elder_mode"),
        {"elder_mode": "1", "next": course.url, "csrfmiddlewaretoken": second_tokens.pop()},
    )
    assert answer.status_code == 302


def test_logged_in_resident_is_never_served_or_stored(client, course, learner):
    get(Client(), course)  # an anonymous page in the cache
    client.force_login(learner)
    response, html = get(client, course)
    assert HIT_HEADER not in response
    assert "我的报名" in html and "登录</a>" not in html
    # The resident's page was not stored either: the next anonymous visitor sees the anonymous page.
    Client().get("/")
    response, html = get(Client(), course)
    assert response[HIT_HEADER] == "hit"
    assert "我的报名" not in html and learner.display_name not in html


def test_publishing_clears_the_cache(client, course, django_capture_on_commit_callbacks):
    get(client, course)
    with django_capture_on_commit_callbacks(execute=True):
        course.title = "梨树夏季管理"
        course.save_revision().publish()
    response, html = get(Client(), course)
    assert response[HIT_HEADER] == "miss" and "梨树夏季管理" in html


def test_unpublishing_clears_the_cache(client, course, django_capture_on_commit_callbacks):
    url = course.url
    get(client, course)
    with django_capture_on_commit_callbacks(execute=True):
        course.unpublish()
    assert Client().get(url).status_code == 404


def test_an_enrolment_changes_the_seat_count_shown(client, course, learner, django_capture_on_commit_callbacks):
    _, html = get(client, course)
    assert "共 3 人，余 3 个" in html
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(learner=learner, course_class_id=course.classes.get().pk)
    _, html = get(Client(), course)
    assert "共 3 人，余 2 个" in html


def test_an_enrolment_leaves_other_pages_cached(client, course, learner, tree, django_capture_on_commit_callbacks):
    """Seats change one course page at once; the home page (a listing) stays cached for its short lifetime."""
    get(client, tree["home"])
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(learner=learner, course_class_id=course.classes.get().pk)
    response, _html = get(Client(), tree["home"])
    assert response[HIT_HEADER] == "hit"
