"""The learning-hours ledger: hours from any source, recorded once per learning event (idempotent on its
source key), withdrawn when the source corrects itself; 我的学习 adds up the ledger, in a fixed number of
queries, and no longer reads attendance."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Category
from enrolment.checkin import checkin_code
from enrolment.models import Attendance
from enrolment.services import attendance_check_in, attendance_roll_call, enrolment_create
from records.models import LearningEntry, XapiStatement
from records.selectors import learning_summary
from records.services import (
    HoursLearned,
    RecordsRefused,
    learning_hours_record,
    learning_hours_record_many,
    learning_hours_withdraw,
)

pytestmark = pytest.mark.django_db


def _lesson(learner, **overrides):
    fields = {
        "learner": learner,
        "source": "media.lesson-watched:7",
        "title": "书法入门（线上课）",
        "hours": Decimal("1.5"),
        "occurred_at": timezone.now(),
        "category": Category.objects.get_or_create(name="书法")[0],
        "provider": "蓟州区老年大学",
        **overrides,
    }
    return learning_hours_record(**fields)


def test_recording_the_same_learning_event_twice_keeps_one_entry(learner):
    first = _lesson(learner)
    again = _lesson(learner, hours=Decimal("9"), title="别的标题")
    assert again.pk == first.pk and LearningEntry.objects.count() == 1
    assert again.hours == Decimal("1.5") and again.title == "书法入门（线上课）"  # the first record stands
    assert learning_summary(learner).hours == Decimal("1.5")


def test_withdrawing_takes_the_hours_out(learner):
    _lesson(learner)
    assert learning_hours_withdraw(source="media.lesson-watched:7") is True
    assert learning_hours_withdraw(source="media.lesson-watched:7") is False
    assert learning_summary(learner).hours == 0


def test_hours_are_never_negative(learner):
    with pytest.raises(RecordsRefused) as refused:
        _lesson(learner, hours=Decimal("-1"))
    assert refused.value.code == "invalid" and not LearningEntry.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        LearningEntry.objects.create(
            learner=learner, source="x", title="x", hours=Decimal("-1"), occurred_at=timezone.now()
        )


def _many(learner, *sources, hours=Decimal("2")):
    return [
        HoursLearned(learner=learner, source=source, title="广场舞", hours=hours, occurred_at=timezone.now())
        for source in sources
    ]


def test_recording_many_at_once_is_idempotent_on_the_source_as_one_by_one_is(learner):
    _lesson(learner, source="demo:1")
    assert learning_hours_record_many(_many(learner, "demo:1", "demo:2", "demo:3", "demo:2")) == 2
    assert learning_hours_record_many(_many(learner, "demo:1", "demo:2", "demo:3")) == 0
    assert sorted(LearningEntry.objects.values_list("source", flat=True)) == ["demo:1", "demo:2", "demo:3"]
    assert LearningEntry.objects.get(source="demo:1").title == "书法入门（线上课）"  # the first record stands
    assert learning_summary(learner).hours == Decimal("5.5")


def test_recording_many_refuses_them_all_if_one_has_invalid_hours(learner):
    entries = _many(learner, "demo:1", "demo:2") + _many(learner, "demo:3", hours=Decimal("NaN"))
    with pytest.raises(RecordsRefused) as refused:
        learning_hours_record_many(entries)
    assert refused.value.code == "invalid" and not LearningEntry.objects.exists()


def test_hours_from_another_source_count_by_their_year_and_category(completed, learner):
    _lesson(learner, occurred_at=timezone.now().replace(year=2025))
    summary = learning_summary(learner)
    rows = {(row.year, row.category): row for year in summary.years for row in year.rows}
    assert rows[(2025, "书法")].class_hours == Decimal("1.5")
    assert summary.hours == Decimal("7.5") and summary.meetings_attended == 4


def test_the_summary_reads_the_ledger_not_attendance(completed, learner):
    entries = list(LearningEntry.objects.filter(learner=learner).values_list("source", "title", "provider", "hours"))
    assert sorted(entries) == sorted(
        (f"enrolment.attendance:{completed.pk}:{m.pk}", "梨树冬季修剪技术（冬季班）", "罗庄子镇成人文化技术学校", 2)
        for m in completed.course_class.meetings.all()
    )
    Attendance.objects.all().delete()  # behind the services' back: the record does not move
    summary = learning_summary(learner)
    assert summary.hours == 6 and summary.meetings_attended == 3


def test_roll_call_corrected_withdraws_and_rerecords_the_hours(make_course, learner, staff_a, attend):
    klass = make_course()
    enrolment = attend(enrolment_create(learner=learner, course_class_id=klass.pk), by=staff_a, n=2)
    assert learning_summary(learner).hours == 4
    first = klass.meetings.order_by("starts_at").first()
    attendance_roll_call(meeting_id=first.pk, present_enrolment_ids=set(), by=staff_a)  # unticked
    assert learning_summary(learner).hours == 2
    assert not LearningEntry.objects.filter(source=f"enrolment.attendance:{enrolment.pk}:{first.pk}").exists()
    attendance_roll_call(meeting_id=first.pk, present_enrolment_ids={enrolment.pk}, by=staff_a)  # ticked again
    assert learning_summary(learner).hours == 4
    # The statement is keyed by enrolment and meeting: the same one, not a second.
    assert XapiStatement.objects.filter(learner=learner, verb="attended").count() == 2


def test_qr_check_in_records_hours_and_a_statement(make_course, learner):
    klass = make_course(meetings=1)
    enrolment_create(learner=learner, course_class_id=klass.pk)
    meeting = klass.meetings.get()
    at = meeting.starts_at  # check-in is taken while the meeting is on
    attendance_check_in(meeting_id=meeting.pk, learner=learner, code=checkin_code(meeting_id=meeting.pk, at=at), at=at)
    entry = LearningEntry.objects.get(learner=learner)
    assert entry.hours == 2 and entry.occurred_at == meeting.starts_at and entry.category.name == "农业技术"
    statement = XapiStatement.objects.get(learner=learner, verb="attended").statement
    assert statement["object"]["id"].endswith(f"/xapi/activities/meeting/{meeting.pk}")
    assert statement["context"]["contextActivities"]["parent"][0]["id"].endswith(f"/xapi/activities/class/{klass.pk}")


def test_summary_runs_a_fixed_number_of_queries(
    completed, make_course, learner, staff_a, attend, centre, django_assert_num_queries
):
    # rules, ledger, recognitions, conversion, certificates, and one per registered source (enrolment, media)
    with django_assert_num_queries(7):
        learning_summary(learner)
    more = make_course(title="书法入门", category="书法", meetings=2)
    attend(enrolment_create(learner=learner, course_class_id=more.pk), by=staff_a)
    _lesson(learner, occurred_at=timezone.now() - datetime.timedelta(days=400))
    with django_assert_num_queries(7):
        summary = learning_summary(learner)
    assert summary.meetings_attended == 6 and len(summary.activities) == 2
