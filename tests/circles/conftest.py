"""Study-circle fixtures: a town with a venue, and an approved circle led by a resident with two members."""

import pytest
from django.utils import timezone

from circles.models import CircleKind
from circles.services import circle_approve, circle_start, membership_join
from tests.factories import TownFactory, UserFactory, VenueFactory


@pytest.fixture
def town(db):
    return TownFactory(name="渔阳镇")


@pytest.fixture
def venue(town):
    return VenueFactory(name="渔阳镇社区学校", town=town)


@pytest.fixture
def leader(db):
    return UserFactory(display_name="王秀兰", phone="13800001111")


@pytest.fixture
def make_circle(town, venue, centre):
    def build(*, by, name="渔阳书法组", approve=True, **fields):
        fields.setdefault("kind", CircleKind.CALLIGRAPHY)
        fields.setdefault("town", town)
        fields.setdefault("venue", venue)
        fields.setdefault("meeting_pattern", "每周三下午2点")
        fields.setdefault("description", "一起练习毛笔字，互相点评。")
        circle = circle_start(by=by, name=name, **fields)
        if approve:
            circle = circle_approve(circle_id=circle.pk, by=centre)
        return circle

    return build


@pytest.fixture
def circle(make_circle, leader):
    return make_circle(by=leader)


@pytest.fixture
def members(circle):
    people = [UserFactory(display_name="李桂芝"), UserFactory(display_name="赵德明")]
    for person in people:
        membership_join(circle_id=circle.pk, user=person)
    return people


@pytest.fixture
def today():
    return timezone.localdate()
