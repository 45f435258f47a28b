"""A page cache hit is answered before the rest of the middleware (jizhou/page_cache.py): it must look exactly like
the page the full stack gives, per visitor, and never outlive a change by more than the in-process layer's
short trust (PAGE_CACHE_LOCAL_SECONDS)."""

import gzip
import re
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import Page

from jizhou.page_cache import GENERATION_KEY, HIT_HEADER, recent_pages

pytestmark = pytest.mark.usefixtures("page_layer_on")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

# The headers a hit and the full stack may differ in (cookies aside): gzip pads each answer with random bytes
# (GZipMiddleware's guard against BREACH), so its length varies; it is checked against the body instead.
PER_VISITOR = {HIT_HEADER, "Content-Length"}


def headers(response) -> dict:
    return {name: value for name, value in response.items() if name not in PER_VISITOR}


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.parametrize("accept_encoding", ["", "gzip, deflate"])
def test_a_hit_has_the_headers_and_body_of_an_uncached_page(settings, course, accept_encoding):
    settings.PAGE_CACHE_SECONDS = 0
    uncached = Client().get(course.url, HTTP_ACCEPT_ENCODING=accept_encoding)
    settings.PAGE_CACHE_SECONDS = 300
    miss = Client().get(course.url, HTTP_ACCEPT_ENCODING=accept_encoding)
    hit = Client().get(course.url, HTTP_ACCEPT_ENCODING=accept_encoding)
    assert HIT_HEADER not in uncached and miss[HIT_HEADER] == "miss" and hit[HIT_HEADER] == "hit"
    assert headers(hit) == headers(uncached) == headers(miss)
    assert "Content-Security-Policy" in hit and "Permissions-Policy" in hit and "Cookie" in hit["Vary"]
    assert (hit.get("Content-Encoding") == "gzip") == bool(accept_encoding)
    assert int(hit["Content-Length"]) == len(hit.content)
    # A first-time visitor gets their CSRF cookie, made as the full stack makes it.
    cookie, uncached_cookie = hit.cookies[settings.CSRF_COOKIE_NAME], uncached.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value != uncached_cookie.value
    assert {k: v for k, v in cookie.items() if k != "expires"} == {
        k: v for k, v in uncached_cookie.items() if k != "expires"
    }
    bodies = [r.content for r in (uncached, hit)]
    if accept_encoding:
        bodies = [gzip.decompress(body) for body in bodies]
    assert without_tokens(bodies[0].decode()) == without_tokens(bodies[1].decode())


def test_a_visitor_with_a_csrf_cookie_keeps_it_and_the_token_works(course):
    Client().get(course.url)
    visitor = Client(enforce_csrf_checks=True)
    visitor.get("/")  # sets the CSRF cookie (the home page, not the cached course page)
    secret = visitor.cookies[settings.CSRF_COOKIE_NAME].value
    hit = visitor.get(course.url)
    assert hit[HIT_HEADER] == "hit"
    assert hit.cookies[settings.CSRF_COOKIE_NAME].value == secret  # renewed, as Django does, not replaced
    token = TOKEN.search(hit.content.decode()).group(1)
    answer = visitor.post(reverse("elder_mode"), {"elder_mode": "1", "next": course.url, "csrfmiddlewaretoken": token})
    assert answer.status_code == 302


def test_head_is_answered_from_the_cache(course):
    Client().get(course.url)
    head = Client().head(course.url)
    assert head.status_code == 200 and head[HIT_HEADER] == "hit" and head.content == b""
    assert int(head["Content-Length"]) > 1000


def test_a_host_not_allowed_is_refused_even_when_the_page_is_cached(course):
    Client().get(course.url)
    assert Client().get(course.url, HTTP_HOST="evil.example").status_code == 400


@pytest.mark.parametrize(
    "credentials",
    [{"HTTP_AUTHORIZATION": "Bearer anything"}, {"HTTP_COOKIE": "messages=x"}],
    ids=["authorization header", "messages cookie"],
)
def test_a_visitor_who_may_be_someone_is_not_served_from_the_cache(course, credentials):
    Client().get(course.url)
    response = Client().get(course.url, **credentials)
    assert response.status_code == 200 and HIT_HEADER not in response


def test_a_signed_in_resident_never_gets_the_cached_page(client, course, learner):
    Client().get(course.url)
    recent_pages.clear()
    Client().get(course.url)  # in the shared cache and in this process's layer
    client.force_login(learner)
    response = client.get(course.url)
    assert HIT_HEADER not in response
    assert "我的报名" in response.content.decode()


def test_only_wagtail_pages_are_looked_up(learner):
    """Static files, the API and other views pass straight through (no cache lookup, no cache header)."""
    for path in ("/api/v1/openapi.json", reverse("elder_mode"), "/health"):
        assert HIT_HEADER not in Client().get(path)


def test_a_change_in_this_process_shows_at_once(course, django_capture_on_commit_callbacks):
    Client().get(course.url)
    assert Client().get(course.url)[HIT_HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        course.title = "梨树夏季管理"
        course.save_revision().publish()
    response = Client().get(course.url)
    assert response[HIT_HEADER] == "miss" and "梨树夏季管理" in response.content.decode()


def test_a_change_made_by_another_process_shows_within_the_local_trust(settings, course):
    """Another worker's publish reaches this process through the shared cache's generation, at most
    PAGE_CACHE_LOCAL_SECONDS later."""
    settings.PAGE_CACHE_LOCAL_SECONDS = 0.3
    checked = time.monotonic()
    Client().get(course.url)  # stored, and trusted in this process for 0.3 s
    Page.objects.filter(pk=course.pk).update(title="另一个进程发布的标题")
    cache.set(GENERATION_KEY, "published-elsewhere", timeout=None)  # what page_cache_clear() does there
    response = Client().get(course.url)
    if time.monotonic() - checked < 0.3:  # not a slow machine's pause: still inside the trust window
        assert response[HIT_HEADER] == "hit" and "另一个进程发布的标题" not in response.content.decode()
    time.sleep(0.35)
    assert "另一个进程发布的标题" in Client().get(course.url).content.decode()


def test_the_local_layer_can_be_turned_off(settings, course):
    settings.PAGE_CACHE_LOCAL_SECONDS = 0
    Client().get(course.url)
    Page.objects.filter(pk=course.pk).update(title="另一个进程发布的标题")
    cache.set(GENERATION_KEY, "published-elsewhere", timeout=None)
    response = Client().get(course.url)
    assert response[HIT_HEADER] == "miss" and "另一个进程发布的标题" in response.content.decode()
