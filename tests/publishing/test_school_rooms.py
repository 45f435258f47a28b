"""A course's school follows the page tree; a person's schools follow Wagtail page permissions."""

import pytest

from courses.models import CoursePage
from courses.selectors import providers_for_user
from publishing.services import provider_staff_add
from tests.factories import UserFactory, course_page


def test_moving_a_course_changes_its_school(tree):
    course = course_page(tree["school_a"])
    course.move(tree["school_b"], pos="last-child")
    assert CoursePage.objects.get(pk=course.pk).provider_id == tree["school_b"].pk


def test_staff_run_only_their_own_school(tree):
    staff = UserFactory()
    provider_staff_add(provider=tree["school_a"], user=staff)
    assert list(providers_for_user(staff)) == [tree["school_a"].specific]
    assert staff.is_staff


def test_centre_staff_with_catalogue_permissions_run_every_school(tree):
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission

    from accounts import roles

    centre = Group.objects.get(name=roles.CENTRE_STAFF)
    # Creating the catalogue may already have granted this (the review workflow); either way it holds.
    GroupPagePermission.objects.get_or_create(
        group=centre, page=tree["catalogue"], permission=Permission.objects.get(codename="change_page")
    )
    person = UserFactory(groups=[centre])
    assert set(providers_for_user(person)) == {tree["school_a"].specific, tree["school_b"].specific}


@pytest.mark.parametrize("kind", ["anonymous", "resident", "inactive"])
def test_people_without_rights_run_no_school(tree, kind):
    from django.contrib.auth.models import AnonymousUser

    if kind == "anonymous":
        person = AnonymousUser()
    else:
        person = UserFactory(is_active=kind != "inactive")
        if kind == "inactive":
            provider_staff_add(provider=tree["school_a"], user=person)
    assert list(providers_for_user(person)) == []


def test_staff_group_is_repaired_not_duplicated(tree):
    from publishing.services import provider_staff_group_ensure

    first = provider_staff_group_ensure(provider=tree["school_a"])
    again = provider_staff_group_ensure(provider=tree["school_a"])
    assert first.pk == again.pk
    assert again.page_permissions.count() == first.page_permissions.count()
