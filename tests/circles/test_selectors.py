"""What other parts read: the public list (home portal, town pages) and the dashboard's city figures."""

import datetime

from django.utils import timezone

from circles.models import CircleMeeting
from circles.selectors import city_figures, public_circles
from circles.services import circle_dissolve, meeting_record, membership_join, membership_leave
from tests.factories import TownFactory, UserFactory, VenueFactory


def test_public_circles_show_active_circles_with_masked_leader_names(make_circle, leader, members, town):
    make_circle(by=UserFactory(display_name="孙立"), name="申请中的组", approve=False)
    other_town = TownFactory(name="下营镇")
    make_circle(
        by=UserFactory(display_name="周小红"),
        name="下营镇剪纸兴趣组",
        town=other_town,
        venue=None,
        leader_name_public=True,
    )
    listed = public_circles()
    names = {c.name: c for c in listed}
    assert set(names) == {"渔阳书法组", "下营镇剪纸兴趣组"}
    assert names["渔阳书法组"].leader_public_name == "王*兰"  # no consent: masked
    assert names["渔阳书法组"].member_count == 3
    assert names["下营镇剪纸兴趣组"].leader_public_name == "周小红"
    assert [c.name for c in public_circles(town_id=town.pk)] == ["渔阳书法组"]
    assert len(public_circles(limit=1)) == 1


def test_city_figures_per_town_and_year(make_circle, circle, leader, members, town, today):
    meeting_record(circle_id=circle.pk, by=leader, held_on=today, hours="2", topic="练字", attendee_ids=[members[0].pk])
    figures = city_figures(years=[today.year, today.year - 1])
    assert figures[(town.pk, today.year)] == {"circles_active": 1, "circle_members": 3, "circle_meetings": 1}
    assert (town.pk, today.year - 1) not in figures
    # A second circle in the same town sharing a member: that person counts once; a left member still counts
    # for the year they were in; a dissolved circle still counts for its year.
    second = make_circle(by=members[0], name="渔阳国画组", venue=VenueFactory(name="渔阳村学习点", town=town))
    membership_join(circle_id=second.pk, user=members[1])
    membership_leave(circle_id=second.pk, user=members[1])
    circle_dissolve(circle_id=second.pk, by=members[0])
    # A planned meeting (not yet held) does not count.
    CircleMeeting.objects.create(circle=second, held_on=today + datetime.timedelta(days=3), hours=2, topic="计划")
    figures = city_figures(years=[today.year])
    assert figures[(town.pk, today.year)] == {"circles_active": 2, "circle_members": 3, "circle_meetings": 1}


def test_city_figures_is_empty_without_circles(db):
    assert city_figures(years=[timezone.localdate().year]) == {}
