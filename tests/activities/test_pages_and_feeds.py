"""What residents and staff see: the listing, an event page, 报名 and 取消, 我的活动, the roster, iCal feeds."""

import datetime
import zoneinfo

import icalendar
import pytest
from django.urls import reverse

from activities.models import EventIndexPage, EventSignup
from activities.services import calendar_token_get, event_signup, event_signup_cancel
from records.models import LearningEntry
from tests.factories import TownFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(tree):
    page = tree["home"].add_child(instance=EventIndexPage(title="社区活动", slug="events"))
    page.save_revision().publish()
    return page


def test_listing_filters_by_town_and_kind_without_n_plus_one(client, index, make_event, django_assert_max_num_queries):
    town = TownFactory(name="下营镇")
    for i in range(6):
        make_event(title=f"下营讲座{i}", venue=VenueFactory(town=town), kind="lecture")
    make_event(title="渔阳剪纸展演", venue=VenueFactory(town=TownFactory(name="渔阳镇")), kind="performance")
    client.get(index.url)  # warm Wagtail's site lookup
    with django_assert_max_num_queries(14):
        response = client.get(index.url, {"town": town.pk})
    text = response.content.decode()
    assert "下营讲座5" in text and "渔阳剪纸展演" not in text
    text = client.get(index.url, {"kind": "performance"}).content.decode()
    assert "渔阳剪纸展演" in text and "下营讲座0" not in text
    assert client.get(index.url, {"town": "abc", "kind": "<x>", "page": "²"}).status_code == 200


def test_signup_from_the_page_then_cancel_from_my_events(client, make_event, learner):
    event = make_event(capacity=2, title="养老政策讲座")
    client.force_login(learner)
    response = client.post(reverse("events:signup", args=[event.pk]), follow=True)
    assert "报名成功：养老政策讲座" in response.content.decode()
    assert "您已报名这个活动" in response.content.decode()
    again = client.post(reverse("events:signup", args=[event.pk]), follow=True)
    assert "无需重复报名" in again.content.decode()
    mine = client.get(reverse("events:mine")).content.decode()
    assert "养老政策讲座" in mine and "/events/feeds/me/" in mine
    place = EventSignup.objects.get(resident=learner)
    client.post(reverse("events:cancel", args=[place.pk]))
    assert EventSignup.objects.get(pk=place.pk).status == "cancelled"


def test_anonymous_signup_goes_to_login(client, make_event):
    event = make_event(capacity=2)
    response = client.post(reverse("events:signup", args=[event.pk]))
    assert response.status_code == 302 and "login" in response["Location"]
    assert not EventSignup.objects.exists()


def test_roster_shows_masked_phones_and_marks_attendance(client, make_event, learner, staff_a):
    event = make_event(capacity=5, starts_in=datetime.timedelta(hours=-1))
    place = EventSignup.objects.create(event=event, resident=learner, status="signed_up", arrival=1)
    client.force_login(staff_a)
    page = client.get(reverse("events:teach_roster", args=[event.pk])).content.decode()
    assert "139****5678" in page and "13912345678" not in page
    client.post(reverse("events:teach_roster", args=[event.pk]), {"present": [place.pk]})
    assert EventSignup.objects.get(pk=place.pk).attended_at is not None
    assert LearningEntry.objects.filter(source=f"event:{event.pk}:{learner.pk}").exists()


def test_another_schools_staff_get_403_and_nothing_changes(client, make_event, learner, staff_b):
    event = make_event(capacity=5, starts_in=datetime.timedelta(hours=-1))
    place = EventSignup.objects.create(event=event, resident=learner, status="signed_up", arrival=1)
    client.force_login(staff_b)
    assert client.get(reverse("events:teach_roster", args=[event.pk])).status_code == 403
    assert client.post(reverse("events:teach_roster", args=[event.pk]), {"present": [place.pk]}).status_code == 403
    assert EventSignup.objects.get(pk=place.pk).attended_at is None
    assert not LearningEntry.objects.exists()
    # …nor edit it in the admin.
    assert client.get(reverse("wagtailadmin_pages:edit", args=[event.pk])).status_code in (302, 403)
    title = event.title
    client.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), {"title": "改掉"})
    event.refresh_from_db()
    assert event.title == title and event.get_latest_revision().content["title"] == title


def _parse(response):
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def test_town_feed_has_timezone_stable_uids_and_no_personal_data(client, make_event, learner):
    town = TownFactory(name="官庄镇")
    event = make_event(capacity=5, title="志愿服务日", venue=VenueFactory(town=town))
    make_event(title="别镇活动", venue=VenueFactory(town=TownFactory(name="文昌街道")))
    event_signup(resident=learner, event_id=event.pk)
    first = client.get(reverse("events:town_feed", args=[town.pk]))
    calendar = _parse(first)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["志愿服务日"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    start = events[0].DTSTART
    assert start.tzinfo.key == "Asia/Shanghai" if isinstance(start.tzinfo, zoneinfo.ZoneInfo) else True
    assert start == event.starts_at
    uid = str(events[0]["UID"])
    assert uid == str(_parse(client.get(reverse("events:town_feed", args=[town.pk]))).walk("VEVENT")[0]["UID"])
    body = first.content.decode()
    assert learner.display_name not in body and learner.phone not in body


def test_school_feed(client, make_event, tree):
    make_event(title="非遗剪纸展演")
    make_event(title="乙校活动", provider=tree["school_b"])
    titles = [
        str(e["SUMMARY"])
        for e in _parse(client.get(reverse("events:school_feed", args=[tree["school_a"].pk]))).walk("VEVENT")
    ]
    assert titles == ["非遗剪纸展演"]


def test_private_feed_lists_my_signups_and_drops_cancelled(client, make_event, learner):
    kept = make_event(capacity=5, title="防电信诈骗讲座")
    dropped = make_event(capacity=5, title="取消的活动")
    make_event(capacity=5, title="没报名的活动")
    event_signup(resident=learner, event_id=kept.pk)
    place = event_signup(resident=learner, event_id=dropped.pk)
    event_signup_cancel(signup_id=place.pk, by=learner)
    token = calendar_token_get(user=learner).token
    response = client.get(reverse("events:my_feed", args=[token]))
    assert [str(e["SUMMARY"]) for e in _parse(response).walk("VEVENT")] == ["防电信诈骗讲座"]
    assert "no-store" in response["Cache-Control"]


def test_forged_or_reset_token_is_a_bare_404(client, learner):
    old = calendar_token_get(user=learner).token
    client.force_login(learner)
    client.post(reverse("events:reset_calendar"))
    client.logout()
    for token in (old, "forged-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAA", "x" * 65):
        response = client.get(f"/events/feeds/me/{token}.ics")
        assert response.status_code == 404
        assert learner.display_name not in response.content.decode()
