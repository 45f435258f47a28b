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
    from publishing.services import provider_room_ensure

    first = provider_room_ensure(provider=tree["school_a"])
    again = provider_room_ensure(provider=tree["school_a"])
    assert first.pk == again.pk
    assert again.page_permissions.count() == first.page_permissions.count()


def test_a_school_created_in_the_admin_has_its_room_at_once(client, tree):
    """Even saved as a draft (nothing published yet): the after_create_page hook, not a save() signal."""
    from django.urls import reverse
    from wagtail.test.utils.form_data import nested_form_data

    from courses.models import ProviderPage
    from publishing.services import provider_collection_of, provider_group_of

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.post(
        reverse("wagtailadmin_pages:add", args=("courses", "providerpage", tree["catalogue"].pk)),
        nested_form_data(
            {"title": "下营镇社区学校", "slug": "xiaying", "kind": "community_school", "intro": "", "address": ""}
        ),
    )
    assert response.status_code == 302
    school = ProviderPage.objects.get(slug="xiaying")
    assert not school.live
    group = provider_group_of(school)
    assert group is not None and group.name == "学校工作人员·下营镇社区学校"
    assert provider_collection_of(group).name == "下营镇社区学校"


def test_a_school_made_in_code_gets_its_room_when_published(tree):
    """Saving a page creates nothing (course import and load_demo publish the schools they create)."""
    from courses.models import ProviderPage
    from publishing.services import provider_group_of

    school = tree["catalogue"].add_child(instance=ProviderPage(title="官庄镇成人学校", slug="gz", kind="adult_school"))
    assert provider_group_of(school) is None
    school.save_revision().publish()
    assert provider_group_of(school) is not None


def test_the_published_catalogue_has_the_centre_s_rights_and_the_review(tree):
    from wagtail.models import GroupPagePermission, WorkflowPage

    from accounts.roles import CENTRE_STAFF
    from publishing.services import REVIEW_WORKFLOW_NAME

    assert WorkflowPage.objects.get(page=tree["catalogue"]).workflow.name == REVIEW_WORKFLOW_NAME
    assert GroupPagePermission.objects.filter(
        group__name=CENTRE_STAFF, page=tree["catalogue"], permission__codename="publish_page"
    ).exists()


def test_a_move_updates_the_courses_once_per_school(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from courses.services import course_provider_sync

    courses = [course_page(tree["school_a"], title=f"课程{n}") for n in range(3)]
    courses[0].move(tree["school_b"], pos="last-child")
    assert CoursePage.objects.get(pk=courses[0].pk).provider_id == tree["school_b"].pk
    with CaptureQueriesContext(connection) as queries:
        course_provider_sync(moved_path=tree["school_a"].path)  # a school moved with its two courses
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) <= 2  # the school's courses, then any left under no school: never one per course
    assert {c.provider_id for c in CoursePage.objects.filter(pk__in=[c.pk for c in courses[1:]])} == {
        tree["school_a"].pk
    }
