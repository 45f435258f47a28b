"""axe-core finds no serious or critical violation on the key pages, in normal mode and in 长辈版; in
长辈版 body text is at least 20 px and every link and button at least 60×60 px (44×44 otherwise)."""

import pytest

from .pages import axe_violations, body_font_px, build_district, small_targets

# Transactional: the live server's thread must see what the test wrote.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def district(live_server):
    return build_district()


def key_pages(district):
    return {
        "home": "/",
        "catalogue": district.catalogue.url + f"?category={district.pear.category.slug}&town={district.town.slug}",
        "course": district.pear.url,
        "search": "/search/?q=梨",
        "login": "/accounts/login/",
    }


@pytest.mark.parametrize("name", ["home", "catalogue", "course", "search", "login"])
def test_key_page_is_accessible_in_both_modes(page, live_server, district, axe_source, name):
    url = live_server.url + key_pages(district)[name]

    response = page.goto(url)
    assert response.status == 200, f"{name}: HTTP {response.status}"
    assert page.locator("html").get_attribute("class") == ""
    assert axe_violations(page, axe_source) == [], f"{name} (normal mode)"
    assert body_font_px(page) >= 16
    # Normal mode: 44×44, except links inside running text (WCAG's inline exception).
    assert [t for t in small_targets(page, 44) if not t["inline"]] == [], f"{name} (normal mode)"

    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    page.goto(url)
    assert "elder" in page.locator("html").get_attribute("class")
    assert axe_violations(page, axe_source) == [], f"{name} (长辈版)"
    assert body_font_px(page) >= 20
    assert small_targets(page, 60) == [], f"{name} (长辈版): every link and button at least 60×60 px"
    line_height = page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    assert line_height >= 1.5 * body_font_px(page)


def test_login_errors_are_announced_and_accessible(page, live_server, district, axe_source):
    page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("手机号码").fill("12345")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录", exact=True).last.click()

    summary = page.get_by_role("alert")
    assert "请修改以下内容后再提交" in summary.inner_text()
    # The summary has the focus, so a screen reader reads it first; the field points at its error.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    field = page.get_by_label("手机号码")
    assert field.get_attribute("aria-invalid") == "true"
    assert page.locator("#" + field.get_attribute("aria-describedby").split()[0]).is_visible()
    assert axe_violations(page, axe_source) == []
    assert small_targets(page, 60) == []


def test_my_learning_and_my_enrolments_are_accessible(page, live_server, district, axe_source):
    from enrolment.services import enrolment_create
    from tests.factories import UserFactory

    resident = UserFactory(phone="13712345678")
    enrolment_create(learner=resident, course_class_id=district.pear.classes.get().pk)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("手机号码").fill("13712345678")
    page.get_by_label("密码").fill("correct-horse-battery")
    page.get_by_role("main").get_by_role("button", name="登录").click()
    page.wait_for_url(live_server.url + "/")

    for path in ("/me/learning/", "/me/enrolments/"):
        for elder in (False, True):
            if elder:
                page.context.add_cookies([{"name": "elder_mode", "value": "1", "url": live_server.url}])
            assert page.goto(live_server.url + path).status == 200
            assert axe_violations(page, axe_source) == [], f"{path} elder={elder}"
            size = 60 if elder else 44
            assert [t for t in small_targets(page, size) if elder or not t["inline"]] == [], f"{path} elder={elder}"
