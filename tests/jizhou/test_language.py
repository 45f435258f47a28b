"""The site's language: Simplified Chinese whatever the phone says; English only once a person chooses it, and then
remembered; the Wagtail admin in each staff member's own admin language."""

import pytest
from django.conf import settings
from django.test import Client
from wagtail.users.models import UserProfile

from tests.factories import UserFactory

ENGLISH_PHONE = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}


def menus(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_a_phone_set_to_english_still_gets_chinese_menus(make_class):
    client = Client(**ENGLISH_PHONE)
    for path in ("/", make_class().course.url, "/accounts/login/", "/search/"):
        page = menus(client.get(path))
        assert '<html lang="zh-CN"' in page and "长辈版" in page and "Elder mode" not in page, path
    assert client.get("/").headers["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_english_once_chosen_is_remembered_on_the_next_pages(make_class):
    course = make_class().course
    client = Client(**ENGLISH_PHONE)
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": course.url})
    assert chosen.status_code == 302 and chosen.url == course.url
    cookie = chosen.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en" and int(cookie["max-age"]) >= 365 * 24 * 60 * 60  # not just this browser session
    for path in (course.url, "/", "/accounts/login/"):
        page = menus(client.get(path))
        assert '<html lang="en"' in page and "Elder mode" in page and "长辈版" not in page, path

    # Back to Chinese with the same switch, even with the phone still asking for English.
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "长辈版" in menus(client.get("/"))  # the public site stays in the site's language


@pytest.mark.django_db
def test_a_cookie_naming_no_language_of_the_site_falls_back_to_chinese(client):
    for value in ("fr", "zz-" + "x" * 300, "²", ""):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = value
        assert "长辈版" in menus(client.get("/accounts/login/")), value


@pytest.mark.django_db
def test_the_admin_keeps_the_staff_members_own_language(tree):
    english_admin = UserFactory(is_superuser=True, is_staff=True)
    UserProfile.objects.create(user=english_admin, preferred_language="en")  # 账号设置 → 语言
    client = Client()  # no language cookie: the public site would be Chinese
    client.force_login(english_admin)
    assert '<html lang="en"' in menus(client.get("/admin/"))
    assert "长辈版" in menus(client.get("/"))  # the public site stays in the site's language

    chinese_admin = UserFactory(is_superuser=True, is_staff=True)
    client = Client(**ENGLISH_PHONE)  # no preference of their own, a phone in English
    client.force_login(chinese_admin)
    assert '<html lang="zh-hans"' in menus(client.get("/admin/"))
