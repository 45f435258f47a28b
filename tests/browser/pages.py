"""What the browser tests need from a page: the district's pages built as the admin builds them, and
the checks run in the browser (axe-core, tap targets, focus)."""

from dataclasses import dataclass
from decimal import Decimal
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from playwright.sync_api import Page
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale
from wagtail.models import Page as WagtailPage

from tests.factories import (
    AudienceFactory,
    CategoryFactory,
    TownFactory,
    VenueFactory,
    course_class,
    course_page,
    provider_page,
    site_tree,
)

SERIOUS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844}  # a common Android phone's CSS viewport

# Every control a finger may meet. Off-screen elements (the skip link before it is focused) count too:
# they must be big enough the moment they appear.
TARGETS_JS = """(min) => {
  const found = [];
  const controls = 'a[href], button, select, summary, input:not([type=hidden]), [role=button]';
  for (const el of document.querySelectorAll(controls)) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    if (el.type === 'checkbox' || el.type === 'radio') continue;  // their <label> is the target
    const box = el.getBoundingClientRect();
    const inline = Boolean(el.closest('.rich-text, p, dd, li.message'))
      && el.tagName === 'A' && !el.classList.contains('button');
    if (box.width + 0.5 < min.width || box.height + 0.5 < min.height) {
      const size = {width: Math.round(box.width), height: Math.round(box.height)};
      found.push({el: el.outerHTML.slice(0, 120), ...size, inline});
    }
  }
  return found;
}"""

AXE_JS = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').slice(0, 160)),
  }));
}"""


@dataclass
class District:
    home: object
    catalogue: object
    school: object
    pear: object
    calligraphy: object
    town: object


def ensure_migration_rows() -> None:
    """The rows data migrations make (Wagtail's locale, root page and root collection, the role groups).

    Transactional tests flush the database after each test. Serialized rollback would restore these, but
    Django keeps the serialized copy on a connection object that lives in a context variable, and
    Playwright's greenlets give fixtures a different context: so the tests build what they rely on.
    """
    # Earlier transactional tests' flushes re-create content types under new ids: forget the cached ones.
    # A test with serialized rollback leaves no content types or permissions at all: make them again.
    ContentType.objects.clear_cache()
    if not Permission.objects.exists():
        emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    if not Locale.objects.exists():
        Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if WagtailPage.get_first_root_node() is None:
        WagtailPage.add_root(instance=WagtailPage(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    import_module("accounts.migrations.0002_roles").create_role_groups(apps, None)


def build_district() -> District:
    """A small, real district: a town school with a pear-pruning course and an elderly calligraphy course."""
    ensure_migration_rows()
    home, catalogue = site_tree()
    home.intro = "人人皆学、处处能学、时时可学——在家门口找到适合您的课程。"
    home.save_revision().publish()
    catalogue.save_revision().publish()
    town = TownFactory(name="罗庄子镇")
    venue = VenueFactory(name="罗庄子镇成人文化技术学校", town=town, address="罗庄子镇政府东侧")
    school = provider_page(catalogue, "罗庄子镇成人文化技术学校")
    farming = CategoryFactory(name="农业技术")
    elderly = CategoryFactory(name="老年教育")
    pear = course_page(
        school,
        title="梨树冬季修剪技术",
        summary="跟着“梨王”学梨树冬季整形修剪，当天在梨园里动手练。",
        category=farming,
        body="<p>一、认识梨树的枝条。二、冬季修剪的时间和工具。三、在梨园里实地练习。</p>",
        classes=[course_class(label="冬季班", venue=venue, capacity=30)],
        hours=Decimal("16"),
    )
    pear.audiences.add(AudienceFactory(name="农民"))
    calligraphy = course_page(
        school,
        title="书法入门（楷书）",
        summary="从握笔开始，学写端正的楷书。",
        category=elderly,
        classes=[course_class(label="周二上午班", venue=venue, capacity=20, starts_in_days=5)],
        hours=Decimal("24"),
    )
    return District(home=home, catalogue=catalogue, school=school, pear=pear, calligraphy=calligraphy, town=town)


def axe_violations(page: Page, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)  # not a <script> tag: the Content-Security-Policy refuses inline scripts
    return [v for v in page.evaluate(AXE_JS) if v["impact"] in SERIOUS]


def small_targets(page: Page, size: int) -> list[dict]:
    return page.evaluate(TARGETS_JS, {"width": size, "height": size})


def body_font_px(page: Page) -> float:
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))


def focus_is_visible(page: Page) -> bool:
    """The focused element draws an outline or a ring (never focus the eye cannot see)."""
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
                  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; }"""
    )
