"""Register, log in by code, reset password: the pages, through the test client, without JavaScript."""

import re

import pytest

from accounts.models import User
from tests.factories import TownFactory, UserFactory

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def last_code(outbox) -> str:
    return re.search(r"验证码(\d{6})", outbox[-1].body).group(1)


def test_register_flow(client, sms_outbox):
    town = TownFactory(name="下营镇")
    page = client.get("/accounts/register/").content.decode()
    assert 'value="send_code"' in page
    response = client.post("/accounts/register/", {"action": "send_code", "phone": "139 1234 5678"})
    assert response.status_code == 200 and "139****5678" in response.content.decode()
    assert sms_outbox[-1].phone == PHONE
    data = {
        "action": "submit",
        "phone": PHONE,
        "code": last_code(sms_outbox),
        "display_name": "李大爷",
        "password1": "pear-king-2026",
        "password2": "pear-king-2026",
        "birth_year": "1955",
        "home_town": town.pk,
    }
    response = client.post("/accounts/register/", {**data, "code": "000000" if data["code"] != "000000" else "111111"})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    response = client.post("/accounts/register/", data)
    assert response.status_code == 302
    user = User.objects.get(phone=PHONE)
    assert user.display_name == "李大爷" and user.birth_year == 1955 and user.home_town == town
    assert user.check_password("pear-king-2026") and user.groups.filter(name="居民").exists()
    assert client.get("/me/enrolments/").status_code == 200  # logged in


def test_register_bad_input_changes_nothing(client, sms_outbox):
    response = client.post("/accounts/register/", {"action": "send_code", "phone": "12345"})
    assert response.status_code == 400 and sms_outbox == []
    client.post("/accounts/register/", {"action": "send_code", "phone": PHONE})
    response = client.post(
        "/accounts/register/",
        {"phone": PHONE, "code": last_code(sms_outbox), "display_name": "x", "password1": "12345678", "password2": "1"},
    )
    assert response.status_code == 200 and not User.objects.exists()
    # The code was not used up by a form that failed validation.
    assert "data-error-summary" in response.content.decode()


def test_send_code_rate_limited_page(client, sms_outbox):
    client.post("/accounts/register/", {"action": "send_code", "phone": PHONE})
    response = client.post("/accounts/register/", {"action": "send_code", "phone": PHONE})
    assert response.status_code == 429 and "1分钟" in response.content.decode()
    assert len(sms_outbox) == 1


def test_login_by_code(client, sms_outbox):
    UserFactory(phone=PHONE)
    client.post("/accounts/login/sms/", {"action": "send_code", "phone": PHONE})
    response = client.post(
        "/accounts/login/sms/", {"phone": PHONE, "code": last_code(sms_outbox), "next": "/me/enrolments/"}
    )
    assert response.status_code == 302 and response["Location"] == "/me/enrolments/"


def test_login_by_code_unknown_number_looks_the_same(client, sms_outbox):
    response = client.post("/accounts/login/sms/", {"action": "send_code", "phone": PHONE})
    assert response.status_code == 200 and "验证码已发送" in response.content.decode()
    assert sms_outbox == []


def test_password_reset(client, sms_outbox):
    user = UserFactory(phone=PHONE)
    client.post("/accounts/password/reset/", {"action": "send_code", "phone": PHONE})
    code = last_code(sms_outbox)
    response = client.post(
        "/accounts/password/reset/",
        {"phone": PHONE, "code": code, "password1": "new-pear-2026", "password2": "new-pear-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-pear-2026")
    # Single use: the same code cannot reset it again.
    response = client.post(
        "/accounts/password/reset/",
        {"phone": PHONE, "code": code, "password1": "other-pear-2026", "password2": "other-pear-2026"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("new-pear-2026")
