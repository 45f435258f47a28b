"""An enrolment costs the same number of queries however full its class is (the rush in docs/BENCHMARKS.md)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from enrolment.models import Enrolment
from enrolment.services import enrolment_create


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
