"""Result URLs of GET /api/v1/courses/ are Wagtail's own: relative with one site, and with several, absolute for
a course of another site than the one asked (the API skips Wagtail's site lookup only when there is one site)."""

import pytest
from django.test import RequestFactory
from wagtail.models import Page, Site

from tests.factories import course_page


@pytest.fixture(autouse=True)
def database_engine(settings):
    settings.SEARCH_URL = settings.ELASTICSEARCH_URL = ""


@pytest.fixture
def pear(tree, indexed):
    return indexed(lambda: course_page(tree["school_a"], title="梨树冬季修剪技术"))


def _result_url(client, **headers) -> str:
    response = client.get("/api/v1/courses/", {"q": "梨树"}, **headers)
    assert response.status_code == 200
    (result,) = response.json()["results"]
    return result["url"]


def test_one_site_gives_relative_urls(client, pear):
    url = _result_url(client)
    assert url == pear.get_url(RequestFactory().get("/")) and url.startswith("/")


def test_with_two_sites_a_course_of_the_other_site_has_an_absolute_url(client, pear, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    other_root = Page.get_first_root_node().add_child(instance=Page(title="另一个站点", slug="other-site"))
    Site.objects.create(hostname="other.example", port=80, root_page=other_root, site_name="另一个站点")
    asked_on_other = _result_url(client, HTTP_HOST="other.example")
    assert asked_on_other == pear.get_url(RequestFactory().get("/", HTTP_HOST="other.example"))
    assert asked_on_other.startswith("http://") and asked_on_other.endswith(pear.get_url(None).split("/", 3)[-1])
    assert _result_url(client) == pear.get_url(RequestFactory().get("/")) and _result_url(client).startswith("/")
