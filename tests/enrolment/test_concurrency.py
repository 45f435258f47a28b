"""200 residents press 报名 at the same moment for 30 seats: real threads, each with its own connection.

PostgreSQL only: SQLite has a single writer, so there is no concurrency to test there (the serial rules
are covered in test_enrolment_services.py on both databases).
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from accounts.models import User
from courses.models import CourseClass
from enrolment.models import Enrolment
from enrolment.services import enrolment_cancel, enrolment_create

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so concurrent enrolment cannot be exercised",
    ),
]

LEARNERS, SEATS = 200, 30
# PostgreSQL's max_connections (100 by default) is shared with other test runs: 40 threads, each with its own
# connection, carry the 200 learners, all released together by a barrier.
THREADS = 40


def run_concurrently(fn, items):
    barrier = threading.Barrier(min(THREADS, len(items)))

    def worker(chunk):
        try:
            barrier.wait()
            return [fn(item) for item in chunk]
        finally:
            connections.close_all()

    chunks = [items[i::THREADS] for i in range(THREADS) if items[i::THREADS]]
    with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
        return [result for chunk_results in pool.map(worker, chunks) for result in chunk_results]


def test_200_learners_30_seats(make_class):
    klass = make_class(capacity=SEATS)
    learners = User.objects.bulk_create(
        [User(phone=f"1391234{i:04d}", display_name=f"居民{i}") for i in range(LEARNERS)]
    )

    results = run_concurrently(lambda u: enrolment_create(learner=u, course_class_id=klass.pk), learners)

    assert len(results) == LEARNERS  # no errors, nothing lost
    enrolments = list(Enrolment.objects.filter(course_class=klass).order_by("arrival"))
    assert len(enrolments) == LEARNERS
    assert [e.arrival for e in enrolments] == list(range(1, LEARNERS + 1))
    assert [e.status for e in enrolments] == ["enrolled"] * SEATS + ["waitlisted"] * (LEARNERS - SEATS)
    assert len({e.learner_id for e in enrolments}) == LEARNERS
    klass.refresh_from_db()
    assert klass.seats_taken == SEATS and klass.arrivals == LEARNERS

    # Cancel 10 of the 30 at once: exactly the first 10 waitlisted (arrivals 31–40) are promoted.
    leaving = enrolments[:10]
    run_concurrently(lambda e: enrolment_cancel(enrolment_id=e.pk, by=e.learner), leaving)
    after = {e.arrival: e.status for e in Enrolment.objects.filter(course_class=klass)}
    assert sorted(a for a, s in after.items() if s == "cancelled") == list(range(1, 11))
    assert sorted(a for a, s in after.items() if s == "enrolled") == list(range(11, 41))
    assert sorted(a for a, s in after.items() if s == "waitlisted") == list(range(41, LEARNERS + 1))
    assert CourseClass.objects.get(pk=klass.pk).seats_taken == SEATS


def test_same_learner_twice_at_once_gets_one_enrolment(make_class):
    klass = make_class(capacity=5)
    learner = User.objects.create_user("13912340000", "x-password-1", display_name="居民")
    outcomes = run_concurrently(
        lambda _i: _try(lambda: enrolment_create(learner=learner, course_class_id=klass.pk)), list(range(8))
    )
    assert sorted(outcomes, key=str).count("duplicate") == 7
    assert Enrolment.objects.filter(course_class=klass).count() == 1
    assert CourseClass.objects.get(pk=klass.pk).seats_taken == 1


def _try(fn):
    from enrolment.services import EnrolmentRefused

    try:
        fn()
        return "ok"
    except EnrolmentRefused as error:
        return error.code
