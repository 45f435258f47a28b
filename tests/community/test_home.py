"""The home portal: this week in the chosen town, new lessons, notices; a remembered town never leaks through the
shared page cache (the cookie only ever leads to a ?town= URL, which is what the cache is keyed by)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from activities.models import EventPage
from community.services import TOWN_COOKIE
from jizhou.page_cache import HIT_HEADER, recent_pages
from tests.community.test_pages import notice
from tests.factories import course_class, course_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_week(district):
    xiaying, yuyang = district["towns"]["xiaying"], district["towns"]["yuyang"]
    point, school = district["changzhou"], district["xiaying_school"]
    course_page(school, title="常州村果树修剪班", classes=[course_class(starts_in_days=2, venue=point.venue)])
    course_page(school, title="下营下个月的课", classes=[course_class(starts_in_days=20, venue=point.venue)])
    yuyang_class = course_class(starts_in_days=1, venue=district["xibei"].venue)
    course_page(district["yuyang_school"], title="渔阳智能手机班", classes=[yuyang_class])
    start = timezone.now() + datetime.timedelta(days=3)
    event = EventPage(
        title="下营镇非遗剪纸展演",
        slug="jianzhi",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        venue=point.venue,
        summary="剪纸艺人现场表演。",
    )
    district["xiaying_school"].add_child(instance=event)
    event.save_revision().publish()
    return {"xiaying": xiaying, "yuyang": yuyang}


def test_chosen_town_shows_its_events_and_classes_this_week(client, district, this_week):
    html = client.get("/", {"town": this_week["xiaying"].slug}).content.decode()
    assert "本周下营镇有什么" in html
    assert "下营镇非遗剪纸展演" in html and "常州村果树修剪班" in html
    assert "渔阳智能手机班" not in html.split('id="h-categories"')[0]
    assert "下营下个月的课" not in html.split('id="h-categories"')[0]


def test_without_a_town_the_whole_district_is_shown(client, district, this_week):
    html = client.get("/").content.decode()
    week = html.split('id="h-week"')[1].split('id="h-categories"')[0]
    assert "本周全区有什么" in html
    assert "下营镇非遗剪纸展演" in week and "常州村果树修剪班" in week and "渔阳智能手机班" in week


def test_an_empty_site_still_renders_every_section_safely(client, tree):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "这一周暂时没有活动或新开的班。" in html and "通知公告" not in html


def test_new_lessons_and_notices_are_shown(client, district):
    notice(district["notice_index"], "关于开展2026年全民终身学习活动周的通知", days_ago=1)
    html = client.get("/").content.decode()
    assert "关于开展2026年全民终身学习活动周的通知" in html and "更多通知公告" in html


def test_choosing_a_town_remembers_it_and_goes_to_its_url(client, district):
    slug = district["towns"]["xiaying"].slug
    response = client.get(reverse("community:choose_town"), {"town": slug})
    assert response.status_code == 302 and response["Location"] == f"/?town={slug}"
    assert client.cookies[TOWN_COOKIE].value == slug
    again = client.get("/")
    assert again.status_code == 302 and again["Location"] == f"/?town={slug}"
    assert "private" in again["Cache-Control"]
    # 全区: forgotten, and the bare home page is served again.
    response = client.get(reverse("community:choose_town"), {"town": ""})
    assert response["Location"] == "/" and client.cookies[TOWN_COOKIE].value == ""
    assert client.get("/").status_code == 200


def test_an_unknown_town_is_the_whole_district(client, district):
    response = client.get(reverse("community:choose_town"), {"town": "no-such-town"})
    assert response["Location"] == "/"
    html = client.get("/", {"town": "no-such-town"}).content.decode()
    assert "本周全区有什么" in html


def test_a_cookie_chosen_town_is_never_served_to_others_from_the_page_cache(district, this_week, settings):
    settings.PAGE_CACHE_LOCAL_SECONDS = 1
    recent_pages.clear()
    slug = this_week["xiaying"].slug
    remembered = Client()
    remembered.cookies[TOWN_COOKIE] = slug
    response = remembered.get("/", follow=True)
    assert response.redirect_chain == [(f"/?town={slug}", 302)]
    assert "本周下营镇有什么" in response.content.decode()
    # A stranger asking for the bare home page gets the district's, not the remembered town's.
    stranger = Client().get("/")
    assert "本周全区有什么" in stranger.content.decode() and "本周下营镇有什么" not in stranger.content.decode()
    # Now "/" is cached: the resident with the cookie still goes to their town, not to the cached page.
    assert Client().get("/")[HIT_HEADER] == "hit"
    again = remembered.get("/")
    assert again.status_code == 302 and HIT_HEADER not in again
    # And the town's own URL is one shared page, the same for everyone who asks for it.
    assert Client().get(f"/?town={slug}")[HIT_HEADER] == "hit"
    recent_pages.clear()
