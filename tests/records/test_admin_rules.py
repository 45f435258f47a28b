"""Guidance-centre staff edit the credit-bank rules in the Wagtail admin; bad rates are refused there too."""

import pytest
from django.contrib.auth.models import Permission

from courses.models import Category
from records.models import CreditRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre_admin(centre):
    centre.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return centre


def test_centre_staff_add_a_rule_in_the_admin(client, centre_admin):
    category = Category.objects.create(name="书法")
    client.force_login(centre_admin)
    assert client.get("/admin/snippets/records/creditrule/").status_code == 200
    response = client.post(
        "/admin/snippets/records/creditrule/add/", {"category": category.pk, "points_per_hour": "1.5"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert CreditRule.objects.get(category=category).points_per_hour == 1.5


@pytest.mark.parametrize("value", ["-1", "Infinity", "NaN", "1000"])
def test_admin_refuses_bad_rates(client, centre_admin, value):
    category = Category.objects.create(name="书法")
    client.force_login(centre_admin)
    response = client.post(
        "/admin/snippets/records/creditrule/add/", {"category": category.pk, "points_per_hour": value}
    )
    assert response.status_code == 200  # the form again, with its error
    assert not CreditRule.objects.filter(category=category).exists()


def test_school_staff_cannot_edit_rules(client, staff_a):
    staff_a.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff_a)
    response = client.post("/admin/snippets/records/creditrule/add/", {"points_per_hour": "5"})
    assert response.status_code in (302, 403)
    assert CreditRule.objects.count() == 1
