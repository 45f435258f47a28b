"""Under the Content-Security-Policy the pages still work: Chromium reports no blocked script, style, image or
frame on the public pages, the API docs or the Wagtail admin (dashboard, page editor), and no request leaves
for another site (no CDN, no Gravatar)."""

import pytest
from playwright.sync_api import expect
from wagtail.admin.models import EditingSession

from tests.factories import UserFactory
from tests.processes import wait_for

from .pages import build_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"
# Collects what the page's own script sees as refused (console messages can be missed before a listener runs).
RECORD_VIOLATIONS = """window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));"""


class Watch:
    """Everything a page did that the policy refused, and every request to another origin."""

    def __init__(self, context, origin: str):
        self.origin = origin
        self.console: list[str] = []
        self.elsewhere: list[str] = []
        context.add_init_script(RECORD_VIOLATIONS)
        context.on("request", self._request)

    def _request(self, request):
        if not request.url.startswith((self.origin, "data:", "blob:")):
            self.elsewhere.append(request.url)

    def page(self, context):
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: "Content Security Policy" in m.text and self.console.append(m.text[:300]))
        return page

    def visit(self, page, path: str) -> list[str]:
        page.goto(self.origin + path)
        page.wait_for_load_state("networkidle")
        return page.evaluate("window.__csp") + self.console


def test_public_pages_and_api_docs_load_with_nothing_refused(browser, live_server):
    district = build_district()
    context = browser.new_context(locale="en-US", viewport={"width": 390, "height": 844})
    watch = Watch(context, live_server.url)
    page = watch.page(context)
    for path in ("/", district.pear.url, "/search/?q=梨树", "/accounts/login/", "/api/v1/docs"):
        assert watch.visit(page, path) == [], path
    # The course page's inline line ran (allowed by its hash): 读一读 is shown where the browser can speak.
    watch.visit(page, district.pear.url)
    if page.evaluate("Boolean(window.speechSynthesis)"):
        expect(page.get_by_role("button", name="读一读")).to_be_visible()
    # The Swagger UI (django-ninja's files, served here) drew the operations from openapi.json.
    watch.visit(page, "/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert watch.elsewhere == []
    context.close()


def test_the_wagtail_admin_dashboard_and_page_editor_work_under_its_policy(browser, live_server):
    district = build_district()
    UserFactory(phone="13800000009", password=PASSWORD, is_superuser=True, is_staff=True)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    watch = Watch(context, live_server.url)
    page = watch.page(context)
    page.goto(live_server.url + "/admin/login/")
    page.locator("#id_username").fill("13800000009")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(live_server.url + "/admin/")
    assert watch.visit(page, "/admin/") == []
    assert watch.visit(page, f"/admin/pages/{district.pear.pk}/edit/") == []
    # The editor's widgets started (its scripts ran): the rich-text editor is there and editable.
    expect(page.locator("#id_title")).to_have_value("梨树冬季修剪技术")
    expect(page.locator(".Draftail-Editor").first).to_be_visible()
    assert watch.elsewhere == []
    # Leaving the editor releases its editing session with a beacon the live server answers on its own thread;
    # wait for it, or it may still hold the database when the test's teardown empties it.
    page.goto(live_server.url + "/admin/")
    wait_for(lambda: not EditingSession.objects.exists(), timeout=10, what="the editing session's release")
    context.close()
