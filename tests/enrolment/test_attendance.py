"""Attendance: roll call by ticking names, rotating QR check-in, hours, completion by threshold."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from enrolment.checkin import checkin_code, checkin_code_state
from enrolment.models import Attendance, Enrolment, Meeting
from enrolment.services import (
    EnrolmentRefused,
    attendance_check_in,
    attendance_roll_call,
    enrolment_create,
    meeting_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taught(make_class, teacher, residents):
    klass = make_class(capacity=2, teacher=teacher, course_fields={"completion_attendance_percent": 75})
    people = residents(3)
    enrolments = [enrolment_create(learner=p, course_class_id=klass.pk) for p in people]  # third is waitlisted
    start = timezone.now().replace(second=0, microsecond=0)
    meetings = [
        meeting_create(
            course_class_id=klass.pk, starts_at=start + datetime.timedelta(days=7 * i), hours=Decimal("2"), by=teacher
        )
        for i in range(4)
    ]
    return klass, people, enrolments, meetings


def test_roll_call_adds_hours_and_completes_at_threshold(taught, teacher):
    klass, people, enrolments, meetings = taught
    a, b, _waiting = enrolments
    for meeting in meetings[:2]:
        attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids={a.pk, b.pk}, by=teacher)
    attendance_roll_call(meeting_id=meetings[2].pk, present_enrolment_ids={a.pk}, by=teacher)
    a.refresh_from_db(), b.refresh_from_db()
    assert a.hours_attended == Decimal("6") and a.status == "completed"  # 6 of 8 hours = 75%
    assert b.hours_attended == Decimal("4") and b.status == "enrolled"
    # Unticking removes the record and the hours.
    result = attendance_roll_call(meeting_id=meetings[0].pk, present_enrolment_ids={a.pk}, by=teacher)
    assert (result.added, result.removed) == (0, 1)
    b.refresh_from_db()
    assert b.hours_attended == Decimal("2")


def test_roll_call_refuses_waitlisted_and_strangers(taught, teacher, staff_b):
    klass, people, enrolments, meetings = taught
    with pytest.raises(EnrolmentRefused) as info:
        attendance_roll_call(meeting_id=meetings[0].pk, present_enrolment_ids={enrolments[2].pk}, by=teacher)
    assert info.value.code == "not_enrolled"
    with pytest.raises(EnrolmentRefused) as info:
        attendance_roll_call(meeting_id=meetings[0].pk, present_enrolment_ids={enrolments[0].pk}, by=staff_b)
    assert info.value.code == "not_found"
    assert not Attendance.objects.exists()


def test_qr_code_changes_every_minute_and_names_its_meeting(taught):
    *_rest, meetings = taught
    at = datetime.datetime(2026, 3, 1, 9, 0, 20, tzinfo=datetime.UTC)
    code = checkin_code(meeting_id=meetings[0].pk, at=at)
    assert checkin_code_state(meeting_id=meetings[0].pk, code=code, at=at) == "valid"
    assert checkin_code_state(meeting_id=meetings[1].pk, code=code, at=at) == "invalid"
    assert checkin_code(meeting_id=meetings[0].pk, at=at + datetime.timedelta(minutes=1)) != code
    # A few seconds' grace after the minute turns, then it is gone.
    assert checkin_code_state(meeting_id=meetings[0].pk, code=code, at=at + datetime.timedelta(seconds=45)) == "valid"
    assert checkin_code_state(meeting_id=meetings[0].pk, code=code, at=at + datetime.timedelta(seconds=70)) == "invalid"
    assert checkin_code_state(meeting_id=meetings[0].pk, code="x" * 16, at=at) == "invalid"


def test_qr_check_in_page(client, taught):
    klass, people, enrolments, meetings = taught
    meeting = meetings[0]
    client.force_login(people[0])
    code = checkin_code(meeting_id=meeting.pk)
    url = f"/checkin/{meeting.pk}/{code}/"
    assert "确认签到" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=enrolments[0].pk).hours_attended == Decimal("2")
    # Replaying the same code: refused, nothing added.
    response = client.post(url)
    assert response.status_code == 409 and "已经签到" in response.content.decode()
    assert Attendance.objects.count() == 1


def test_expired_or_foreign_code_refused(client, taught):
    klass, people, enrolments, meetings = taught
    client.force_login(people[0])
    old = checkin_code(meeting_id=meetings[0].pk, at=timezone.now() - datetime.timedelta(minutes=3))
    response = client.post(f"/checkin/{meetings[0].pk}/{old}/")
    assert response.status_code == 400 and "过期" in response.content.decode()
    other_meeting_code = checkin_code(meeting_id=meetings[1].pk)
    assert client.post(f"/checkin/{meetings[0].pk}/{other_meeting_code}/").status_code == 400
    assert not Attendance.objects.exists()


def test_waitlisted_or_outsider_cannot_check_in(taught, residents):
    klass, people, enrolments, meetings = taught
    code = checkin_code(meeting_id=meetings[0].pk)
    for learner in (people[2], residents(1)[0]):
        with pytest.raises(EnrolmentRefused) as info:
            attendance_check_in(meeting_id=meetings[0].pk, learner=learner, code=code)
        assert info.value.code == "not_enrolled"
    assert not Attendance.objects.exists()


def test_teacher_pages(client, taught, teacher, staff_b):
    klass, people, enrolments, meetings = taught
    meeting = meetings[0]
    client.force_login(staff_b)
    assert client.get(f"/teach/meetings/{meeting.pk}/qr/").status_code == 404
    assert client.post(f"/teach/meetings/{meeting.pk}/", {"present": [enrolments[0].pk]}).status_code == 404
    client.force_login(teacher)
    page = client.get(f"/teach/meetings/{meeting.pk}/qr/").content.decode()
    assert "<svg" in page and 'http-equiv="refresh"' in page
    page = client.get(f"/teach/meetings/{meeting.pk}/").content.decode()
    assert people[0].display_name in page and people[2].display_name not in page  # waitlisted not on roll
    client.post(f"/teach/meetings/{meeting.pk}/", {"present": [enrolments[0].pk, enrolments[1].pk]})
    assert Attendance.objects.filter(meeting=meeting).count() == 2
    client.post(f"/teach/meetings/{meeting.pk}/", {"present": ["abc"]})
    assert Attendance.objects.filter(meeting=meeting).count() == 2


def test_add_meeting_from_roster(client, taught, teacher):
    klass, *_ = taught
    client.force_login(teacher)
    response = client.post(f"/teach/classes/{klass.pk}/", {"starts_at": "2026-12-01T09:00", "hours": "2.5"})
    assert response.status_code == 302
    assert Meeting.objects.filter(course_class=klass, hours=Decimal("2.5")).exists()
    response = client.post(f"/teach/classes/{klass.pk}/", {"starts_at": "soon", "hours": "-1"})
    assert response.status_code == 200 and Meeting.objects.filter(course_class=klass).count() == 5
