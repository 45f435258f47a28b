"""A person's circle data is in their my-data export and goes when they erase their account."""

import datetime

from accounts.personal_data import personal_data_export
from accounts.services import account_delete
from circles.models import CircleAttendance, Membership, StudyCircle
from circles.services import meeting_record
from records.models import LearningEntry

PASSWORD = "correct-horse-battery"


def test_export_and_erase(circle, leader, members, today):
    meeting_record(
        circle_id=circle.pk,
        by=leader,
        held_on=today - datetime.timedelta(days=1),
        hours="2",
        topic="楷书",
        attendee_ids=[members[0].pk, leader.pk],
    )
    exported = personal_data_export(members[0])["study_circles"]
    assert [m["circle"] for m in exported["memberships"]] == ["渔阳书法组"]
    assert exported["meetings_attended"][0]["topic"] == "楷书" and exported["meetings_attended"][0]["hours"] == "2.0"
    assert personal_data_export(leader)["study_circles"]["led"][0]["circle"] == "渔阳书法组"

    account_delete(user=members[0], password=PASSWORD)
    assert Membership.objects.filter(circle=circle).count() == 2
    assert CircleAttendance.objects.count() == 1 and LearningEntry.objects.count() == 1

    account_delete(user=leader, password=PASSWORD)
    circle = StudyCircle.objects.get()
    assert circle.leader is None and not CircleAttendance.objects.exists() and not LearningEntry.objects.exists()
