"""Staff publishing: a school's room is made when the school is, the catalogue's review workflow, taking down a
course people are enrolled in, the audit log, the staff home, and login rate limits."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    ModelLogEntry,
    Workflow,
    WorkflowPage,
)
from wagtail.test.utils.form_data import nested_form_data

from accounts import roles, sms
from courses.models import CoursePage, ProviderPage
from courses.selectors import providers_for_user
from enrolment.services import enrolment_cancel, enrolment_create
from publishing.services import (
    REVIEW_TASK_NAME,
    REVIEW_WORKFLOW_NAME,
    provider_collection_of,
    provider_group_of,
    provider_room_ensure,
    provider_staff_add,
    review_workflow_ensure,
)
from tests.factories import UserFactory, course_class, course_page
from tests.security.world import build_world


@pytest.fixture
def world(db):
    return build_world()


def _codenames(group, page):
    return set(
        GroupPagePermission.objects.filter(group=group, page=page).values_list("permission__codename", flat=True)
    )


# --- One school, one room -----------------------------------------------------------------------------------


def test_a_school_created_in_the_admin_gets_its_own_group_and_collection(world):
    centre = world.client("centre")
    response = centre.post(
        reverse("wagtailadmin_pages:add", args=("courses", "providerpage", world.catalogue.pk)),
        nested_form_data(
            {
                "title": "下营镇社区学校",
                "slug": "xiaying",
                "kind": "community_school",
                "intro": "",
                "town": "",
                "address": "",
                "contact_phone": "",
                "action-publish": "publish",
            }
        ),
    )
    assert response.status_code == 302
    school = ProviderPage.objects.get(slug="xiaying")
    group = provider_group_of(school)
    assert group is not None and group.name == "学校工作人员·下营镇社区学校"
    # Draft and submit on its own subtree only: no publishing, nothing anywhere else.
    assert _codenames(group, school) == {"add_page", "change_page"}
    assert set(GroupPagePermission.objects.filter(group=group).values_list("page_id", flat=True)) == {school.pk}
    collection = provider_collection_of(group)
    assert collection.name == "下营镇社区学校"
    assert set(
        GroupCollectionPermission.objects.filter(collection=collection).values_list("group__name", flat=True)
    ) == {group.name}
    # A new member of staff sees this school and only this one.
    person = UserFactory()
    provider_staff_add(provider=school, user=person)
    assert list(providers_for_user(person)) == [school]


def test_two_schools_with_one_name_get_two_rooms(world):
    from tests.factories import provider_page

    twin = provider_page(world.catalogue, world.school_a.title)
    group_a, group_twin = provider_group_of(world.school_a), provider_group_of(twin)
    assert group_a != group_twin
    assert set(GroupPagePermission.objects.filter(group=group_twin).values_list("page_id", flat=True)) == {twin.pk}
    assert provider_collection_of(group_a) != provider_collection_of(group_twin)
    assert list(providers_for_user(world.users["staff_a"])) == [world.school_a]


def test_renaming_a_school_renames_its_room_instead_of_making_another(world):
    school = world.school_a
    group, collection = provider_group_of(school), provider_collection_of(provider_group_of(school))
    school.title = "罗庄子镇成人学校"
    school.save_revision().publish()
    group.refresh_from_db()
    collection.refresh_from_db()
    assert group.name == "学校工作人员·罗庄子镇成人学校"
    assert collection.name == "罗庄子镇成人学校"
    assert Group.objects.filter(name__startswith="学校工作人员·罗庄子镇").count() == 1
    assert Collection.objects.filter(name__startswith="罗庄子镇").count() == 1


def test_repairing_a_room_takes_away_publishing_and_stray_grants(world):
    from django.contrib.auth.models import Permission

    group = provider_group_of(world.school_a)
    publish = Permission.objects.get(content_type__app_label="wagtailcore", codename="publish_page")
    change = Permission.objects.get(content_type__app_label="wagtailcore", codename="change_page")
    GroupPagePermission.objects.create(group=group, page=world.school_a, permission=publish)
    GroupPagePermission.objects.create(group=group, page=world.school_b, permission=change)
    provider_room_ensure(provider=world.school_a)
    assert _codenames(group, world.school_a) == {"add_page", "change_page"}
    assert not GroupPagePermission.objects.filter(group=group, page=world.school_b).exists()
    assert list(providers_for_user(world.users["staff_a"])) == [world.school_a]


def test_the_catalogue_is_reviewed_by_the_centre_and_ensuring_twice_changes_nothing(world):
    workflow = WorkflowPage.objects.get(page=world.catalogue).workflow
    assert workflow.name == REVIEW_WORKFLOW_NAME and workflow.active
    task = workflow.tasks.get().specific
    assert task.name == REVIEW_TASK_NAME
    assert list(task.groups.values_list("name", flat=True)) == [roles.CENTRE_STAFF]
    review_workflow_ensure(catalogue=world.catalogue)
    review_workflow_ensure(catalogue=world.catalogue)
    assert Workflow.objects.filter(name=REVIEW_WORKFLOW_NAME).count() == 1
    assert world.course_a.get_workflow() == workflow


def test_school_staff_cannot_publish_by_the_side_doors(world):
    """Copy with "publish copies", revert with the publish action: drafts, never live."""
    from tests.security.test_access_matrix import _page_form

    staff = world.client("staff_a")
    response = staff.post(
        reverse("wagtailadmin_pages:copy", args=(world.course_a.pk,)),
        {"new_title": "复制课程", "new_slug": "copied", "new_parent_page": world.school_a.pk, "publish_copies": "on"},
    )
    assert response.status_code == 302
    assert not CoursePage.objects.get(slug="copied").live
    first = world.course_a.revisions.order_by("pk").first()
    live_revision = CoursePage.objects.get(pk=world.course_a.pk).live_revision_id
    staff.post(
        reverse("wagtailadmin_pages:revisions_revert", args=(world.course_a.pk, first.pk)),
        {**_page_form(world.course_a, title="改回的标题"), "action-publish": "publish"},
    )
    live = CoursePage.objects.get(pk=world.course_a.pk)
    assert live.title == "甲校梨树修剪" and live.live_revision_id == live_revision
    assert live.latest_revision.as_object().title == "改回的标题"  # saved as a draft for review


def test_teachers_and_school_staff_do_not_choose_from_the_root_collection(world):
    root = Collection.get_first_root_node()
    for name in (roles.TEACHER, roles.PROVIDER_STAFF):
        assert not GroupCollectionPermission.objects.filter(group__name=name, collection=root).exists()


# --- Taking a course down -----------------------------------------------------------------------------------


@pytest.fixture
def locmem_sms(settings):
    settings.SMS_BACKEND = "accounts.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_unpublishing_a_course_with_learners_asks_again_then_texts_them(
    world, locmem_sms, django_capture_on_commit_callbacks
):
    centre = world.client("centre")
    url = reverse("wagtailadmin_pages:unpublish", args=(world.course_a.pk,))
    # Wagtail's own confirmation page, then ours: the course is still live after the first POST.
    assert centre.get(url).status_code == 200
    response = centre.post(url)
    assert response.status_code == 200
    assert "1 名已报名或候补的学员" in response.content.decode()
    assert CoursePage.objects.get(pk=world.course_a.pk).live
    assert locmem_sms == []

    with django_capture_on_commit_callbacks(execute=True):
        response = centre.post(url, {"learners_confirmed": "1"})
    assert response.status_code == 302
    assert not CoursePage.objects.get(pk=world.course_a.pk).live
    assert [m.phone for m in locmem_sms] == [world.users["resident"].phone]
    assert "甲校梨树修剪" in locmem_sms[0].body and "暂停发布" in locmem_sms[0].body


def test_unpublishing_a_course_nobody_enrolled_in_texts_nobody(world, locmem_sms, django_capture_on_commit_callbacks):
    empty = course_page(world.school_a, title="无人报名的课程", classes=[course_class()])
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("centre").post(reverse("wagtailadmin_pages:unpublish", args=(empty.pk,)))
    assert response.status_code == 302
    assert not CoursePage.objects.get(pk=empty.pk).live
    assert locmem_sms == []


def test_bulk_unpublish_leaves_courses_with_learners_alone(world, locmem_sms, django_capture_on_commit_callbacks):
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "unpublish"))
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("centre").post(f"{url}?id={world.course_a.pk}&id={world.course_b.pk}")
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=world.course_a.pk).live  # the resident is enrolled here
    assert locmem_sms == []


def test_school_staff_cannot_unpublish_even_after_the_confirmation(world):
    response = world.client("staff_a").post(
        reverse("wagtailadmin_pages:unpublish", args=(world.course_a.pk,)), {"learners_confirmed": "1"}
    )
    assert response.status_code in (302, 403)
    assert CoursePage.objects.get(pk=world.course_a.pk).live


def test_the_submitter_is_texted_the_centre_s_decision(world, locmem_sms, django_capture_on_commit_callbacks):
    centre = world.client("centre")
    task_state = world.task_state_b
    with django_capture_on_commit_callbacks(execute=True):
        centre.post(
            reverse("wagtailadmin_pages:workflow_action", args=(world.draft_b.pk, "reject", task_state.pk)),
            {"comment": "请补充上课地点和报名方式。"},
        )
    assert [m.phone for m in locmem_sms] == [world.users["staff_b"].phone]
    assert "需要修改" in locmem_sms[0].body and "请补充上课地点" in locmem_sms[0].body
    assert not CoursePage.objects.get(pk=world.draft_b.pk).live


# --- Audit log ---------------------------------------------------------------------------------------------


def test_staff_actions_on_enrolments_are_logged_and_learners_own_are_not(world):
    staff_a, resident = world.users["staff_a"], world.users["resident"]
    response = world.client("staff_a").post(
        reverse("teach:cancel", args=(world.class_a.pk, world.enrolment.pk)), {"reason": "重复报名"}
    )
    assert response.status_code == 302
    entry = ModelLogEntry.objects.get(action="jizhou.enrolment.cancel")
    assert entry.user_id == staff_a.pk
    assert entry.object_id == str(world.enrolment.pk)
    assert resident.display_name not in entry.label and resident.phone not in entry.label  # no personal data

    own = enrolment_create(learner=resident, course_class_id=world.class_a.pk)
    enrolment_cancel(enrolment_id=own.pk, by=resident)
    assert ModelLogEntry.objects.filter(action="jizhou.enrolment.cancel").count() == 1


def test_completion_certificate_and_credit_decisions_are_logged(world):
    from records.services import certificate_revoke, recognition_decide

    assert ModelLogEntry.objects.filter(action="jizhou.enrolment.complete", user=world.users["staff_b"]).exists()
    assert ModelLogEntry.objects.filter(action="jizhou.certificate.issue", object_id=str(world.certificate_b.pk))
    certificate_revoke(code=world.certificate_b.code, by=world.users["staff_b"], reason="重复颁发")
    assert ModelLogEntry.objects.get(action="jizhou.certificate.revoke").user == world.users["staff_b"]
    recognition_decide(recognition_id=world.recognition.pk, by=world.users["centre"], approve=True, note="材料齐全")
    assert ModelLogEntry.objects.get(action="jizhou.credit.approve").user == world.users["centre"]


def test_the_centre_filters_and_exports_the_audit_log(world):
    world.client("staff_a").post(
        reverse("teach:cancel", args=(world.class_a.pk, world.enrolment.pk)), {"reason": "重复报名"}
    )
    centre = world.client("centre")
    url = reverse("jizhou_audit_log")
    page = centre.get(url).content.decode()
    assert "审计日志" in page and "取消报名" in page and "乙校保密草稿课程" in page  # pages and models together
    filtered = centre.get(url, {"action": "jizhou.enrolment.cancel"}).content.decode()
    assert "取消报名" in filtered and "乙校保密草稿课程" not in filtered
    school_a = centre.get(url, {"school": world.school_a.pk}).content.decode()
    row = f"报名#{world.enrolment.pk}"
    assert row in school_a and "甲校梨树修剪" in school_a and "乙校保密草稿课程" not in school_a
    school_b = centre.get(url, {"school": world.school_b.pk}).content.decode()
    assert row not in school_b and "乙校保密草稿课程" in school_b
    export = centre.get(url, {"action": "jizhou.enrolment.cancel", "export": "csv"})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][0] == str(world.enrolment.pk)
    xlsx = centre.get(url, {"export": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    # School staff and teachers are refused, and the menu item is not shown to them.
    refused = world.client("staff_a").get(url)  # Wagtail turns PermissionDenied into "back to the dashboard"
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")
    assert "审计日志" not in world.client("staff_a").get(reverse("wagtailadmin_home")).content.decode()


# --- Staff home ---------------------------------------------------------------------------------------------


def test_staff_home_shows_each_school_its_classes_seats_waitlist_and_reviews(world):
    home_a = world.client("staff_a").get(reverse("wagtailadmin_home")).content.decode()
    assert "罗庄子镇成人文化技术学校" in home_a and "甲校春季班" in home_a
    assert f'id="school-{world.school_a.pk}' in home_a
    assert "1 / 20" in home_a  # the resident holds one of twenty seats
    assert "蓟州区老年大学" not in home_a and "乙校保密草稿课程" not in home_a
    home_b = world.client("staff_b").get(reverse("wagtailadmin_home")).content.decode()
    assert "乙校保密草稿课程" in home_b and "审核中" in home_b  # waiting for the centre
    assert "甲校春季班" not in home_b
    centre = world.client("centre").get(reverse("wagtailadmin_home")).content.decode()
    assert "罗庄子镇成人文化技术学校" in centre and "蓟州区老年大学" in centre
    teacher = world.client("teacher").get(reverse("wagtailadmin_home")).content.decode()
    assert "我教的班次" in teacher and "甲校春季班" in teacher and "乙校秋季班" not in teacher


# --- Login rate limit ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("login_url", ["accounts:login", "wagtailadmin_login"])
def test_login_is_rate_limited_per_phone_number(db, login_url):
    from core.ratelimit import ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS, LOGIN_FAILURES_PER_PHONE_ADDRESS

    cache.clear()
    person = UserFactory(is_staff=True, groups=[Group.objects.get(name=roles.CENTRE_STAFF)])
    client = Client()
    url = reverse(login_url)
    lockout = ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS if "admin" in login_url else LOGIN_FAILURES_PER_PHONE_ADDRESS
    for _ in range(lockout.failures):  # only failures count (tests/accounts/test_login_limits.py)
        response = client.post(url, {"username": person.phone, "password": "wrong"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    # The right password no longer helps until the window passes.
    response = client.post(url, {"username": person.phone, "password": "correct-horse-battery"})
    assert "密码输错次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another number from elsewhere is unaffected.
    other = UserFactory()
    response = Client(REMOTE_ADDR="10.0.0.9").post(url, {"username": other.phone, "password": "correct-horse-battery"})
    assert response.status_code == 302
    cache.clear()


def test_a_successful_login_resets_the_counter(db):
    cache.clear()
    person = UserFactory()
    client = Client()
    url = reverse("accounts:login")
    for _ in range(4):
        client.post(url, {"username": person.phone, "password": "wrong"})
    assert client.post(url, {"username": person.phone, "password": "correct-horse-battery"}).status_code == 302
    client.logout()
    for _ in range(4):
        client.post(url, {"username": person.phone, "password": "wrong"})
    assert client.post(url, {"username": person.phone, "password": "correct-horse-battery"}).status_code == 302
    cache.clear()
