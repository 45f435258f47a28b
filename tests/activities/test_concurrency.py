"""120 residents press 报名 for a 20-seat event at the same moment: real threads, each with its own connection.
PostgreSQL only (SQLite has a single writer): no oversell, arrival order kept, cancellations promote in order."""

import pytest
from django.db import connection

from accounts.models import User
from activities.models import EventPage, EventSignup
from activities.services import event_signup, event_signup_cancel
from tests.enrolment.test_concurrency import run_concurrently

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so concurrent sign-up cannot be exercised",
    ),
]

RESIDENTS, SEATS, WAITLIST = 120, 20, 50


def _try(fn):
    try:
        fn()
        return "ok"
    except Exception as error:  # noqa: BLE001 — the refusal's code is what is counted
        return getattr(error, "code", repr(error))


def test_no_oversell_and_waitlist_capped(make_event):
    event = make_event(capacity=SEATS, waitlist_limit=WAITLIST)
    people = User.objects.bulk_create(
        [User(phone=f"1381234{i:04d}", display_name=f"居民{i}") for i in range(RESIDENTS)]
    )

    outcomes = run_concurrently(lambda u: _try(lambda: event_signup(resident=u, event_id=event.pk)), people)

    assert outcomes.count("ok") == SEATS + WAITLIST
    assert outcomes.count("full_no_waitlist") == RESIDENTS - SEATS - WAITLIST
    places = list(EventSignup.objects.filter(event=event).order_by("arrival"))
    assert [p.arrival for p in places] == list(range(1, SEATS + WAITLIST + 1))
    assert [p.status for p in places] == ["signed_up"] * SEATS + ["waitlisted"] * WAITLIST
    row = EventPage.objects.values("seats_taken", "arrivals").get(pk=event.pk)
    assert row == {"seats_taken": SEATS, "arrivals": SEATS + WAITLIST}

    # Five seat holders cancel at once: exactly the first five waitlisted move up.
    run_concurrently(lambda p: event_signup_cancel(signup_id=p.pk, by=p.resident), places[:5])
    after = {p.arrival: p.status for p in EventSignup.objects.filter(event=event)}
    assert sorted(a for a, s in after.items() if s == "signed_up") == list(range(6, SEATS + 6))
    assert EventPage.objects.get(pk=event.pk).seats_taken == SEATS


def test_same_resident_twice_at_once_gets_one_place(make_event):
    event = make_event(capacity=5)
    person = User.objects.create_user("13812340000", "x-password-1", display_name="居民")
    outcomes = run_concurrently(
        lambda _i: _try(lambda: event_signup(resident=person, event_id=event.pk)), list(range(8))
    )
    assert sorted(outcomes).count("duplicate") == 7
    assert EventSignup.objects.filter(event=event).count() == 1
    assert EventPage.objects.get(pk=event.pk).seats_taken == 1
