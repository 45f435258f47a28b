"""Which numbers have accounts does not leak: asking for a code, registering, SMS login and password reset answer
a registered number exactly as they answer an unregistered one (same status, same page), and the reset form's
password check confirms no guessed email or name."""

import re

import pytest
from django.test import Client

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
# Both mask to 139****0001 on the page, so their pages must be identical byte for byte (but for CSRF tokens).
REGISTERED = "13912340001"
UNREGISTERED = "13956780001"
PAGES = {"register": "/accounts/register/", "login": "/accounts/login/sms/", "reset": "/accounts/password/reset/"}


@pytest.fixture
def owner(db):
    return UserFactory(phone=REGISTERED, display_name="王秀兰", email="wangxiulan1958@example.com")


def answer(url, data, ip):
    """Status and page, without what differs by design: CSRF tokens, and the number typed (echoed in its field)."""
    response = Client(REMOTE_ADDR=ip).post(url, data)
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return response.status_code, body.replace(data["phone"], "<typed>")


@pytest.mark.parametrize("flow", PAGES)
def test_asking_for_a_code_answers_the_same(owner, flow, sms_outbox):
    registered = answer(PAGES[flow], {"action": "send_code", "phone": REGISTERED}, "10.0.0.1")
    unregistered = answer(PAGES[flow], {"action": "send_code", "phone": UNREGISTERED}, "10.0.0.2")
    assert registered == unregistered and registered[0] == 200
    assert "验证码已发送到139****0001" in registered[1]


@pytest.mark.parametrize("flow", PAGES)
def test_a_wrong_code_answers_the_same(owner, flow, sms_outbox):
    """Whether a code was sent (registered number) or not (unregistered), a guess gets the same words."""
    data = {
        "action": "submit",
        "code": "000000",
        "display_name": "某人",
        "password1": "pear-king-2026",
        "password2": "pear-king-2026",
        "birth_year": "",
        "home_town": "",
    }
    for phone, ip in [(REGISTERED, "10.0.0.1"), (UNREGISTERED, "10.0.0.2")]:
        Client(REMOTE_ADDR=ip).post(PAGES[flow], {"action": "send_code", "phone": phone})
    registered = answer(PAGES[flow], {**data, "phone": REGISTERED}, "10.0.0.1")
    unregistered = answer(PAGES[flow], {**data, "phone": UNREGISTERED}, "10.0.0.2")
    assert registered == unregistered
    assert "验证码不正确或已失效，请重新获取。" in registered[1]
    assert "已注册" not in registered[1] and "验证码已失效" not in registered[1]


def test_registration_says_the_number_is_taken_only_to_its_holder(owner, sms_outbox):
    Client().post(PAGES["register"], {"action": "send_code", "phone": REGISTERED})
    assert sms_outbox[-1].phone == REGISTERED and "已注册" in sms_outbox[-1].body  # told by text, not on the page
    assert User.objects.count() == 1


def test_the_reset_form_does_not_confirm_a_guessed_email(owner, sms_outbox):
    data = {"action": "submit", "code": "000000", "password1": "wangxiulan1958", "password2": "wangxiulan1958"}
    registered = answer(PAGES["reset"], {**data, "phone": REGISTERED}, "10.0.0.1")
    unregistered = answer(PAGES["reset"], {**data, "phone": UNREGISTERED}, "10.0.0.2")
    assert registered == unregistered
    assert "电子邮箱" not in registered[1] and "相似" not in registered[1]
