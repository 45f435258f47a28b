"""API tokens expire, die with a password change (every path), are listed and revocable by their owner (page and
API), are touched at most once per interval; sessions rotate at login and 退出所有设备 ends them all; the
personal-data export of someone who has a token works."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken

from accounts.services import LAST_USED_INTERVAL
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.fixture
def superuser_client(db):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def new_token(person, name="我的手机") -> str:
    response = Client().post(
        "/api/v1/auth/token",
        {"phone": person.phone, "password": PASSWORD, "name": name},
        content_type="application/json",
    )
    assert response.status_code == 201
    return response.json()["token"]


def me(token):
    return Client().get("/api/v1/me/enrolments", headers={"Authorization": f"Bearer {token}"})


def test_a_token_expires(settings):
    person = UserFactory()
    token = new_token(person)
    assert me(token).status_code == 200
    expired = timezone.now() - datetime.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS, seconds=1)
    APIToken.objects.update(created=expired)
    assert me(token).status_code == 401


def test_a_password_reset_by_sms_revokes_tokens(sms_outbox):
    person = UserFactory()
    token = new_token(person)
    client = Client()
    client.post("/accounts/password/reset/", {"action": "send_code", "phone": person.phone})
    code = re.search(r"验证码(\d{6})", sms_outbox[-1].body).group(1)
    response = client.post(
        "/accounts/password/reset/",
        {"phone": person.phone, "code": code, "password1": "new-pear-2026", "password2": "new-pear-2026"},
    )
    assert response.status_code == 302
    assert me(token).status_code == 401
    assert APIToken.objects.get().revoked_at is not None


def test_a_password_change_in_the_admin_revokes_tokens_and_keeps_the_account_active(superuser_client):
    person = UserFactory(display_name="李大爷", groups=[Group.objects.get(name="居民")])
    token = new_token(person)
    response = superuser_client.post(
        reverse("wagtailusers_users:edit", args=(person.pk,)),
        {
            "phone": person.phone,
            "display_name": person.display_name,
            "email": "",
            "birth_year": "",
            "home_town": "",
            "password1": "new-pear-2026",
            "password2": "new-pear-2026",
            "is_active": "on",
            "groups": [g.pk for g in person.groups.all()],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.check_password("new-pear-2026") and person.is_active
    assert me(token).status_code == 401


def test_the_admin_edit_page_shows_every_field_it_posts(superuser_client):
    """The field the old template hid (is_active) posted as unticked: the page must render every form field."""
    person = UserFactory()
    page = superuser_client.get(reverse("wagtailusers_users:edit", args=(person.pk,))).content.decode()
    for name in ["phone", "display_name", "email", "birth_year", "home_town", "password1", "password2", "is_active"]:
        assert f'name="{name}"' in page, name
    assert re.search(r'name="is_active"[^>]*checked|checked[^>]*name="is_active"', page)


def test_a_hash_upgrade_at_login_is_not_a_password_change(settings):
    person = UserFactory()
    token = new_token(person)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.ScryptPasswordHasher", *settings.PASSWORD_HASHERS]
    assert Client().post(reverse("accounts:login"), {"username": person.phone, "password": PASSWORD}).status_code == 302
    person.refresh_from_db()
    assert person.password.startswith("scrypt$")  # re-hashed on login…
    assert me(token).status_code == 200  # …and the token lives on


def test_residents_see_and_revoke_their_tokens_on_a_page():
    person, other = UserFactory(), UserFactory()
    new_token(person, "客厅电视")
    others = new_token(other)
    client = Client()
    client.force_login(person)
    page = client.get(reverse("accounts:security")).content.decode()
    assert "客厅电视" in page and "从未使用" in page and "wagtail_" not in page
    mine = APIToken.objects.get(user=person)
    theirs = APIToken.objects.get(user=other)
    assert client.post(reverse("accounts:token_revoke", args=(theirs.pk,))).status_code == 404
    assert me(others).status_code == 200
    assert client.post(reverse("accounts:token_revoke", args=(mine.pk,))).status_code == 302
    mine.refresh_from_db()
    assert mine.revoked_at is not None and "已撤销" in client.get(reverse("accounts:security")).content.decode()


def test_residents_list_and_revoke_their_tokens_by_api():
    person, other = UserFactory(), UserFactory()
    token = new_token(person, "平板")
    others = new_token(other)
    auth = {"Authorization": f"Bearer {token}"}
    listed = Client().get("/api/v1/auth/tokens", headers=auth).json()
    assert [t["name"] for t in listed] == ["平板"] and set(listed[0]) == {
        "id", "name", "created", "last_used_at", "expires_at", "revoked_at",
    }  # fmt: skip
    theirs = APIToken.objects.get(user=other).pk
    assert Client().delete(f"/api/v1/auth/tokens/{theirs}", headers=auth).status_code == 404
    assert me(others).status_code == 200
    assert Client().delete(f"/api/v1/auth/tokens/{listed[0]['id']}", headers=auth).status_code == 204
    assert me(token).status_code == 401


def test_last_use_is_written_once_per_interval():
    person = UserFactory()
    token = new_token(person)
    with CaptureQueriesContext(connection) as first:
        me(token)
    with CaptureQueriesContext(connection) as later:
        for _ in range(5):
            me(token)
    updates = [q["sql"] for q in [*first.captured_queries, *later.captured_queries] if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "last_used_at" in updates[0]
    APIToken.objects.update(last_used_at=timezone.now() - LAST_USED_INTERVAL - datetime.timedelta(seconds=1))
    before = APIToken.objects.get().last_used_at
    me(token)
    assert APIToken.objects.get().last_used_at > before


def test_the_session_key_changes_at_login():
    person = UserFactory()
    client = Client()
    session = client.session  # a session exists before logging in
    session["probe"] = 1
    session.save()
    before = client.cookies["sessionid"].value
    client.post(reverse("accounts:login"), {"username": person.phone, "password": PASSWORD})
    assert client.cookies["sessionid"].value != before and client.session["_auth_user_id"] == str(person.pk)


def test_logging_out_everywhere_ends_every_session_and_token():
    person = UserFactory()
    token = new_token(person)
    phone, laptop = Client(), Client()
    for client in (phone, laptop):
        response = client.post(reverse("accounts:login"), {"username": person.phone, "password": PASSWORD})
        assert response.status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200
    assert phone.post(reverse("accounts:end_sessions")).status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 302  # sent to the login page
    assert phone.get(reverse("accounts:profile")).status_code == 302
    assert me(token).status_code == 401
    # Logging in again works.
    assert laptop.post(reverse("accounts:login"), {"username": person.phone, "password": PASSWORD}).status_code == 302
    assert laptop.get(reverse("accounts:profile")).status_code == 200


def test_the_personal_data_export_lists_tokens_without_the_secret():
    person = UserFactory()
    token = new_token(person)
    me(token)
    client = Client()
    client.force_login(person)
    response = client.get("/me/data/export.json")
    assert response.status_code == 200
    data = json.loads(response.content)
    [listed] = data["api_tokens"]
    assert listed["name"] == "我的手机" and listed["created_at"] and listed["last_used_at"]
    assert token not in response.content.decode()
