"""Residents' circle pages through the test client: what a visitor sees, joining and leaving, the leader's tools
(and a non-leader refused with nothing changed), bad input shown on the form."""

import datetime

import pytest
from django.urls import reverse

from circles.models import CircleAttendance, CircleMeeting, CircleStatus, Membership, StudyCircle
from records.models import LearningEntry
from tests.factories import TownFactory


def _text(response) -> str:
    return response.content.decode()


def test_the_list_shows_active_circles_by_town_and_kind(client, circle, members, make_circle, leader):
    make_circle(by=members[0], name="待批准的舞蹈队", kind="dance", approve=False)
    page = _text(client.get(reverse("circles:list")))
    assert "渔阳书法组" in page and "待批准的舞蹈队" not in page and "3名成员" in page
    other = TownFactory(name="别的镇")
    assert "渔阳书法组" not in _text(client.get(reverse("circles:list") + f"?town={other.pk}"))
    assert "渔阳书法组" not in _text(client.get(reverse("circles:list") + "?kind=farming"))
    assert "渔阳书法组" in _text(client.get(reverse("circles:list") + "?kind=calligraphy&town=abc"))


def test_a_circles_page_masks_the_leader_without_consent_and_never_shows_phones(client, circle, members):
    page = _text(client.get(reverse("circles:detail", args=(circle.pk,))))
    assert "王*兰" in page and "王秀兰" not in page
    assert "13800001111" not in page and "李桂芝" not in page  # members are listed for the leader only
    StudyCircle.objects.filter(pk=circle.pk).update(leader_name_public=True)
    assert "王秀兰" in _text(client.get(reverse("circles:detail", args=(circle.pk,))))


def test_a_proposed_circle_is_hidden_from_the_public(client, make_circle, members):
    proposed = make_circle(by=members[0], name="新组", approve=False)
    assert client.get(reverse("circles:detail", args=(proposed.pk,))).status_code == 404
    client.force_login(members[0])
    assert client.get(reverse("circles:detail", args=(proposed.pk,))).status_code == 200


def test_start_join_and_leave(client, learner, town, circle):
    client.force_login(learner)
    response = client.post(
        reverse("circles:start"),
        {
            "name": "夕阳红合唱团",
            "kind": "singing",
            "town": town.pk,
            "meeting_pattern": "每周二上午",
            "description": "唱歌",
        },
    )
    started = StudyCircle.objects.get(name="夕阳红合唱团")
    assert response.status_code == 302 and started.status == CircleStatus.PROPOSED and started.leader == learner
    client.post(reverse("circles:join", args=(circle.pk,)))
    response = client.post(reverse("circles:join", args=(circle.pk,)), follow=True)
    assert "您已经是这个学习团队的成员" in _text(response)
    assert Membership.objects.filter(circle=circle, member=learner, left_at__isnull=True).count() == 1
    page = _text(client.get(reverse("circles:mine")))
    assert "夕阳红合唱团" in page and "渔阳书法组" in page
    client.post(reverse("circles:leave", args=(circle.pk,)))
    assert not Membership.objects.filter(circle=circle, member=learner, left_at__isnull=True).exists()


def test_an_empty_start_form_is_answered_with_its_errors(client, learner):
    client.force_login(learner)
    response = client.post(reverse("circles:start"), {"name": ""})
    assert response.status_code == 400 and not StudyCircle.objects.exists()


def test_the_leader_records_a_meeting_and_who_came(client, circle, leader, members, today):
    client.force_login(leader)
    form = client.get(reverse("circles:meeting_new", args=(circle.pk,)))
    assert "李桂芝" in _text(form) and members[0].phone not in _text(form)
    response = client.post(
        reverse("circles:meeting_new", args=(circle.pk,)),
        {"held_on": today.isoformat(), "hours": "2", "topic": "楷书", "attendees": [str(members[0].pk)]},
    )
    assert response.status_code == 302
    assert LearningEntry.objects.get(learner=members[0]).hours == 2
    meeting = CircleMeeting.objects.get()
    response = client.post(
        reverse("circles:meeting_edit", args=(circle.pk, meeting.pk)),
        {"held_on": today.isoformat(), "hours": "1.5", "topic": "楷书", "attendees": [str(members[1].pk)]},
    )
    assert response.status_code == 302
    assert not LearningEntry.objects.filter(learner=members[0]).exists()
    assert LearningEntry.objects.get(learner=members[1]).hours == pytest.approx(1.5)


@pytest.mark.parametrize("hours", ["-2", "24", "abc"])
def test_absurd_hours_come_back_on_the_form(client, circle, leader, members, today, hours):
    client.force_login(leader)
    response = client.post(
        reverse("circles:meeting_new", args=(circle.pk,)),
        {"held_on": today.isoformat(), "hours": hours, "topic": "楷书", "attendees": [str(members[0].pk)]},
    )
    assert response.status_code == 400 and "学时" in _text(response)
    assert not CircleMeeting.objects.exists() and not LearningEntry.objects.exists()


def test_a_non_leader_gets_404_on_the_leaders_tools_and_nothing_changes(client, circle, leader, members, today):
    client.force_login(leader)
    client.post(
        reverse("circles:meeting_new", args=(circle.pk,)),
        {
            "held_on": (today - datetime.timedelta(days=1)).isoformat(),
            "hours": "2",
            "topic": "楷书",
            "attendees": [str(members[0].pk)],
        },
    )
    meeting = CircleMeeting.objects.get()
    client.force_login(members[0])
    urls = [
        reverse("circles:meeting_new", args=(circle.pk,)),
        reverse("circles:meeting_edit", args=(circle.pk, meeting.pk)),
        reverse("circles:activity_new", args=(circle.pk,)),
    ]
    for url in urls:
        assert client.get(url).status_code == 404
        response = client.post(
            url, {"held_on": today.isoformat(), "hours": "8", "topic": "伪造", "attendees": [str(members[0].pk)]}
        )
        assert response.status_code == 404
    assert client.post(reverse("circles:meeting_delete", args=(circle.pk, meeting.pk))).status_code == 404
    assert CircleMeeting.objects.get().hours == 2 and CircleAttendance.objects.count() == 1
    assert LearningEntry.objects.get().hours == 2


def test_the_leader_records_an_outcome(client, circle, leader, today):
    client.force_login(leader)
    client.post(
        reverse("circles:activity_new", args=(circle.pk,)),
        {"kind": "award", "occurred_on": today.isoformat(), "title": "区书法比赛二等奖", "text": "三人获奖"},
    )
    assert "区书法比赛二等奖" in _text(client.get(reverse("circles:detail", args=(circle.pk,))))
