"""Residents' journeys in a real browser, on a phone-sized screen."""

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory

from .pages import PHONE, body_font_px, build_district, focus_is_visible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


@pytest.fixture
def district(live_server):
    return build_district()


@pytest.fixture
def resident(district):
    return UserFactory(phone="13712345678", display_name="李长海")


def test_find_a_pear_course_by_typing_li(page, live_server, district):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="想学什么？").fill("梨")
    page.get_by_role("button", name="搜索", exact=True).click()

    result = page.get_by_role("link", name="梨树冬季修剪技术")
    expect(result).to_be_visible()
    expect(page.get_by_role("link", name="书法入门（楷书）")).to_have_count(0)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("梨树冬季修剪技术")
    expect(page.get_by_text("冬季班")).to_be_visible()


def test_enrol_see_it_in_my_enrolments_and_cancel(page, live_server, district, resident):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="想学什么？").fill("梨")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.get_by_role("link", name="梨树冬季修剪技术").click()

    # Not logged in yet: 报名 leads to the login page and back to the course.
    page.get_by_role("button", name="报名", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("请先登录")
    page.get_by_label("手机号码").fill("13712345678")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("梨树冬季修剪技术")

    page.get_by_role("button", name="报名", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("报名成功：梨树冬季修剪技术 冬季班")
    expect(page.locator("#class-" + str(district.pear.classes.get().pk))).to_contain_text("您已报名")

    page.get_by_role("navigation").get_by_role("link", name="我的报名").click()
    row = page.get_by_role("row").filter(has_text="梨树冬季修剪技术")
    expect(row).to_contain_text("冬季班")
    page.get_by_role("navigation").get_by_role("link", name="我的学习").click()
    expect(page.get_by_role("main")).to_contain_text("梨树冬季修剪技术（冬季班）")

    page.get_by_role("navigation").get_by_role("link", name="我的报名").click()
    page.get_by_role("row").filter(has_text="梨树冬季修剪技术").get_by_role("button", name="取消报名").click()
    expect(page.get_by_role("status")).to_contain_text("已取消报名")
    expect(page.get_by_role("row").filter(has_text="梨树冬季修剪技术")).to_contain_text("已取消")


def tab_to(page, predicate_js: str, limit: int = 40) -> None:
    """Press Tab until the focused element matches; every stop on the way must show its focus.

    Past the last control Tab leaves the page for the browser's own UI (document.body is then the active
    element) and the next Tab comes back to the top, as on a phone with a keyboard."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue
        where = page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
        assert focus_is_visible(page), where
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate_js}; }})()"):
            return
    raise AssertionError(f"never reached {predicate_js} with Tab")


def test_elder_mode_pear_journey_with_the_keyboard_alone(page, live_server, district, resident):
    """Find, log in, enrol, check, cancel: Tab and Enter only, in 长辈版, every stop visibly focused."""
    page.goto(live_server.url + "/")

    # The first Tab stop is the skip link, then the 长辈版 switch: Enter turns elder mode on.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("跳到正文")
    tab_to(page, "el.name === 'elder_mode'")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_class("elder")
    assert body_font_px(page) >= 20

    # Skip link → main, then on to the search box.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_to(page, "el.id === 'home-q'")
    page.keyboard.type("梨")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/**")

    tab_to(page, "el.tagName === 'A' && el.textContent.trim() === '梨树冬季修剪技术'", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("梨树冬季修剪技术")
    expect(page.locator("html")).to_have_class("elder")  # remembered across pages

    # 报名 → the login page (the phone field has the focus) → back on the course.
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === '报名'", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    if not page.evaluate("document.activeElement.name === 'username'"):
        tab_to(page, "el.name === 'username'")
    page.keyboard.type("13712345678")
    tab_to(page, "el.name === 'password'")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("梨树冬季修剪技术")

    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === '报名'", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("报名成功")

    tab_to(page, "el.tagName === 'A' && el.textContent.trim() === '我的报名'", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的报名")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === '取消报名'", limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("已取消报名")
    expect(page.locator("html")).to_have_class("elder")


def test_elder_mode_and_text_size_work_without_javascript(browser, live_server, district):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(live_server.url + district.catalogue.url)
        assert body_font_px(page) == 16
        switch = page.get_by_role("button", name="长辈版")
        expect(switch).to_have_attribute("aria-pressed", "false")
        switch.click()

        expect(page).to_have_url(live_server.url + district.catalogue.url)  # back where we were
        expect(page.get_by_role("button", name="长辈版")).to_have_attribute("aria-pressed", "true")
        assert body_font_px(page) == 20

        sizes = []
        for _ in range(3):
            page.get_by_role("button", name="放大").click()
            sizes.append(body_font_px(page))
        assert sizes == sorted(sizes) and sizes[-1] == 30
        expect(page.get_by_role("button", name="放大")).to_be_disabled()

        # Remembered on the next page and the next visit.
        page.goto(live_server.url + "/")
        assert body_font_px(page) == 30
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert (cookies["elder_mode"], cookies["text_size"]) == ("1", "3")

        page.get_by_role("button", name="缩小").click()
        assert body_font_px(page) == 26
        page.get_by_role("button", name="长辈版").click()
        expect(page.locator("html")).not_to_have_class("elder")
    finally:
        context.close()


READ_ALOUD_SPY = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (u) => window.__spoken.push({text: u.text, lang: u.lang, rate: u.rate});
  window.speechSynthesis.cancel = () => window.__spoken.push('cancel');
}
"""


def test_read_aloud_reads_the_course_in_chinese(page, live_server, district):
    # The browser's voices are not installed in CI; the spy records what the page asks it to say.
    page.add_init_script(READ_ALOUD_SPY)
    page.goto(live_server.url + district.pear.url)
    button = page.get_by_role("button", name="读一读")
    expect(button).to_be_visible()
    button.click()
    expect(page.get_by_role("button", name="停止朗读")).to_have_attribute("aria-pressed", "true")

    spoken = [u for u in page.evaluate("window.__spoken") if u != "cancel"]
    text = "".join(u["text"] for u in spoken)
    assert "梨树冬季修剪技术" in text and "类别：" in text and "农业技术" in text and "认识梨树的枝条" in text
    assert "读一读" not in text and "长辈版" not in text  # only the course, not the page's controls
    assert all(u["lang"] == "zh-CN" and u["rate"] < 1 for u in spoken)
    assert all(len(u["text"]) <= 200 for u in spoken)

    page.get_by_role("button", name="停止朗读").click()
    expect(page.get_by_role("button", name="读一读")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__spoken").count("cancel") >= 2


def test_read_aloud_is_hidden_where_the_browser_cannot_speak(browser, live_server, district):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    page.add_init_script("delete window.speechSynthesis; delete window.SpeechSynthesisUtterance;")
    page.goto(live_server.url + district.pear.url)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    context.close()

    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + district.pear.url)
    expect(page.locator("[data-read-aloud]")).to_be_hidden()
    context.close()


def test_english_interface(page, live_server, district):
    page.goto(live_server.url + district.pear.url)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Elder mode")).to_be_visible()
    expect(page.get_by_role("link", name="Skip to main content")).to_be_attached()
    expect(page.get_by_role("heading", name="Classes")).to_be_visible()
    expect(page.get_by_role("button", name="Read aloud")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("button", name="长辈版")).to_be_visible()


@pytest.mark.parametrize("typed", ["lishu", "ls"])
def test_find_a_pear_course_by_typing_pinyin(page, live_server, district, typed):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox", name="想学什么？").fill(typed)
    page.keyboard.press("Enter")
    page.get_by_role("link", name="梨树冬季修剪技术").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("梨树冬季修剪技术")
