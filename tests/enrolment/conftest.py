import itertools
from decimal import Decimal

import pytest
from django.utils import timezone

from enrolment.models import Meeting
from enrolment.services import attendance_roll_call

_minutes = itertools.count()


@pytest.fixture
def present():
    """The learner of `enrolment` was at a new 2-hour meeting of its class (teacher's roll call by `by`): a
    class is only completed for someone who attended."""

    def mark(enrolment, *, by, hours=Decimal("2")):
        starts_at = timezone.now() - timezone.timedelta(minutes=next(_minutes))
        meeting = Meeting.objects.create(course_class=enrolment.course_class, starts_at=starts_at, hours=hours)
        attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids={enrolment.pk}, by=by)
        return meeting

    return mark
