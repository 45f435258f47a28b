"""load_demo: the shipped catalogue is complete and consistent; loading twice duplicates nothing."""

import json
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from accounts.models import User
from community.models import HomePage
from courses.models import CourseClass, CoursePage, ProviderPage
from jizhou.demo import CATALOGUE_FILE, CATEGORIES
from places.models import Town, Venue

SMALL = Path(__file__).parent / "demo_small.json"


def test_shipped_catalogue_meets_the_brief():
    data = json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    courses = data["courses"]
    assert len(courses) >= 150
    per_category = Counter(course["category"] for course in courses)
    assert set(per_category) == {name for name, _ in CATEGORIES}
    towns = {town["name"] for town in data["towns"]}
    venues = {venue["name"]: venue for venue in data["venues"]}
    providers = {provider["name"] for provider in data["providers"]}
    assert len(towns) == 27
    assert len({venue["town"] for venue in venues.values()}) >= 20, "venues in most towns"
    assert {"天津开放大学蓟州分校", "天津市信息工程学校", "蓟州区老年大学", "蓟州区社区教育指导中心"} <= providers
    assert len({course["title"] for course in courses}) == len(courses), "titles are unique"
    for course in courses:
        assert course["provider"] in providers
        assert course["town"] is None or course["town"] in towns
        for item in course["classes"]:
            assert item["venue"] is None or item["venue"] in venues


def _counts():
    return (
        Page.objects.count(),
        CoursePage.objects.count(),
        CourseClass.objects.count(),
        ProviderPage.objects.count(),
        Town.objects.count(),
        Venue.objects.count(),
        User.objects.count(),
    )


# One test, because a load_demo (lessons made with ffmpeg, events, the community layer…) costs most of a minute.
@pytest.mark.django_db
def test_load_demo_builds_a_site_that_renders_and_loading_again_duplicates_nothing(client, indexed):
    out = StringIO()
    indexed(lambda: call_command("load_demo", file=str(SMALL), stdout=out))
    assert "13800000000" in out.getvalue(), "prints the demo staff login"
    first = _counts()
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert CoursePage.objects.live().count() == 6
    assert all(course.provider_id for course in CoursePage.objects.all())

    response = client.get("/")
    assert response.status_code == 200
    assert "蓟州终身学习网" in response.content.decode()
    catalogue = client.get("/courses/")
    assert catalogue.status_code == 200
    assert catalogue.context["courses"].paginator.count == 6

    indexed(lambda: call_command("load_demo", file=str(SMALL), stdout=StringIO()))
    assert _counts() == first
