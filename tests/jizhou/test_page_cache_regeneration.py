"""One regenerator per page (jizhou/page_cache.py): while one request renders a stale page again, the others get
the previous page instead of all rendering it (a rush's enrolments change a course page's seats many times a
second); a page not stored yet is waited for, not rendered by everyone at once.

"Another request is rendering" is what another worker's request leaves in the shared cache: the page's
regeneration lock, taken here by hand."""

import threading

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory

from enrolment.services import enrolment_create
from jizhou.page_cache import HIT_HEADER, entry_key, recent_pages, regenerating_key

pytestmark = pytest.mark.usefixtures("page_layer_on")


def keys(course) -> tuple[str, str]:
    key = entry_key(RequestFactory().get(course.url))  # what Client() asks for: same host, path, language
    return key, regenerating_key(key)


def visit(course) -> tuple[str, str]:
    response = Client().get(course.url)
    assert response.status_code == 200
    return response[HIT_HEADER], response.content.decode()


def test_an_enrolment_during_anothers_render_shows_the_previous_seats_until_it_is_stored(
    course, learner, django_capture_on_commit_callbacks, django_assert_num_queries
):
    key, lock = keys(course)
    assert visit(course)[0] == "miss"
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(learner=learner, course_class_id=course.classes.get().pk)
    cache.add(lock, 1)  # another worker is rendering the page with the new seats
    with django_assert_num_queries(0):  # not rendered again by this request
        how, html = visit(course)
    assert how == "stale" and "共 3 人，余 3 个" in html
    cache.delete(lock)  # it gave up (or stored it): the next visitor renders the current page
    how, html = visit(course)
    assert how == "miss" and "共 3 人，余 2 个" in html
    assert cache.get(lock) is None  # and let go of the lock
    assert visit(course)[0] == "hit"


def test_an_expired_page_is_served_while_one_request_renders_it(course, django_assert_num_queries):
    key, lock = keys(course)
    visit(course)
    entry = cache.get(key)
    entry["fresh_until"] = 0  # its lifetime is up
    cache.set(key, entry)
    recent_pages.clear()
    cache.add(lock, 1)
    with django_assert_num_queries(0):
        assert visit(course)[0] == "stale"
    cache.delete(lock)
    assert visit(course)[0] == "miss"
    assert visit(course)[0] == "hit"


def test_a_first_visit_waits_for_the_page_another_request_is_rendering(course, django_assert_num_queries):
    key, lock = keys(course)
    visit(course)
    rendered_elsewhere = cache.get(key)
    cache.delete(key)
    recent_pages.clear()
    cache.add(lock, 1)

    def other_request_stores_it():
        cache.set(key, rendered_elsewhere)
        cache.delete(lock)

    timer = threading.Timer(0.1, other_request_stores_it)
    timer.start()
    try:
        with django_assert_num_queries(0):
            how, html = visit(course)
    finally:
        timer.cancel()
    assert how == "hit" and course.title in html


def test_a_waiting_visitor_renders_the_page_when_the_other_request_takes_too_long(settings, course):
    settings.PAGE_CACHE_WAIT_SECONDS = 0.05
    _key, lock = keys(course)
    cache.add(lock, 1)  # held by a worker that died mid-render, say: it expires on its own
    how, html = visit(course)
    assert how == "miss" and course.title in html


def test_an_enrolment_renders_its_own_course_page_again_and_no_other(
    course, make_class, learner, django_capture_on_commit_callbacks
):
    other = make_class(capacity=5, label="春季班").course
    visit(course)
    visit(other)
    with django_capture_on_commit_callbacks(execute=True):
        enrolment_create(learner=learner, course_class_id=course.classes.get().pk)
    recent_pages.clear()  # as another worker sees it, through the shared cache
    how, html = visit(other)
    assert how == "hit" and "共 5 人，余 5 个" in html
    how, html = visit(course)
    assert how == "miss" and "共 3 人，余 2 个" in html


def test_an_unpublished_page_is_not_served_stale_once_its_render_finds_it_gone(
    course, django_capture_on_commit_callbacks, settings
):
    settings.PAGE_CACHE_WAIT_SECONDS = 0.2  # the last visit waits for a render nobody is doing
    key, lock = keys(course)
    visit(course)
    with django_capture_on_commit_callbacks(execute=True):
        course.unpublish()
    assert Client().get(course.url).status_code == 404  # this request rendered it: nothing to store
    assert cache.get(key) is None  # and the previous copy is gone, so nobody is given it during another's render
    cache.add(lock, 1)
    assert Client().get(course.url).status_code == 404
