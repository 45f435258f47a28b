"""Community events for the security tests' district (tests/security/world.py): school A's upcoming event the
resident signed up for, one with places free, one under way (the roster), and the resident's calendar token."""

import datetime

from activities.services import calendar_token_get, event_signup
from tests.activities.factories import event_page
from tests.factories import TownFactory, VenueFactory


def event_world(*, resident, school_a) -> dict:
    town = TownFactory(name="活动测试镇")
    venue = VenueFactory(name="活动测试镇社区学校", town=town)
    signed = event_page(school_a, title="甲校养老政策讲座", capacity=30, venue=venue)
    free = event_page(school_a, title="甲校防诈骗讲座", capacity=30, venue=venue)
    under_way = event_page(
        school_a, title="甲校送教下乡", capacity=30, venue=venue, starts_in=datetime.timedelta(minutes=-30)
    )
    place = event_signup(resident=resident, event_id=signed.pk)
    event_signup(resident=resident, event_id=under_way.pk, now=under_way.starts_at - datetime.timedelta(days=1))
    return {
        "town": town,
        "signed": signed,
        "free": free,
        "under_way": under_way,
        "place": place,
        "token": calendar_token_get(user=resident).token,
    }
