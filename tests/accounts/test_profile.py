"""我的资料: a learner edits their own details; audience-only courses follow them."""

import datetime

import pytest

from enrolment.models import Enrolment
from enrolment.services import EnrolmentRefused, enrolment_create
from tests.factories import AudienceFactory, TownFactory, UserFactory, course_class, course_page


def test_profile_needs_login(client, db):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_learner_updates_own_profile(client, db):
    user = UserFactory(display_name="张桂芝")
    farmers = AudienceFactory(name="农民")
    town = TownFactory(name="罗庄子镇")
    client.force_login(user)
    response = client.post(
        "/accounts/profile/",
        {"display_name": "张桂枝", "birth_year": "1956", "home_town": town.pk, "audiences": [farmers.pk], "email": ""},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.birth_year, user.home_town_id) == ("张桂枝", 1956, town.pk)
    assert list(user.audiences.all()) == [farmers]
    page = client.get("/accounts/profile/").content.decode()
    assert user.masked_phone in page and user.phone not in page


@pytest.mark.parametrize(
    "data, field",
    [
        ({"display_name": "", "birth_year": ""}, "display_name"),
        ({"display_name": "李长海", "birth_year": str(datetime.date.today().year + 3)}, "birth_year"),
        ({"display_name": "李长海", "birth_year": "abc"}, "birth_year"),
        ({"display_name": "李长海", "email": "not-an-email"}, "email"),
        ({"display_name": "李长海", "home_town": "999999"}, "home_town"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_changes(client, db, data, field):
    user = UserFactory(display_name="李长海", birth_year=1958)
    client.force_login(user)
    response = client.post("/accounts/profile/", data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    user.refresh_from_db()
    assert (user.display_name, user.birth_year) == ("李长海", 1958)


def test_profile_only_ever_edits_the_logged_in_person(client, db):
    me, other = UserFactory(display_name="我"), UserFactory(display_name="别人")
    client.force_login(me)
    client.post("/accounts/profile/", {"display_name": "改名", "id": other.pk, "phone": other.phone})
    other.refresh_from_db()
    assert other.display_name == "别人"


def test_audience_only_course_admits_only_that_audience(tree):
    farmers = AudienceFactory(name="农民")
    course = course_page(tree["school_a"], title="果树修剪（仅限农民）", classes=[course_class()], audience_only=True)
    course.audiences.set([farmers])
    course.save()  # a ParentalManyToManyField is written when the page is saved
    resident, farmer = UserFactory(), UserFactory()
    farmer.audiences.add(farmers)
    class_id = course.classes.get().pk
    with pytest.raises(EnrolmentRefused) as refusal:
        enrolment_create(learner=resident, course_class_id=class_id)
    assert refusal.value.code == "ineligible"
    assert "农民" in refusal.value.message
    assert enrolment_create(learner=farmer, course_class_id=class_id).status == "enrolled"
    assert Enrolment.objects.filter(learner=resident).count() == 0
