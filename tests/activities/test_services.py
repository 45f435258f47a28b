"""Sign-up, waitlist, promotion, cancel and attendance for events: the shared seat rules, on both databases."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.models import EventPage, EventSignup
from activities.services import event_attendance_set, event_signup, event_signup_cancel
from enrolment.refusals import EnrolmentRefused
from records.models import LearningEntry

pytestmark = pytest.mark.django_db


def _seats(event):
    row = EventPage.objects.values("seats_taken", "arrivals").get(pk=event.pk)
    return row["seats_taken"], row["arrivals"]


def test_seats_then_waitlist_in_arrival_order(make_event, residents):
    event = make_event(capacity=2)
    people = residents(4)
    places = [event_signup(resident=p, event_id=event.pk) for p in people]
    assert [p.status for p in places] == ["signed_up", "signed_up", "waitlisted", "waitlisted"]
    assert [p.arrival for p in places] == [1, 2, 3, 4]
    assert _seats(event) == (2, 4)


def test_cancel_promotes_first_waitlisted_and_texts_them(
    make_event, residents, sms_outbox, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1, title="防电信诈骗讲座")
    first, second, third = residents(3)
    seat = event_signup(resident=first, event_id=event.pk)
    event_signup(resident=second, event_id=event.pk)
    event_signup(resident=third, event_id=event.pk)
    with django_capture_on_commit_callbacks(execute=True):
        event_signup_cancel(signup_id=seat.pk, by=first)
    statuses = dict(EventSignup.objects.filter(event=event).values_list("resident_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "signed_up", third.pk: "waitlisted"}
    assert _seats(event) == (1, 3)
    assert [m.phone for m in sms_outbox] == [second.phone]
    assert "防电信诈骗讲座" in sms_outbox[0].body


def test_cancel_without_waitlist_frees_the_seat(make_event, residents):
    event = make_event(capacity=2)
    (person,) = residents(1)
    place = event_signup(resident=person, event_id=event.pk)
    event_signup_cancel(signup_id=place.pk, by=person)
    assert _seats(event) == (0, 1)
    again = event_signup(resident=person, event_id=event.pk)  # a cancelled place does not block a new one
    assert again.status == "signed_up" and _seats(event) == (1, 2)


def test_signing_up_twice_is_refused(make_event, residents):
    event = make_event(capacity=5)
    (person,) = residents(1)
    event_signup(resident=person, event_id=event.pk)
    with pytest.raises(EnrolmentRefused) as refused:
        event_signup(resident=person, event_id=event.pk)
    assert refused.value.code == "duplicate" and "无需重复报名" in refused.value.message
    assert EventSignup.objects.filter(event=event).count() == 1 and _seats(event) == (1, 1)


def test_the_database_allows_one_active_signup_per_person(make_event, residents):
    event = make_event(capacity=5)
    (person,) = residents(1)
    event_signup(resident=person, event_id=event.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventSignup.objects.create(event=event, resident=person, status="waitlisted", arrival=99)


def test_full_event_with_full_waitlist_refuses(make_event, residents):
    event = make_event(capacity=1, waitlist_limit=1)
    a, b, c = residents(3)
    event_signup(resident=a, event_id=event.pk)
    assert event_signup(resident=b, event_id=event.pk).status == "waitlisted"
    with pytest.raises(EnrolmentRefused) as refused:
        event_signup(resident=c, event_id=event.pk)
    assert refused.value.code == "full_no_waitlist"
    assert not EventSignup.objects.filter(resident=c).exists() and _seats(event) == (1, 2)


def test_waitlist_limit_zero_means_no_waitlist(make_event, residents):
    event = make_event(capacity=1, waitlist_limit=0)
    a, b = residents(2)
    event_signup(resident=a, event_id=event.pk)
    with pytest.raises(EnrolmentRefused):
        event_signup(resident=b, event_id=event.pk)


def test_signup_after_the_deadline_is_refused(make_event, residents):
    event = make_event(capacity=10, signup_closes=timezone.now() + datetime.timedelta(days=1))
    (person,) = residents(1)
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(EnrolmentRefused) as refused:
        event_signup(resident=person, event_id=event.pk, now=later)
    assert refused.value.code == "closed" and "报名已于" in refused.value.message
    assert not EventSignup.objects.exists() and _seats(event) == (0, 0)


def test_open_event_takes_no_seat(make_event, residents):
    event = make_event(capacity=None)
    (person,) = residents(1)
    place = event_signup(resident=person, event_id=event.pk)
    assert place.status == "signed_up" and not place.holds_seat
    assert _seats(event) == (0, 1)


def test_draft_event_cannot_be_signed_up_for(make_event, residents):
    event = make_event(capacity=3, publish=False)
    (person,) = residents(1)
    with pytest.raises(EnrolmentRefused) as refused:
        event_signup(resident=person, event_id=event.pk)
    assert refused.value.code == "not_found"


def test_event_ending_before_it_starts_is_a_form_error_and_a_db_error(make_event):
    event = make_event(capacity=3)
    event.ends_at = event.starts_at - datetime.timedelta(hours=1)
    with pytest.raises(ValidationError) as invalid:
        event.full_clean()
    assert "结束时间必须晚于开始时间" in str(invalid.value.message_dict["ends_at"])
    with pytest.raises(IntegrityError), transaction.atomic():
        EventPage.objects.filter(pk=event.pk).update(ends_at=event.starts_at)


def test_capacity_cannot_drop_below_seats_taken(make_event, residents):
    event = make_event(capacity=3)
    for person in residents(2):
        event_signup(resident=person, event_id=event.pk)
    event = EventPage.objects.get(pk=event.pk)
    event.capacity = 1
    with pytest.raises(ValidationError) as invalid:
        event.full_clean()
    assert "不能少于已报名的2人" in str(invalid.value.message_dict["capacity"])


def test_publishing_a_revision_keeps_the_counters(make_event, residents):
    event = make_event(capacity=3)
    revision = EventPage.objects.get(pk=event.pk).save_revision()  # counters 0 in the revision
    for person in residents(2):
        event_signup(resident=person, event_id=event.pk)
    revision.publish()
    assert _seats(event) == (2, 2)


def test_raising_capacity_and_publishing_promotes_the_waitlist(
    make_event, residents, django_capture_on_commit_callbacks
):
    event = make_event(capacity=1)
    a, b, c = residents(3)
    for person in (a, b, c):
        event_signup(resident=person, event_id=event.pk)
    page = EventPage.objects.get(pk=event.pk)
    page.capacity = 2
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    statuses = dict(EventSignup.objects.filter(event=event).values_list("resident_id", "status"))
    assert statuses == {a.pk: "signed_up", b.pk: "signed_up", c.pk: "waitlisted"}
    assert _seats(event) == (2, 3)


# --- attendance -------------------------------------------------------------------------------------------


def _past_event(make_event, **fields):
    return make_event(starts_in=datetime.timedelta(hours=-3), **fields)


def _signed_up(event, people):
    """Sign-ups made before the event started (the service refuses later ones)."""
    before = event.starts_at - datetime.timedelta(days=1)
    return [event_signup(resident=p, event_id=event.pk, now=before) for p in people]


def test_marking_attendance_records_hours_and_unmarking_withdraws_them(make_event, residents, staff_a):
    event = _past_event(make_event, capacity=10, hours=Decimal("1.5"), title="农技送教下乡·果树冬季修剪")
    came, absent = _signed_up(event, residents(2))
    result = event_attendance_set(event_id=event.pk, present_signup_ids={came.pk}, by=staff_a)
    assert (result.added, result.removed) == (1, 0)
    entry = LearningEntry.objects.get(source=f"event:{event.pk}:{came.resident_id}")
    assert entry.hours == Decimal("1.5") and entry.title == "农技送教下乡·果树冬季修剪"
    assert not LearningEntry.objects.filter(learner=absent.resident).exists()

    result = event_attendance_set(event_id=event.pk, present_signup_ids={absent.pk}, by=staff_a)
    assert (result.added, result.removed) == (1, 1)
    assert not LearningEntry.objects.filter(source=f"event:{event.pk}:{came.resident_id}").exists()
    assert LearningEntry.objects.filter(source=f"event:{event.pk}:{absent.resident_id}").exists()


def test_another_schools_staff_cannot_mark_attendance(make_event, residents, staff_b):
    event = _past_event(make_event, capacity=10)
    (place,) = _signed_up(event, residents(1))
    with pytest.raises(EnrolmentRefused) as refused:
        event_attendance_set(event_id=event.pk, present_signup_ids={place.pk}, by=staff_b)
    assert refused.value.code == "not_found"
    assert EventSignup.objects.get(pk=place.pk).attended_at is None
    assert not LearningEntry.objects.exists()


def test_roll_call_refuses_people_not_signed_up(make_event, residents, staff_a, tree):
    event = _past_event(make_event, capacity=10)
    other = _past_event(make_event, capacity=10, title="非遗剪纸展演")
    (stranger,) = _signed_up(other, residents(1))
    with pytest.raises(EnrolmentRefused) as refused:
        event_attendance_set(event_id=event.pk, present_signup_ids={stranger.pk}, by=staff_a)
    assert refused.value.code == "not_enrolled"


def test_roll_call_before_the_event_is_refused(make_event, residents, staff_a):
    event = make_event(capacity=10)
    (place,) = _signed_up(event, residents(1))
    with pytest.raises(EnrolmentRefused) as refused:
        event_attendance_set(event_id=event.pk, present_signup_ids={place.pk}, by=staff_a)
    assert refused.value.code == "not_open"


def test_attended_signup_cannot_be_cancelled(make_event, residents, staff_a):
    event = _past_event(make_event, capacity=10)
    (place,) = _signed_up(event, residents(1))
    event_attendance_set(event_id=event.pk, present_signup_ids={place.pk}, by=staff_a)
    with pytest.raises(EnrolmentRefused):
        event_signup_cancel(signup_id=place.pk, by=place.resident)


def test_someone_elses_signup_looks_missing(make_event, residents):
    event = make_event(capacity=10)
    owner, other = residents(2)
    place = event_signup(resident=owner, event_id=event.pk)
    with pytest.raises(EnrolmentRefused) as refused:
        event_signup_cancel(signup_id=place.pk, by=other)
    assert refused.value.code == "not_found"
    assert EventSignup.objects.get(pk=place.pk).status == "signed_up"


def test_admin_form_says_the_end_must_follow_the_start(make_event, staff_a):
    event = make_event(capacity=3)
    form_class = EventPage.get_edit_handler().get_form_class()
    start = timezone.localtime(event.starts_at)
    data = {
        "title": event.title,
        "slug": event.slug,
        "kind": "lecture",
        "starts_at": start.strftime("%Y-%m-%d %H:%M"),
        "ends_at": (start - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "venue": event.venue_id,
        "summary": "政策解读。",
        "hours": "2",
        "capacity": "3",
    }
    form = form_class(
        data, instance=EventPage.objects.get(pk=event.pk), parent_page=event.get_parent(), for_user=staff_a
    )
    assert not form.is_valid()
    assert "结束时间必须晚于开始时间。" in form.errors["ends_at"]
