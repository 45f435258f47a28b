"""Display preferences: the 长辈版 switch and text size, set by plain POST forms (no JavaScript)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from jizhou.preferences import display_preferences


@pytest.fixture
def home(tree):
    tree["home"].save_revision().publish()
    return tree["home"]


def test_elder_mode_switch_sets_a_lasting_cookie_and_returns_to_the_page(client):
    response = client.post("/preferences/elder-mode/", {"elder_mode": "1", "next": "/courses/?town=xia-ying-zhen"})
    assert response.status_code == 302
    assert response["Location"] == "/courses/?town=xia-ying-zhen"
    cookie = response.cookies["elder_mode"]
    assert cookie.value == "1"
    assert int(cookie["max-age"]) >= 30 * 24 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"

    response = client.post("/preferences/elder-mode/", {"elder_mode": "0", "next": "/"})
    assert response.cookies["elder_mode"].value == "0"


@pytest.mark.parametrize("value", ["", "2", "yes", "1; Path=/admin"])
def test_elder_mode_rejects_anything_but_on_or_off(client, value):
    response = client.post("/preferences/elder-mode/", {"elder_mode": value})
    assert response.status_code == 400
    assert "长辈版" in response.content.decode()
    assert "elder_mode" not in response.cookies


def test_preferences_never_redirect_to_another_site(client):
    response = client.post("/preferences/text-size/", {"text_size": "2", "next": "https://evil.example/phish"})
    assert response["Location"] == "/"
    assert response.cookies["text_size"].value == "2"


def test_preferences_need_a_post(client):
    assert client.get("/preferences/elder-mode/?elder_mode=1").status_code == 405
    assert client.get("/preferences/text-size/?text_size=1").status_code == 405


@pytest.mark.parametrize("value", ["-1", "4", "99", "x", ""])
def test_text_size_rejects_steps_out_of_range(client, value):
    response = client.post("/preferences/text-size/", {"text_size": value})
    assert response.status_code == 400
    assert "text_size" not in response.cookies


@pytest.mark.parametrize(
    ("cookies", "expected"),
    [
        ({}, (False, 0, "")),
        ({"elder_mode": "1"}, (True, 0, "elder")),
        ({"elder_mode": "1", "text_size": "3"}, (True, 3, "elder text-3")),
        ({"elder_mode": "yes", "text_size": "7"}, (False, 0, "")),
        ({"text_size": "2"}, (False, 2, "text-2")),
    ],
)
def test_cookies_are_read_defensively(cookies, expected):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    prefs = display_preferences(request)
    assert (prefs.elder, prefs.text_size, prefs.html_class) == expected


def test_every_page_carries_the_switch_and_the_mode(client, home):
    page = client.get("/").content.decode()
    assert '<html lang="zh-CN" class="">' in page
    assert 'action="/preferences/elder-mode/"' in page
    assert 'aria-pressed="false"' in page

    client.cookies["elder_mode"] = "1"
    client.cookies["text_size"] = "3"
    page = client.get("/").content.decode()
    assert '<html lang="zh-CN" class="elder text-3">' in page
    assert 'name="elder_mode" value="0"' in page and 'aria-pressed="true"' in page
    # At the largest size the "larger" button is disabled, the "smaller" one steps down to 2.
    assert 'name="text_size" value="2" class="button button--small">' in page
    assert 'name="text_size" value="3" class="button button--small" disabled>' in page


def test_form_errors_are_tied_to_their_fields(client, db):
    response = client.post("/accounts/login/", {"username": "12", "password": "x"})
    page = response.content.decode()
    assert 'role="alert"' in page and "data-error-summary" in page
    assert 'aria-invalid="true"' in page
    assert 'aria-describedby="id_username_error"' in page
    assert 'id="id_username_error"' in page
    assert "<title>有错误：登录" in page


def test_template_tag_reads_the_request():
    request = RequestFactory().get("/")
    request.COOKIES["elder_mode"] = "1"
    rendered = Template("{% load display_preferences %}{% get_display_preferences as p %}{{ p.elder }}").render(
        Context({"request": request})
    )
    assert rendered == "True"
