"""Real-browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

Browsers cannot be downloaded here, so Playwright is pointed at /usr/bin/chromium (`apt-get install
chromium`; .ci/run installs it). axe-core comes from npm (`make install` runs `npm ci`) and is injected
into each page under test. One browser per session; each test gets a fresh context (no cookies).
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

from .pages import PHONE

# Playwright's sync API keeps an event loop running in the test thread; Django would otherwise refuse
# the ORM calls the fixtures make in that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

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
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's package (apt-get install chromium).")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "locale": "zh-CN"}


@pytest.fixture
def page(page):
    page.set_default_timeout(10_000)
    return page


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"axe-core not found at {AXE}: run `make install` (it runs `npm ci`).")
    return AXE.read_text(encoding="utf-8")
