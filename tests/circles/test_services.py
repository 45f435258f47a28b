"""Circle services: starting and approving, joining and leaving, meetings that put hours in the learning record,
activity, the yearly assessment — and every refusal leaving the database as it was."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from circles.models import Assessment, CircleAttendance, CircleMeeting, CircleStatus, Membership, Rating, StudyCircle
from circles.services import (
    CircleRefused,
    activity_record,
    assessment_create,
    circle_approve,
    circle_dissolve,
    meeting_delete,
    meeting_record,
    meeting_update,
    membership_join,
    membership_leave,
)
from records.models import LearningEntry
from tests.factories import UserFactory


def _hours(user) -> list[tuple[str, Decimal]]:
    return list(LearningEntry.objects.filter(learner=user).order_by("source").values_list("source", "hours"))


def test_a_started_circle_waits_for_approval_and_its_leader_is_a_member(make_circle, leader, centre):
    circle = make_circle(by=leader, approve=False)
    assert circle.status == CircleStatus.PROPOSED
    assert Membership.objects.filter(circle=circle, member=leader, left_at__isnull=True).exists()
    with pytest.raises(CircleRefused) as refusal:
        membership_join(circle_id=circle.pk, user=UserFactory())
    assert refusal.value.code == "not_active"
    assert circle_approve(circle_id=circle.pk, by=centre).status == CircleStatus.ACTIVE


def test_only_the_centre_or_the_attached_school_approves(make_circle, leader, tree, staff_a, staff_b, learner):
    circle = make_circle(by=leader, approve=False, provider=tree["school_a"])
    for outsider in (learner, staff_b, leader):
        with pytest.raises(CircleRefused) as refusal:
            circle_approve(circle_id=circle.pk, by=outsider)
        assert refusal.value.status == 403
    circle.refresh_from_db()
    assert circle.status == CircleStatus.PROPOSED and circle.approved_at is None
    assert circle_approve(circle_id=circle.pk, by=staff_a).status == CircleStatus.ACTIVE


def test_joining_twice_is_refused_and_changes_nothing(circle, learner):
    membership_join(circle_id=circle.pk, user=learner)
    with pytest.raises(CircleRefused) as refusal:
        membership_join(circle_id=circle.pk, user=learner)
    assert refusal.value.code == "already_member" and refusal.value.status == 409
    assert Membership.objects.filter(circle=circle, member=learner).count() == 1


def test_the_database_allows_one_open_membership_per_person_and_circle(circle, learner):
    membership_join(circle_id=circle.pk, user=learner)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(circle=circle, member=learner, joined_at=circle.created_at)


def test_leaving_and_joining_again(circle, learner):
    membership_join(circle_id=circle.pk, user=learner)
    membership_leave(circle_id=circle.pk, user=learner)
    membership_join(circle_id=circle.pk, user=learner)
    assert Membership.objects.filter(circle=circle, member=learner).count() == 2
    with pytest.raises(CircleRefused) as refusal:
        membership_leave(circle_id=circle.pk, user=UserFactory())
    assert refusal.value.code == "not_member"


def test_the_leader_cannot_leave_an_active_circle(circle, leader):
    with pytest.raises(CircleRefused) as refusal:
        membership_leave(circle_id=circle.pk, user=leader)
    assert refusal.value.code == "leader_stays"


def test_a_meeting_puts_its_hours_in_each_attendees_record(circle, leader, members, today):
    held_on = today - datetime.timedelta(days=2)
    meeting = meeting_record(
        circle_id=circle.pk,
        by=leader,
        held_on=held_on,
        hours="2",
        topic="楷书基本笔画",
        attendee_ids=[members[0].pk, leader.pk],
    )
    assert _hours(members[0]) == [(f"circle:{meeting.pk}:{members[0].pk}", Decimal("2.0"))]
    assert _hours(leader) == [(f"circle:{meeting.pk}:{leader.pk}", Decimal("2.0"))]
    assert _hours(members[1]) == []
    entry = LearningEntry.objects.get(learner=members[0])
    assert "渔阳书法组" in entry.title and "楷书基本笔画" in entry.title
    assert meeting.place == "渔阳镇社区学校"  # the circle's usual venue when none is given


def test_editing_a_meeting_adjusts_and_withdraws_hours(circle, leader, members, today):
    held_on = today - datetime.timedelta(days=2)
    meeting = meeting_record(
        circle_id=circle.pk, by=leader, held_on=held_on, hours="2", topic="楷书", attendee_ids=[m.pk for m in members]
    )
    meeting_update(
        circle_id=circle.pk,
        meeting_id=meeting.pk,
        by=leader,
        held_on=held_on,
        hours="1.5",
        topic="楷书",
        attendee_ids=[members[1].pk],
    )
    assert _hours(members[0]) == []
    assert _hours(members[1]) == [(f"circle:{meeting.pk}:{members[1].pk}", Decimal("1.5"))]
    meeting_delete(circle_id=circle.pk, meeting_id=meeting.pk, by=leader)
    assert _hours(members[1]) == [] and not CircleMeeting.objects.exists()


def test_a_non_leader_cannot_record_change_or_delete_a_meeting(circle, leader, members, centre, today):
    held_on = today - datetime.timedelta(days=1)
    meeting = meeting_record(
        circle_id=circle.pk, by=leader, held_on=held_on, hours="2", topic="行书", attendee_ids=[members[0].pk]
    )
    for outsider in (members[0], centre):
        with pytest.raises(CircleRefused) as refusal:
            meeting_record(
                circle_id=circle.pk, by=outsider, held_on=held_on, hours="2", topic="伪造", attendee_ids=[outsider.pk]
            )
        assert refusal.value.status == 403
        with pytest.raises(CircleRefused):
            meeting_update(
                circle_id=circle.pk,
                meeting_id=meeting.pk,
                by=outsider,
                held_on=held_on,
                hours="8",
                topic="x",
                attendee_ids=[],
            )
        with pytest.raises(CircleRefused):
            meeting_delete(circle_id=circle.pk, meeting_id=meeting.pk, by=outsider)
    assert CircleMeeting.objects.get().hours == Decimal("2.0")
    assert _hours(members[0]) == [(f"circle:{meeting.pk}:{members[0].pk}", Decimal("2.0"))]


@pytest.mark.parametrize("hours", ["-1", "0", "0.2", "8.5", "100", "abc", "NaN", "Infinity", "1.25"])
def test_negative_or_absurd_hours_are_refused(circle, leader, members, today, hours):
    with pytest.raises(CircleRefused) as refusal:
        meeting_record(
            circle_id=circle.pk, by=leader, held_on=today, hours=hours, topic="练字", attendee_ids=[members[0].pk]
        )
    assert refusal.value.code == "invalid"
    assert not CircleMeeting.objects.exists() and not LearningEntry.objects.exists()


def test_an_attendee_who_is_not_a_member_is_refused(circle, leader, members, learner, today):
    with pytest.raises(CircleRefused) as refusal:
        meeting_record(
            circle_id=circle.pk,
            by=leader,
            held_on=today,
            hours="2",
            topic="练字",
            attendee_ids=[members[0].pk, learner.pk],
        )
    assert refusal.value.code == "not_member"
    assert not CircleMeeting.objects.exists() and not LearningEntry.objects.exists()


def test_attendance_of_a_meeting_still_to_come_is_refused_but_planning_it_is_fine(circle, leader, members, today):
    next_week = today + datetime.timedelta(days=7)
    with pytest.raises(CircleRefused):
        meeting_record(
            circle_id=circle.pk, by=leader, held_on=next_week, hours="2", topic="练字", attendee_ids=[members[0].pk]
        )
    meeting = meeting_record(circle_id=circle.pk, by=leader, held_on=next_week, hours="2", topic="练字")
    assert not CircleAttendance.objects.filter(meeting=meeting).exists()


def test_a_meeting_long_ago_is_refused(circle, leader, today):
    with pytest.raises(CircleRefused):
        meeting_record(
            circle_id=circle.pk, by=leader, held_on=today - datetime.timedelta(days=400), hours="2", topic="练字"
        )


def test_activity_is_recorded_by_the_leader_only(circle, leader, members, today):
    activity_record(circle_id=circle.pk, by=leader, kind="award", occurred_on=today, title="区书法比赛二等奖")
    with pytest.raises(CircleRefused) as refusal:
        activity_record(circle_id=circle.pk, by=members[0], kind="work", occurred_on=today, title="作品")
    assert refusal.value.status == 403
    with pytest.raises(CircleRefused):
        activity_record(circle_id=circle.pk, by=leader, kind="nonsense", occurred_on=today, title="作品")
    assert circle.activities.count() == 1


def test_assessment_counts_the_years_records(circle, leader, members, centre, today):
    for days in (1, 2):
        meeting_record(
            circle_id=circle.pk, by=leader, held_on=today - datetime.timedelta(days=days), hours="2", topic="练字"
        )
    activity_record(circle_id=circle.pk, by=leader, kind="event", occurred_on=today, title="春节写春联")
    activity_record(circle_id=circle.pk, by=leader, kind="work", occurred_on=today, title="作品集")
    assessment = assessment_create(circle_id=circle.pk, by=centre, year=today.year, rating=Rating.GOOD, note="活动规律")
    in_year = sum(1 for d in (1, 2) if (today - datetime.timedelta(days=d)).year == today.year)
    assert (assessment.meetings_held, assessment.events_held, assessment.outcomes) == (in_year, 1, 1)
    assert assessment.months_active >= min(in_year, 1)


def test_assessing_as_anyone_but_the_centre_is_refused(circle, leader, staff_a, today):
    for person in (leader, staff_a):
        with pytest.raises(CircleRefused) as refusal:
            assessment_create(circle_id=circle.pk, by=person, year=today.year, rating=Rating.EXCELLENT)
        assert refusal.value.status == 403
    assert not Assessment.objects.exists()


def test_a_second_assessment_for_the_same_year_is_refused(circle, centre, today):
    assessment_create(circle_id=circle.pk, by=centre, year=today.year, rating=Rating.PASS)
    with pytest.raises(CircleRefused) as refusal:
        assessment_create(circle_id=circle.pk, by=centre, year=today.year, rating=Rating.EXCELLENT)
    assert refusal.value.code == "already_assessed"
    assert Assessment.objects.get().rating == Rating.PASS
    with pytest.raises(CircleRefused):
        assessment_create(circle_id=circle.pk, by=centre, year=today.year + 1, rating=Rating.PASS)


def test_dissolving_closes_memberships_and_keeps_hours(circle, leader, members, today):
    meeting_record(circle_id=circle.pk, by=leader, held_on=today, hours="2", topic="练字", attendee_ids=[members[0].pk])
    with pytest.raises(CircleRefused):
        circle_dissolve(circle_id=circle.pk, by=members[0])
    circle_dissolve(circle_id=circle.pk, by=leader)
    assert StudyCircle.objects.get().status == CircleStatus.DISSOLVED
    assert not Membership.objects.filter(left_at__isnull=True).exists()
    assert len(_hours(members[0])) == 1
