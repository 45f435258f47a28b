"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Browsers cannot be downloaded here, so Playwright is pointed at /usr/bin/chromium (`apt-get install
chromium`; .ci/run installs it). axe-core comes from npm (`make install` runs `npm ci`) and is injected
into each page under test. One browser for the package; each test gets a fresh context (no cookies).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from .pages import PHONE

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    """Mark these tests `browser` and run them last.

    They are transactional: each ends with a flush, which also removes the rows data migrations made
    (Wagtail's root page and locale, role groups, default synonyms…). Other transactional tests rely on
    those rows, and Django's serialized rollback cannot restore them here (it keeps its copy on a
    connection object in a context variable that Playwright's greenlets do not share), so nothing that
    uses the database runs after these. Runs after pytest-django's own reordering (tryfirst)."""
    browser = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser:
        item.add_marker(pytest.mark.browser)
    others = [item for item in items if "tests/browser/" not in str(item.fspath)]
    items[:] = others + browser


@pytest.fixture(scope="package", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API keeps an event loop running in the test thread, so Django refuses ORM calls
    there unless told the loop is not ours to block. Only while these tests run (package scope ends after
    the last of them, including pytest-django's flush): left in os.environ it would leak into subprocesses
    that later tests start (and fail their `check --deploy`)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# pytest-playwright keeps one browser for the whole session. Here it lives only as long as this package's
# tests, together with the environment variable above: nothing after them runs beside Playwright's loop.
@pytest.fixture(scope="package")
def playwright(_orm_beside_playwright, _pw_api_request_contexts):
    pw = sync_playwright().start()
    if _pw_api_request_contexts:
        _pw_api_request_contexts.instrument(pw)
    yield pw
    pw.stop()


@pytest.fixture(scope="package")
def browser_type(playwright, browser_name):
    return getattr(playwright, browser_name)


@pytest.fixture(scope="package")
def launch_browser(browser_type_launch_args, browser_type):
    def launch(**kwargs):
        return browser_type.launch(**{**browser_type_launch_args, **kwargs})

    return launch


@pytest.fixture(scope="package")
def browser(launch_browser):
    browser = launch_browser()
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="package")
def browser_context_args():
    # A phone asking for Chinese (pytest-playwright's own version needs its session-long `playwright`).
    return {"viewport": PHONE, "locale": "zh-CN"}


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make install` (it runs `npm ci`).")
    return AXE.read_text(encoding="utf-8")
