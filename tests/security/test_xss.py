"""Stored XSS: staff type attack strings into every text field they can fill — page titles, summaries,
keywords, rich text, class labels and schedules, a school's name and address, snippet names — through the
real admin forms; every public and admin page that shows them must show them as text.

A payload counts as neutralised when its raw form is absent from the response and its escaped form is
present (so the test also proves the field is on the page at all).
"""

import json
from html.parser import HTMLParser

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils.html import escape
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from accounts.models import Audience
from courses.models import Category, CoursePage, ProviderPage
from places.models import Town, Venue
from tests.security.world import build_world

PAYLOADS = [
    '<script>alert("xss")</script>',
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "</title><iframe src=javascript:alert(1)>",
]


def _rich_text_attack(payload: str) -> str:
    """Draftail's wire format, crafted by hand as an attacker would (not produced by the editor's own JS):
    the payload as text, and a link entity pointing at javascript:."""
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1",
                    "text": f"正文 {payload} 点我",
                    "type": "unstyled",
                    "depth": 0,
                    "inlineStyleRanges": [],
                    "entityRanges": [{"offset": len(f"正文 {payload} "), "length": 2, "key": 0}],
                }
            ],
            "entityMap": {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": "javascript:alert(1)"}}},
        }
    )


def _post_ok(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.context["form"].errors if response.context else response)
    assert response["Location"] != reverse("wagtailadmin_home"), f"{url}: refused (no permission)"
    return response


def _fill_everything(world, payload):
    """What staff can type, typed through the admin forms (centre for snippets and schools, school A for
    its course), then published by the centre through the review workflow."""
    centre, staff_a = world.client("centre"), world.client("staff_a")
    snippets = {
        # Names hold 40 characters at most: the longest payload fits exactly, without a prefix.
        "courses_category": {
            "name": payload,
            "slug": "xss-category",
            "description": "说明" + payload,
            "sort_order": "1",
        },
        "accounts_audience": {"name": payload, "slug": "xss-audience", "sort_order": "1"},
        "places_town": {"name": payload, "slug": "xss-town", "sort_order": "1"},
    }
    for viewset, data in snippets.items():
        _post_ok(centre, reverse(f"wagtailsnippets_{viewset}:add"), data)
    town = Town.objects.get(slug="xss-town")
    _post_ok(
        centre,
        reverse("wagtailsnippets_places_venue:add"),
        {
            "name": "地点" + payload,
            "town": town.pk,
            "kind": "learning_point",
            "address": "地址" + payload,
            "opening_hours": "开放时间" + payload,
            "directions": "到达方式" + payload,
        },
    )
    venue = Venue.objects.get(town=town)
    category = Category.objects.get(slug="xss-category")
    audience = Audience.objects.get(slug="xss-audience")

    _post_ok(
        centre,
        reverse("wagtailadmin_pages:add", args=("courses", "providerpage", world.catalogue.pk)),
        nested_form_data(
            {
                "title": "学校" + payload,
                "slug": "xss-school",
                "kind": "adult_school",
                "intro": "简介" + payload,
                "town": town.pk,
                "address": "校址" + payload,
                "contact_phone": "022-1234" + payload[:10],
                "action-publish": "publish",
            }
        ),
    )
    school = ProviderPage.objects.get(slug="xss-school")

    import datetime

    from django.utils import timezone

    starts = timezone.localdate() + datetime.timedelta(days=10)
    _post_ok(
        staff_a,
        reverse("wagtailadmin_pages:add", args=("courses", "coursepage", world.school_a.pk)),
        nested_form_data(
            {
                "title": "课程" + payload,
                "slug": "xss-course",
                "summary": "摘要" + payload,
                "category": category.pk,
                "audiences": [audience.pk],
                "form": "offline",
                "hours": "4",
                "credits": "0",
                "fee": "0",
                "town": town.pk,
                "min_age": "",
                "keywords": "关键词" + payload,
                "body": _rich_text_attack(payload),
                "classes": inline_formset(
                    [
                        {
                            "label": "班" + payload,
                            "starts_on": starts.isoformat(),
                            "ends_on": (starts + datetime.timedelta(days=30)).isoformat(),
                            "schedule": "时间" + payload,
                            "venue": venue.pk,
                            "capacity": "10",
                            "enrol_opens": "",
                            "enrol_closes": "",
                            "teacher": world.users["teacher"].pk,
                        }
                    ]
                ),
                "action-submit": "submit",
            }
        ),
    )
    course = CoursePage.objects.get(slug="xss-course")
    task_state = course.current_workflow_state.current_task_state
    # What runs after commit in production (search indexing of the published course) runs here too.
    with TestCase.captureOnCommitCallbacks(execute=True):
        centre.post(
            reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk)),
            {"comment": payload},
        )
    course.refresh_from_db()
    assert course.live, "the centre's approval should have published the course"
    return school, course, venue


