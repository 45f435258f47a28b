"""A school's staff member writes a course in the Wagtail admin and submits it; the guidance centre approves
(publishes) it; a resident then finds it by search. The rights and the review workflow are the real ones
(publishing.services), as load_demo sets them up."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from accounts.roles import CENTRE_STAFF
from courses.models import CoursePage
from publishing.services import centre_rights_ensure, provider_staff_add, review_workflow_ensure
from tests.factories import UserFactory

from .pages import build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def admin_login(browser, live_server, phone):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill(phone)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(live_server.url + "/admin/")
    return context, page


def footer_action(page, name):
    """The editor's footer: the main button and the others behind its dropdown."""
    page.locator("footer [data-w-dropdown-target='toggle']").first.click()
    page.get_by_role("button", name=name, exact=True).click()


def test_staff_publish_a_course_and_a_resident_finds_it(browser, live_server):
    district = build_district()
    centre_rights_ensure(catalogue=district.catalogue)
    review_workflow_ensure(catalogue=district.catalogue)
    school_staff = UserFactory(phone="13800000101", display_name="罗庄子成校·教务")
    provider_staff_add(provider=district.school, user=school_staff)
    centre = UserFactory(
        phone="13800000001", display_name="指导中心·刘敏", groups=[Group.objects.get(name=CENTRE_STAFF)]
    )
    centre.is_staff = True
    centre.save()

    context, page = admin_login(browser, live_server, "13800000101")
    try:
        page.goto(live_server.url + f"/admin/pages/add/courses/coursepage/{district.school.pk}/")
        page.locator("#id_title").fill("苹果树春季嫁接")
        page.locator("#id_summary").fill("学会苹果树春季高接换优的嫁接方法。")
        page.get_by_role("button", name="选择 课程类别").click()
        page.get_by_role("dialog").get_by_role("link", name="农业技术").click()
        expect(page.locator("#id_category-title")).to_have_text("农业技术")
        page.locator("#id_hours").fill("12")
        page.locator("#id_credits").fill("1")
        footer_action(page, "提交给课程审核")
        expect(page.locator(".messages")).to_contain_text("苹果树春季嫁接")
    finally:
        context.close()

    course = CoursePage.objects.get(title="苹果树春季嫁接")
    assert not course.live

    context, page = admin_login(browser, live_server, "13800000001")
    try:
        page.goto(live_server.url + f"/admin/pages/{course.pk}/edit/")
        footer_action(page, "批准 和发布")
        expect(page.locator(".messages")).to_contain_text("苹果树春季嫁接")
    finally:
        context.close()

    resident = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = resident.new_page()
    try:
        page.goto(live_server.url + "/search/?q=嫁接")
        page.get_by_role("link", name="苹果树春季嫁接").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("苹果树春季嫁接")
    finally:
        resident.close()
