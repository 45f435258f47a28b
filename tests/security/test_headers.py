"""Security headers as a browser receives them: Content-Security-Policy, Referrer-Policy, Permissions-Policy,
nosniff; and the API docs page served from this site, not from a CDN.

tests/browser/test_csp.py loads the same pages in Chromium and checks that nothing is blocked."""

import base64
import hashlib
import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders

from tests.factories import UserFactory

INLINE_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script>", re.S)


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def public_pages(client, make_class) -> dict[str, object]:
    course = make_class().course
    return {
        path: client.get(path)
        for path in ("/", course.url, "/search/?q=梨树", "/accounts/login/", "/api/v1/courses/?q=梨树")
    }


@pytest.mark.django_db
def test_public_pages_forbid_inline_code_and_framing_by_others(client, make_class):
    for path, response in public_pages(client, make_class).items():
        assert response.status_code == 200, path
        csp = policy(response)
        assert "'unsafe-inline'" not in csp["script-src"] and "'unsafe-eval'" not in csp["script-src"], path
        assert "'unsafe-inline'" not in csp["style-src"], path
        assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], path
        assert csp["frame-ancestors"] == ["'self'"] and csp["base-uri"] == ["'self'"], path
        assert response.headers["Referrer-Policy"] == "same-origin", path
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        permissions = response.headers["Permissions-Policy"]
        # geolocation only for this site's own "near me" button (社区学校与学习点), never for a frame.
        for feature in ("camera=()", "microphone=()", "geolocation=(self)", "payment=()"):
            assert feature in permissions, (path, permissions)


@pytest.mark.django_db
def test_every_inline_script_of_the_public_pages_is_allowed_by_its_hash(client, make_class):
    """The course page's 读一读 line is the one inline script; if it changes, its hash in settings must too."""
    found = 0
    for path, response in public_pages(client, make_class).items():
        if not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        assert " style=" not in html and "<style" not in html, f"{path}: inline style"
        assert not re.search(r"\son[a-z]+=", html), f"{path}: inline event handler"
        for script in INLINE_SCRIPT.finditer(html):
            if "src=" in script["attrs"] or "application/json" in script["attrs"]:
                continue
            digest = base64.b64encode(hashlib.sha256(script["body"].encode()).digest()).decode()
            assert f"'sha256-{digest}'" in policy(response)["script-src"], f"{path}: {script['body'][:80]}"
            found += 1
    assert found >= 1  # the course page's


@pytest.mark.django_db
def test_the_wagtail_admin_gets_its_own_policy_and_no_more(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    csp = policy(response)
    assert "'unsafe-inline'" in csp["script-src"] and "'unsafe-inline'" in csp["style-src"]
    assert csp["frame-ancestors"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["connect-src"] == ["'self'"] and csp["default-src"] == ["'self'"]
    # Nothing from another site: no Gravatar, no release check.
    assert "gravatar" not in response.content.decode() and "releases.wagtail" not in response.content.decode()
    # The relaxation stops at the admin.
    assert "'unsafe-inline'" not in policy(client.get("/"))["script-src"]


@pytest.mark.django_db
def test_api_docs_are_served_from_this_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    addresses = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in addresses)
    for address in addresses:
        assert not urlparse(address).netloc, address  # same site only
        assert address.startswith("/static/"), address
        assert finders.find(address.removeprefix("/static/")), f"{address} is not a static file of the site"
    assert client.get("/api/v1/openapi.json").status_code == 200
