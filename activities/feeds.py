"""iCalendar documents (RFC 5545) made with the `icalendar` library: times in Asia/Shanghai with its VTIMEZONE,
one VEVENT per event with a UID that never changes (the page id), so calendar apps update rather than duplicate.
Public feeds carry only what the event page shows; nothing about any resident."""

import datetime
from collections.abc import Iterable

import icalendar
from django.utils import timezone

from activities.models import EventPage

PRODID = "-//蓟州终身学习网//社区活动//ZH"


def event_uid(event: EventPage) -> str:
    return f"event-{event.pk}@jizhou-lifelong-learning"


def _location(event: EventPage) -> str:
    if event.venue_id is None:
        return event.town.name if event.town_id else ""
    venue = event.venue
    return f"{venue.name} {venue.address}".strip()


def calendar_document(*, name: str, uid: str, events: Iterable[EventPage], request=None) -> bytes:
    """The feed as bytes; `request` makes each event's URL absolute for the site it was asked from."""
    zone = timezone.get_default_timezone()
    calendar = icalendar.Calendar.new(name=name, prodid=PRODID, uid=uid, refresh_interval=datetime.timedelta(hours=6))
    stamp = timezone.now().replace(microsecond=0)
    for event in events:
        calendar.add_component(
            icalendar.Event.new(
                uid=event_uid(event),
                summary=event.title,
                description=event.summary,
                start=event.starts_at.astimezone(zone),
                end=event.ends_at.astimezone(zone),
                location=_location(event),
                stamp=stamp,
                last_modified=(event.last_published_at or stamp).replace(microsecond=0),
                url=event.get_full_url(request),
                categories=[event.get_kind_display()],
            )
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()
