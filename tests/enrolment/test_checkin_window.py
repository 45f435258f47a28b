"""QR check-in is taken only while the meeting is on; times are shown in Beijing time; no 0-hour completion."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from enrolment.checkin import checkin_code
from enrolment.models import Attendance, Enrolment, Meeting
from enrolment.services import EnrolmentRefused, attendance_check_in, enrolment_complete, enrolment_create
from records.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(klass, learner):
    return enrolment_create(learner=learner, course_class_id=klass.pk)


def _meeting(klass, starts_at, hours="2"):
    return Meeting.objects.create(course_class=klass, starts_at=starts_at, hours=Decimal(hours))


def _check_in(meeting, learner, at):
    return attendance_check_in(
        meeting_id=meeting.pk, learner=learner, code=checkin_code(meeting_id=meeting.pk, at=at), at=at
    )


def test_check_in_only_from_half_an_hour_before_until_the_end(klass, enrolled, learner, settings):
    assert (settings.CHECK_IN_OPENS_MINUTES_BEFORE, settings.CHECK_IN_CLOSES_MINUTES_AFTER) == (30, 0)
    # 09:00 Beijing time (01:00 UTC), two hours.
    starts = datetime.datetime(2026, 12, 3, 1, 0, tzinfo=datetime.UTC)
    meeting = _meeting(klass, starts)
    minutes = datetime.timedelta(minutes=1)
    for at in (starts - datetime.timedelta(days=2), starts - 31 * minutes, starts + 121 * minutes):
        with pytest.raises(EnrolmentRefused) as refused:
            _check_in(meeting, learner, at)
        assert refused.value.code == "not_open" and refused.value.status == 409
        assert "2026-12-03 08:30至11:00（北京时间）" in refused.value.message
    assert not Attendance.objects.exists()
    assert _check_in(meeting, learner, starts - 29 * minutes).meeting == meeting
    other = _meeting(klass, starts + datetime.timedelta(days=7))
    assert _check_in(other, learner, other.starts_at + 120 * minutes).meeting == other  # up to the end


def test_check_in_page_shows_beijing_time(client, klass, enrolled, learner):
    starts = timezone.now().replace(second=0, microsecond=0)
    meeting = _meeting(klass, starts)
    local, utc = f"{timezone.localtime(starts):%H:%M}", f"{starts.astimezone(datetime.UTC):%H:%M}"
    assert local != utc  # Asia/Shanghai is UTC+8
    client.force_login(learner)
    url = f"/checkin/{meeting.pk}/{checkin_code(meeting_id=meeting.pk)}/"
    page = client.get(url).content.decode()
    assert local in page and utc not in page
    done = client.post(url, follow=True).content.decode()
    assert "签到成功" in done and local in done and f" {utc}" not in done


def test_check_in_before_the_meeting_explains_when(client, klass, enrolled, learner):
    meeting = _meeting(klass, timezone.now() + datetime.timedelta(days=3))
    client.force_login(learner)
    response = client.post(f"/checkin/{meeting.pk}/{checkin_code(meeting_id=meeting.pk)}/")
    assert response.status_code == 409 and "现在不能签到" in response.content.decode()
    assert not Attendance.objects.exists()


def test_no_completion_without_attendance(client, klass, enrolled, staff_a, present):
    with pytest.raises(EnrolmentRefused) as refused:
        enrolment_complete(enrolment_id=enrolled.pk, by=staff_a)
    assert refused.value.code == "nothing_attended" and refused.value.status == 409
    client.force_login(staff_a)
    page = client.post(f"/teach/classes/{klass.pk}/enrolments/{enrolled.pk}/complete/", follow=True)
    assert "不能确认结业" in page.content.decode()
    assert Enrolment.objects.get(pk=enrolled.pk).status == "enrolled" and not Certificate.objects.exists()
    present(enrolled, by=staff_a)
    assert enrolment_complete(enrolment_id=enrolled.pk, by=staff_a).status == "completed"
    assert Certificate.objects.get().hours == Decimal("2")
