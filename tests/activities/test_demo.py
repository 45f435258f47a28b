"""The demo district's events: upcoming ones on the listing (one full, with a waitlist) and past ones whose
attendance is in residents' records; loading twice changes nothing."""

from django.utils import timezone

from activities.models import EventPage, EventSignup
from activities.selectors import city_figures, upcoming_events
from jizhou.demo import DemoReport, demo_catalogue_load
from jizhou.demo_events import demo_events_load
from jizhou.site_setup import site_ensure
from records.models import LearningEntry
from tests.jizhou.demo_catalogues import every_school_catalogue
from tests.jizhou.test_demo import SMALL


def test_demo_events(db, client, tmp_path):
    today = timezone.localdate()
    report = demo_catalogue_load(every_school_catalogue(tmp_path), today)
    home = site_ensure().home
    demo_events_load(home=home, today=today, report=report)
    demo_events_load(home=home, today=today, report=DemoReport())  # idempotent

    assert EventPage.objects.live().count() == 8
    assert "养老政策讲座：城乡居民养老保险与高龄津贴" in [e.title for e in upcoming_events(days=7)]
    pruning = EventPage.objects.get(title="农技送教下乡·果树冬季修剪")
    assert pruning.seats_taken == 4 and EventSignup.objects.filter(event=pruning, status="waitlisted").count() == 2
    assert LearningEntry.objects.filter(source__startswith="event:").count() == 7 + 5
    figures = city_figures(years=[today.year, today.year - 1])
    assert sum(f["attendances"] for f in figures.values()) == 12
    listing = client.get("/events/").content.decode()
    assert "非遗剪纸展演" in listing and "冬季养生健康讲座" not in listing


def test_demo_events_with_the_small_catalogue_is_idempotent(db):
    """The small catalogue (tests/jizhou/demo_small.json) lacks most schools: their events are skipped."""
    today = timezone.localdate()
    report = demo_catalogue_load(SMALL, today)
    home = site_ensure().home
    demo_events_load(home=home, today=today, report=report)
    first = (EventPage.objects.count(), EventSignup.objects.count(), LearningEntry.objects.count())
    demo_events_load(home=home, today=today, report=DemoReport())
    assert (EventPage.objects.count(), EventSignup.objects.count(), LearningEntry.objects.count()) == first
