"""Events for tests: a published EventPage under a school, times relative to now."""

import datetime
from decimal import Decimal

from django.utils import timezone

from activities.models import EventPage
from tests.factories import VenueFactory


def event_page(
    provider,
    *,
    title="养老政策讲座",
    starts_in=datetime.timedelta(days=5),
    duration=datetime.timedelta(hours=2),
    capacity=None,
    hours=Decimal("2"),
    venue=None,
    publish=True,
    **fields,
) -> EventPage:
    starts_at = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    venue = venue or VenueFactory()
    event = provider.add_child(
        instance=EventPage(
            title=title,
            slug=f"e{EventPage.objects.count()}-{abs(hash(title)) % 10_000}",
            starts_at=starts_at,
            ends_at=starts_at + duration,
            venue=venue,
            summary=fields.pop("summary", "政策解读与现场答疑。"),
            capacity=capacity,
            hours=hours,
            live=publish,
            **fields,
        )
    )
    if publish:
        event.save_revision().publish()
        event.refresh_from_db()
    return event
