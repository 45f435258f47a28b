"""An enrolment costs the same number of queries however full its class is (the rush in docs/BENCHMARKS.md)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from enrolment.models import Enrolment
from enrolment.services import enrolment_create
from records.models import XapiStatement


def enrol_queries(client, course_class, learner) -> int:
    _token, plaintext = APIToken.create_token(user=learner, name="API")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"/api/v1/classes/{course_class.pk}/enrolments", HTTP_AUTHORIZATION=f"Bearer {plaintext}"
        )
    assert response.status_code == 201, response.content
    return len(queries)


def test_enrolment_queries_do_not_grow_with_the_class(client, make_class, residents):
    course_class = make_class(capacity=40, waitlist_limit=100)
    people = residents(45)
    first_seat = enrol_queries(client, course_class, people[0])
    for person in people[1:39]:
        enrolment_create(learner=person, course_class_id=course_class.pk)
    last_seat = enrol_queries(client, course_class, people[39])
    # Full: the next ones join the waitlist, which is counted against its limit; the same work for each.
    first_waiting = enrol_queries(client, course_class, people[40])
    for person in people[41:44]:
        enrolment_create(learner=person, course_class_id=course_class.pk)
    later_waiting = enrol_queries(client, course_class, people[44])
    assert Enrolment.objects.filter(course_class=course_class, holds_seat=True).count() == 40
    assert Enrolment.objects.filter(course_class=course_class).count() == 45
    assert last_seat == first_seat
    assert later_waiting == first_waiting


def verb_and_table(sql: str) -> tuple[str, str]:
    return sql.split()[0], re.search(r'(?:FROM|UPDATE|INTO) "(\w+)"', sql).group(1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the class row lock is PostgreSQL's SELECT … FOR UPDATE")
def test_under_the_class_lock_only_the_seat_the_enrolment_and_its_statement_are_written(make_class, residents):
    """Everyone enrolling in a class waits while one holds its lock: only four statements run under it (the lock,
    the counters, the enrolment, the xAPI "registered" statement), for a learner new to xAPI too. (A full class
    whose waitlist has a limit also counts its waitlist there.)"""
    course_class = make_class(capacity=1, waitlist_limit=None)
    for person in residents(2):  # the first takes the seat, the second joins the waitlist
        with CaptureQueriesContext(connection) as queries:
            enrolment_create(learner=person, course_class_id=course_class.pk)
        sql = [q["sql"] for q in queries]
        locked = next(i for i, text in enumerate(sql) if "FOR UPDATE" in text)
        # The test runs in a transaction, so the service's own transaction is a savepoint, released at its end.
        end = max(i for i, text in enumerate(sql) if text.startswith("RELEASE SAVEPOINT"))
        assert [verb_and_table(text) for text in sql[locked:end]] == [
            ("SELECT", "courses_courseclass"),
            ("UPDATE", "courses_courseclass"),
            ("INSERT", "enrolment_enrolment"),
            ("INSERT", "records_xapistatement"),
        ], sql[locked:end]
        assert "ON CONFLICT DO NOTHING" in sql[end - 1]
        # The locked read takes the seat columns only: the course page and its category were read before the lock.
        selected = sql[locked].split(" FROM ")[0]
        assert "wagtailcore_page" not in selected and "courses_coursepage" not in selected, sql[locked]
        assert XapiStatement.objects.get(learner=person).verb == "registered"
