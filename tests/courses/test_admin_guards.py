"""Staff cannot delete a class or a course that learners are enrolled in or have completed."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from courses.forms import REFUSE_CLASS_REMOVAL
from courses.models import CourseClass, CoursePage
from enrolment.models import Enrolment, Meeting
from enrolment.services import attendance_roll_call, enrolment_complete, enrolment_create
from tests.factories import UserFactory, course_class, course_page


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


@pytest.fixture
def course(tree):
    return course_page(tree["school_a"], classes=[course_class(label="春季班"), course_class(label="秋季班")])


def _edit_form(course, delete_labels):
    rows = []
    for item in course.classes.order_by("pk"):
        rows.append(
            {
                "id": item.pk,
                "label": item.label,
                "starts_on": item.starts_on.isoformat(),
                "ends_on": item.ends_on.isoformat(),
                "schedule": item.schedule,
                "venue": "",
                "capacity": item.capacity,
                "enrol_opens": "",
                "enrol_closes": "",
                "teacher": "",
                "waitlist_limit": "",
                "DELETE": "on" if item.label in delete_labels else "",
            }
        )
    return nested_form_data(
        {
            "title": course.title,
            "slug": course.slug,
            "summary": course.summary,
            "category": course.category_id,
            "form": course.form,
            "hours": "16",
            "credits": "0",
            "fee": "0",
            "body": rich_text("<p>内容</p>"),
            "classes": inline_formset(rows, initial=len(rows)),
            "eligible_towns": [],
            "completion_attendance_percent": "",
            "action-publish": "publish",
        }
    )


def test_removing_a_class_with_learners_is_refused(admin_client, course):
    spring = course.classes.get(label="春季班")
    enrolment_create(learner=UserFactory(), course_class_id=spring.pk)
    url = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    response = admin_client.post(url, _edit_form(course, {"春季班"}))
    assert response.status_code == 200
    assert "已有学员报名或结业，不能删除" in response.content.decode()
    assert CourseClass.objects.filter(pk=spring.pk).exists()
    assert Enrolment.objects.filter(course_class=spring).count() == 1


def test_removing_an_empty_class_is_allowed(admin_client, course):
    url = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    response = admin_client.post(url, _edit_form(course, {"秋季班"}))
    assert response.status_code == 302, response.context["form"].errors
    assert list(course.classes.values_list("label", flat=True)) == ["春季班"]


def test_deleting_a_course_with_learners_is_refused(admin_client, course):
    enrolment_create(learner=UserFactory(), course_class_id=course.classes.first().pk)
    url = reverse("wagtailadmin_pages:delete", args=(course.pk,))
    response = admin_client.post(url, follow=True)
    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert "不能删除" in response.content.decode()


def test_deleting_a_course_nobody_took_is_allowed(admin_client, course):
    url = reverse("wagtailadmin_pages:delete", args=(course.pk,))
    admin_client.post(url)
    assert not CoursePage.objects.filter(pk=course.pk).exists()


def test_deleting_a_course_people_are_in_asks_to_take_it_down_first(admin_client, course):
    enrolment_create(learner=UserFactory(), course_class_id=course.classes.first().pk)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=(course.pk,)), follow=True)
    assert "这门课程还有已报名或候补的学员，不能删除；请先下线课程" in response.content.decode()


def _complete_after_a_meeting(enrolment, *, by):
    meeting = Meeting.objects.create(course_class=enrolment.course_class, starts_at=timezone.now(), hours=2)
    attendance_roll_call(meeting_id=meeting.pk, present_enrolment_ids={enrolment.pk}, by=by)
    return enrolment_complete(enrolment_id=enrolment.pk, by=by)


def test_deleting_a_course_people_have_completed_is_refused(admin_client, course, staff_a):
    enrolment = enrolment_create(learner=UserFactory(), course_class_id=course.classes.first().pk)
    _complete_after_a_meeting(enrolment, by=staff_a)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=(course.pk,)), follow=True)
    assert CoursePage.objects.filter(pk=course.pk).exists()
    assert f"“{course.title}”已有学员报名或结业，不能删除" in response.content.decode()


def test_bulk_delete_follows_the_same_rule(admin_client, tree, course, staff_a):
    enrolment = enrolment_create(learner=UserFactory(), course_class_id=course.classes.first().pk)
    _complete_after_a_meeting(enrolment, by=staff_a)
    empty = course_page(tree["school_a"], title="无人报名的课程", classes=[course_class()])
    url = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "delete"))
    response = admin_client.post(f"{url}?id={course.pk}&id={empty.pk}&next=/admin/", follow=True)
    assert CoursePage.objects.filter(pk__in=[course.pk, empty.pk]).count() == 2
    assert "已有学员报名或结业，不能删除" in response.content.decode()
    admin_client.post(f"{url}?id={empty.pk}")
    assert not CoursePage.objects.filter(pk=empty.pk).exists()


def test_the_course_form_asks_the_refuse_class_removal_hooks(admin_client, course):
    """courses defines the seam; whoever registers `refuse_class_removal` is asked with the removed classes."""
    asked = []

    def refuse(classes):
        asked.append([c.label for c in classes])
        return "测试：不许删除"

    with hooks.register_temporarily(REFUSE_CLASS_REMOVAL, refuse):
        response = admin_client.post(
            reverse("wagtailadmin_pages:edit", args=(course.pk,)), _edit_form(course, {"秋季班"})
        )
    assert asked == [["秋季班"]]
    assert "测试：不许删除" in response.content.decode()
    assert course.classes.count() == 2
