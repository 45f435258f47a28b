"""A school's staff member creates a course with two classes in the Wagtail admin and submits it for review;
the guidance centre approves it and it goes live. Staff cannot publish by themselves."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from accounts import roles
from courses.models import CoursePage
from publishing.services import provider_staff_add
from tests.factories import CategoryFactory, UserFactory, VenueFactory


def _class_form(label, starts_in, **overrides):
    starts = timezone.localdate() + datetime.timedelta(days=starts_in)
    data = {
        "label": label,
        "starts_on": starts.isoformat(),
        "ends_on": (starts + datetime.timedelta(weeks=6)).isoformat(),
        "schedule": "每周三 下午2:00—4:00",
        "venue": "",
        "capacity": "25",
        "enrol_opens": "",
        "enrol_closes": "",
        "teacher": "",
    }
    data.update(overrides)
    return data


def _course_form(category, venue, classes, action="action-publish"):
    return nested_form_data(
        {
            "title": "苹果树病虫害绿色防控",
            "slug": "apple-pest-control",
            "summary": "认识苹果树常见病虫害，掌握绿色防控方法。",
            "category": category.pk,
            "form": "offline",
            "hours": "12",
            "credits": "1",
            "fee": "0",
            "town": "",
            "min_age": "",
            "keywords": "苹果 病虫害",
            "body": rich_text("<p>讲解腐烂病、红蜘蛛的识别与防治。</p>"),
            "classes": inline_formset(classes),
            action: action.removeprefix("action-"),
        }
    )


@pytest.fixture
def staff_client(client, tree):
    staff = UserFactory(display_name="罗庄子成校教务")
    provider_staff_add(provider=tree["school_a"], user=staff)
    client.force_login(staff)
    return client


def _public(url):
    from django.test import Client

    return Client().get(url).content.decode()


@pytest.fixture
def centre_client(tree):
    from django.contrib.auth.models import Group
    from django.test import Client

    centre = UserFactory(display_name="指导中心审核员", email="centre@example.org", is_staff=True)
    centre.groups.add(Group.objects.get(name=roles.CENTRE_STAFF))
    client = Client()
    client.force_login(centre)
    return client


def test_provider_staff_submits_a_course_with_two_classes_and_the_centre_publishes_it(
    staff_client, centre_client, tree, mailoutbox, django_capture_on_commit_callbacks
):
    category = CategoryFactory(name="农业技术")
    venue = VenueFactory()
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_a"].pk))
    classes = [_class_form("春季班", 20, venue=venue.pk), _class_form("秋季班", 120, venue=venue.pk)]
    response = staff_client.post(url, _course_form(category, venue, classes, action="action-submit"))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    course = CoursePage.objects.get(slug="apple-pest-control")
    # Submitted, not published: in review, invisible to residents, the centre told by email.
    assert not course.live
    assert course.provider_id == tree["school_a"].pk
    assert sorted(course.classes.values_list("label", flat=True)) == ["春季班", "秋季班"]
    state = course.current_workflow_state
    assert state is not None and state.status == state.STATUS_IN_PROGRESS
    assert state.workflow.name == "课程审核"
    assert "苹果树病虫害绿色防控" not in _public(tree["catalogue"].url)
    assert any("centre@example.org" in message.to for message in mailoutbox)

    # The centre approves; the course and both classes go live.
    task_state = state.current_task_state
    approve = reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk))
    with django_capture_on_commit_callbacks(execute=True):  # publishing queues the catalogue's indexing
        response = centre_client.post(approve, {"comment": "内容完整，同意发布。"})
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert course.live
    assert sorted(course.live_revision.as_object().classes.values_list("label", flat=True)) == ["春季班", "秋季班"]
    catalogue = _public(tree["catalogue"].url)
    assert "苹果树病虫害绿色防控" in catalogue


def test_provider_staff_cannot_publish_directly(staff_client, tree):
    category = CategoryFactory(name="农业技术")
    venue = VenueFactory()
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_a"].pk))
    response = staff_client.post(url, _course_form(category, venue, [_class_form("春季班", 20)]))
    # Wagtail saves a draft when the person may not publish; nothing goes live.
    assert response.status_code == 302
    course = CoursePage.objects.get(slug="apple-pest-control")
    assert not course.live
    assert course.current_workflow_state is None
    assert "苹果树病虫害绿色防控" not in _public(tree["catalogue"].url)
    # The publish action itself is refused on the edit view too.
    edit = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    staff_client.post(edit, _course_form(category, venue, [_class_form("春季班", 20)]))
    course.refresh_from_db()
    assert not course.live


def test_centre_rejects_with_a_comment_and_the_submitter_is_told(staff_client, centre_client, tree, mailoutbox):
    from accounts.models import User

    submitter = User.objects.get(display_name="罗庄子成校教务")
    submitter.email = "school-a@example.org"
    submitter.save()
    category = CategoryFactory(name="农业技术")
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_a"].pk))
    staff_client.post(url, _course_form(category, VenueFactory(), [], action="action-submit"))
    course = CoursePage.objects.get(slug="apple-pest-control")
    task_state = course.current_workflow_state.current_task_state
    mailoutbox.clear()
    reject = reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "reject", task_state.pk))
    response = centre_client.post(reject, {"comment": "请补充上课地点。"})
    assert response.status_code in (200, 302)
    course.refresh_from_db()
    assert not course.live
    assert course.current_workflow_state.status == "needs_changes"
    told = [m for m in mailoutbox if "school-a@example.org" in m.to]
    assert told and "请补充上课地点" in told[0].body


def test_staff_of_another_school_cannot_approve(client, staff_client, tree):
    from publishing.services import provider_staff_add as add

    category = CategoryFactory(name="农业技术")
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_a"].pk))
    staff_client.post(url, _course_form(category, VenueFactory(), [], action="action-submit"))
    course = CoursePage.objects.get(slug="apple-pest-control")
    task_state = course.current_workflow_state.current_task_state
    other = UserFactory(display_name="老年大学教务")
    add(provider=tree["school_b"], user=other)
    client.force_login(other)
    approve = reverse("wagtailadmin_pages:workflow_action", args=(course.pk, "approve", task_state.pk))
    response = client.post(approve, {"comment": ""})
    assert response.status_code in (302, 403, 404)
    course.refresh_from_db()
    assert not course.live
    # Nor may the submitting school approve its own course.
    response = staff_client.post(approve, {"comment": ""})
    course.refresh_from_db()
    assert not course.live


def test_admin_refuses_a_class_that_ends_before_it_starts(staff_client, tree):
    category = CategoryFactory(name="农业技术")
    venue = VenueFactory()
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_a"].pk))
    starts = timezone.localdate() + datetime.timedelta(days=30)
    bad = _class_form("倒置班", 30, ends_on=(starts - datetime.timedelta(days=1)).isoformat())
    response = staff_client.post(url, _course_form(category, venue, [bad]))
    assert response.status_code == 200
    assert "结课日期不能早于开课日期" in response.content.decode()
    assert not CoursePage.objects.filter(slug="apple-pest-control").exists()


def test_admin_refuses_negative_capacity_and_late_enrolment_window(staff_client, tree):
    category = CategoryFactory(name="农业技术")
    venue = VenueFactory()
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_a"].pk))
    starts = timezone.localdate() + datetime.timedelta(days=30)
    bad = _class_form("坏班", 30, capacity="-3", enrol_closes=(starts + datetime.timedelta(days=5)).isoformat())
    response = staff_client.post(url, _course_form(category, venue, [bad]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "报名截止日期不能晚于开课日期" in html
    assert "确保该值大于或等于0" in html  # the capacity field's own message
    assert not CoursePage.objects.filter(slug="apple-pest-control").exists()


def test_staff_of_one_school_cannot_add_a_course_under_another(staff_client, tree):
    category = CategoryFactory(name="农业技术")
    url = reverse("wagtailadmin_pages:add", args=("courses", "coursepage", tree["school_b"].pk))
    response = staff_client.post(url, _course_form(category, VenueFactory(), []))
    assert response.status_code in (302, 403)
    assert not CoursePage.objects.filter(slug="apple-pest-control").exists()


def test_residents_cannot_reach_the_admin(client, tree):
    from django.contrib.auth.models import Group

    resident = UserFactory(groups=[Group.objects.get(name=roles.RESIDENT)])
    client.force_login(resident)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_centre_raises_a_class_s_seats_and_publishing_moves_the_waitlist_up(
    centre_client, tree, sms_outbox, django_capture_on_commit_callbacks
):
    from enrolment.models import Enrolment
    from enrolment.services import enrolment_create
    from tests.factories import course_class, course_page

    course = course_page(tree["school_a"], title="苹果树病虫害绿色防控", classes=[course_class(capacity=1)])
    klass = course.classes.get()
    people = [UserFactory() for _ in range(3)]
    for person in people:
        enrolment_create(learner=person, course_class_id=klass.pk)  # one seat, two waiting
    row = {
        **_class_form(klass.label, 10, capacity="2", waitlist_limit=""),
        "id": klass.pk,
        "starts_on": klass.starts_on.isoformat(),
        "ends_on": klass.ends_on.isoformat(),
    }
    edit = reverse("wagtailadmin_pages:edit", args=(course.pk,))
    form = _course_form(course.category, None, [])
    form.update({"title": course.title, "slug": course.slug})
    form.update(nested_form_data({"classes": inline_formset([row], initial=1)}))

    draft = {key: value for key, value in form.items() if key != "action-publish"}
    with django_capture_on_commit_callbacks(execute=True):
        response = centre_client.post(edit, draft)  # saved as a draft: the live class is unchanged
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert Enrolment.objects.filter(course_class=klass, status="waitlisted").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = centre_client.post(edit, form)
    assert response.status_code == 302
    statuses = list(Enrolment.objects.filter(course_class=klass).order_by("arrival").values_list("status", flat=True))
    assert statuses == ["enrolled", "enrolled", "waitlisted"]
    assert [m.phone for m in sms_outbox] == [people[1].phone]
