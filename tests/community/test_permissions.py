"""Who may edit what: a school's staff edit their own school's learning points only; notices are the centre's."""

import pytest
from django.urls import reverse

from community.models import LearningPointPage
from publishing.services import provider_staff_add
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xiaying_staff(district):
    user = UserFactory(display_name="下营社区学校职员")
    provider_staff_add(provider=district["xiaying_school"], user=user)
    return user


def test_school_staff_edit_their_own_points_only(client, district, xiaying_staff):
    own, other = district["changzhou"], district["xibei"]
    assert own.permissions_for_user(xiaying_staff).can_edit()
    assert not other.permissions_for_user(xiaying_staff).can_edit()
    assert district["xiaying_school"].permissions_for_user(xiaying_staff).can_add_subpage()
    assert LearningPointPage.can_create_at(district["xiaying_school"])
    assert not LearningPointPage.can_create_at(district["school_a"])  # an adult school runs no learning points
    client.force_login(xiaying_staff)
    assert client.get(reverse("wagtailadmin_pages:edit", args=(own.pk,))).status_code == 200
    refused = client.get(reverse("wagtailadmin_pages:edit", args=(other.pk,)))
    assert refused.status_code in (302, 403)


def test_schools_cannot_publish_notices_but_the_centre_can(district, xiaying_staff, centre):
    notices, places = district["notice_index"], district["places_index"]
    assert not notices.permissions_for_user(xiaying_staff).can_add_subpage()
    assert not places.permissions_for_user(xiaying_staff).can_edit()
    assert notices.permissions_for_user(centre).can_add_subpage()
    assert notices.permissions_for_user(centre).can_publish_subpage()
    assert places.permissions_for_user(centre).can_edit()
