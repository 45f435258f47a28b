"""Server-rendered enrolment pages: the class card's 报名 button, 我的报名, and the /teach/ pages."""

import csv
import io

import pytest
from openpyxl import load_workbook

from enrolment.models import Enrolment, PhoneReveal
from enrolment.services import enrolment_create

pytestmark = pytest.mark.django_db


def course_url(klass):
    return klass.course.url


def test_card_shows_enrol_button_and_enrols(client, klass, residents):
    person = residents(1)[0]
    client.force_login(person)
    page = client.get(course_url(klass)).content.decode()
    assert f'action="/classes/{klass.pk}/enrol/"' in page and "报名" in page
    response = client.post(f"/classes/{klass.pk}/enrol/", follow=True)
    assert "报名成功" in response.content.decode()
    assert Enrolment.objects.get(learner=person).status == "enrolled"
    page = client.get(course_url(klass)).content.decode()
    assert "您已报名" in page and "取消报名" in page


def test_card_shows_waitlist_position(client, make_class, residents):
    klass = make_class(capacity=1)
    first, second = residents(2)
    enrolment_create(learner=first, course_class_id=klass.pk)
    client.force_login(second)
    assert "报名候补" in client.get(course_url(klass)).content.decode()
    response = client.post(f"/classes/{klass.pk}/enrol/", follow=True)
    assert "排第1位" in response.content.decode()
    assert "候补第1位" in client.get(course_url(klass)).content.decode()


def test_card_shows_why_closed(client, make_class, residents):
    started = make_class(starts_in_days=-1, label="已开班")
    client.force_login(residents(1)[0])
    page = client.get(course_url(started)).content.decode()
    assert "已开课，停止报名" in page and f"/classes/{started.pk}/enrol/" not in page


def test_anonymous_enrol_goes_to_login(client, klass):
    response = client.post(f"/classes/{klass.pk}/enrol/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Enrolment.objects.exists()


def test_refusal_is_shown_and_nothing_changes(client, make_class):
    from tests.factories import UserFactory

    klass = make_class(course_fields={"min_age": 50})
    client.force_login(UserFactory(birth_year=2000))
    response = client.post(f"/classes/{klass.pk}/enrol/", follow=True)
    assert "年满50周岁" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_needs_post(client, klass, residents):
    client.force_login(residents(1)[0])
    assert client.get(f"/classes/{klass.pk}/enrol/").status_code == 405


def test_my_enrolments_and_cancel(client, klass, residents):
    person, other = residents(2)
    mine = enrolment_create(learner=person, course_class_id=klass.pk)
    theirs = enrolment_create(learner=other, course_class_id=klass.pk)
    assert client.get("/me/enrolments/").status_code == 302  # login required
    client.force_login(person)
    page = client.get("/me/enrolments/").content.decode()
    assert klass.course.title in page and "已报名" in page
    # Someone else's enrolment: refused, unchanged.
    response = client.post(f"/me/enrolments/{theirs.pk}/cancel/", follow=True)
    assert "没有找到这条报名记录" in response.content.decode()
    assert Enrolment.objects.get(pk=theirs.pk).status == "enrolled"
    response = client.post(f"/me/enrolments/{mine.pk}/cancel/", {"next": "https://evil.example/"})
    assert response["Location"] == "/me/enrolments/"
    assert Enrolment.objects.get(pk=mine.pk).status == "cancelled"


# --- /teach/ ----------------------------------------------------------------------------------


def test_roster_for_staff_of_the_school_only(client, klass, residents, staff_a, staff_b):
    people = residents(4)
    for p in people:
        enrolment_create(learner=p, course_class_id=klass.pk)
    client.force_login(staff_b)
    assert client.get(f"/teach/classes/{klass.pk}/").status_code == 404
    assert client.get(f"/teach/classes/{klass.pk}/export.csv").status_code == 404
    assert klass.course.title not in client.get("/teach/").content.decode()
    client.force_login(people[0])
    assert client.get(f"/teach/classes/{klass.pk}/").status_code == 404
    client.force_login(staff_a)
    assert klass.course.title in client.get("/teach/").content.decode()
    page = client.get(f"/teach/classes/{klass.pk}/").content.decode()
    assert people[0].display_name in page
    assert people[0].phone not in page and people[0].masked_phone in page
    assert "候补名单" in page and people[3].display_name in page


def test_reveal_phone_is_logged(client, klass, residents, staff_a, staff_b):
    person = residents(1)[0]
    enrolment = enrolment_create(learner=person, course_class_id=klass.pk)
    client.force_login(staff_b)
    assert client.post(f"/teach/classes/{klass.pk}/enrolments/{enrolment.pk}/phone/").status_code == 404
    assert not PhoneReveal.objects.exists()
    client.force_login(staff_a)
    assert client.get(f"/teach/classes/{klass.pk}/enrolments/{enrolment.pk}/phone/").status_code == 405
    page = client.post(f"/teach/classes/{klass.pk}/enrolments/{enrolment.pk}/phone/").content.decode()
    assert person.phone in page
    reveal = PhoneReveal.objects.get()
    assert reveal.staff == staff_a and reveal.enrolment == enrolment


def test_exports_are_masked(client, klass, residents, staff_a):
    people = residents(4)
    for p in people:
        enrolment_create(learner=p, course_class_id=klass.pk)
    client.force_login(staff_a)
    response = client.get(f"/teach/classes/{klass.pk}/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["顺序", "姓名", "手机号"]
    assert [r[1] for r in rows[1:]] == [p.display_name for p in people]
    assert rows[4][4] == "候补" and rows[4][5] == "1"
    assert all("****" in r[2] for r in rows[1:])
    response = client.get(f"/teach/classes/{klass.pk}/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "顺序" and values[2][1] == people[0].display_name and "****" in values[2][2]


def test_staff_mark_completed_and_cancel_from_roster(client, make_class, residents, staff_a, staff_b, present):
    klass = make_class(capacity=1)
    first, second = residents(2)
    enrolment = enrolment_create(learner=first, course_class_id=klass.pk)
    waiting = enrolment_create(learner=second, course_class_id=klass.pk)
    client.force_login(staff_b)
    assert client.post(f"/teach/classes/{klass.pk}/enrolments/{enrolment.pk}/complete/").status_code == 404
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"
    client.force_login(staff_a)
    client.post(f"/teach/classes/{klass.pk}/enrolments/{enrolment.pk}/cancel/")
    assert Enrolment.objects.get(pk=waiting.pk).status == "enrolled"
    present(Enrolment.objects.get(pk=waiting.pk), by=staff_a)
    client.post(f"/teach/classes/{klass.pk}/enrolments/{waiting.pk}/complete/")
    assert Enrolment.objects.get(pk=waiting.pk).status == "completed"