class _ActiveContent(HTMLParser):
    """Parses a page as a browser would and records anything that would run: an on* handler or a javascript:
    URL in a real tag's attributes, or a script element (other than a JSON data island) calling alert."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") and "alert" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction") and value.startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
        types = dict(attrs).get("type") or ""
        self._in_script = tag == "script" and "json" not in types

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and "alert(" in data and "xss" in data:
            self.found.append(f"<script>{data[:80]}")


def _assert_neutralised(body: str, payload: str, where: str, *, must_show: bool = True) -> None:
    assert payload not in body, f"{where}: raw payload {payload!r} in the page"
    scanner = _ActiveContent()
    scanner.feed(body)
    assert not scanner.found, f"{where}: active content {scanner.found}"
    if must_show:
        escaped = escape(payload)
        # Django escapes ' as &#x27;; Wagtail/JSON may use &#39; or \u003C. Any escaped spelling is fine.
        shown = escaped in body or escaped.replace("&#x27;", "&#39;") in body or payload.replace("<", "\\u003c") in body
        assert shown, f"{where}: the escaped payload is not on the page — is the field rendered at all?"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_staff_text_is_escaped_everywhere(db, payload):
    world = build_world()
    school, course, venue = _fill_everything(world, payload)
    course_class = course.classes.get()
    public = Client()
    pages = {
        "home": (public, "/", False),
        "catalogue": (public, world.catalogue.url, True),
        "course page": (public, course.url, True),
        "school page": (public, school.url, True),
        "school A page": (public, world.school_a.url, True),
        "search results": (public, reverse("search:search") + "?q=课程", True),
        "search, payload as the query": (public, reverse("search:search") + "?q=" + payload, True),
        "admin: edit course": (world.client("staff_a"), reverse("wagtailadmin_pages:edit", args=(course.pk,)), True),
        "admin: explore school A": (
            world.client("staff_a"),
            reverse("wagtailadmin_explore", args=(world.school_a.pk,)),
            True,
        ),
        "admin: page history": (world.client("centre"), reverse("wagtailadmin_pages:history", args=(course.pk,)), True),
        "admin: staff home": (world.client("staff_a"), reverse("wagtailadmin_home"), True),
        "admin: teacher home": (world.client("teacher"), reverse("wagtailadmin_home"), True),
        "admin: audit log": (world.client("centre"), reverse("jizhou_audit_log"), True),
        "admin: categories": (world.client("centre"), reverse("wagtailsnippets_courses_category:list"), True),
        "admin: venues": (world.client("centre"), reverse("wagtailsnippets_places_venue:list"), True),
        "admin: explore the catalogue": (
            world.client("centre"),
            reverse("wagtailadmin_explore", args=(world.catalogue.pk,)),
            True,
        ),
        "roster": (world.client("teacher"), reverse("teach:roster", args=(course_class.pk,)), True),
    }
    for where, (client, url, must_show) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, f"{where}: {url} → {response.status_code}"
        body = response.content.decode()
        _assert_neutralised(body, payload, where, must_show=must_show)
        if where in ("catalogue", "search results", "school A page"):  # the course itself is listed, escaped
            assert escape("课程" + payload) in body, f"{where}: the course is not listed"


@pytest.mark.parametrize("payload", PAYLOADS[:1])
def test_json_api_returns_text_not_markup(db, payload):
    """JSON carries the text as data (with the application/json type, so no browser renders it as HTML)."""
    world = build_world()
    _school, course, _venue = _fill_everything(world, payload)
    response = Client().get(f"/api/v1/classes/{course.classes.get().pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["course_title"] == "课程" + payload
