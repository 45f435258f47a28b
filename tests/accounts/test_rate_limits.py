"""Every limiter of accounts goes through core.ratelimit with today's numbers and messages: SMS codes per number
(a minute, an hour) and per address, the API token per number and per address, both login forms per address.
(Per-number login limits and the reset on success: tests/security/test_staff_publishing.py.)"""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from accounts.verification import CodeRefused, code_send
from core.ratelimit import (
    API_TOKEN_PER_ADDRESS,
    API_TOKEN_PER_PHONE,
    LOGIN_PER_ADDRESS,
    SMS_CODE_PER_PHONE_HOUR,
    SMS_CODE_PER_PHONE_MINUTE,
    rate_limit_reset,
)
from tests.core.test_ratelimit import cache_keys
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PHONE = "13912345678"
PASSWORD = "correct-horse-battery"


def send(phone=PHONE, ip="10.0.0.1"):
    return code_send(phone=phone, purpose="register", ip=ip)


def test_sms_codes_five_an_hour_per_number(sms_outbox):
    for _ in range(SMS_CODE_PER_PHONE_HOUR.attempts):
        send()
        rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)  # a minute later
    with pytest.raises(CodeRefused) as refused:
        send(ip="10.0.0.2")
    assert refused.value.code == "rate_limited"
    assert refused.value.message == "该号码获取验证码次数过多，请一小时后再试。"
    assert len(sms_outbox) == 5
    send(phone="13922220000")  # another number is not affected


def test_a_refusal_within_the_minute_does_not_use_up_the_hour(sms_outbox):
    """The minute is checked first; a request it refuses is not counted against the hour."""
    send()
    for _ in range(10):
        with pytest.raises(CodeRefused) as refused:
            send()
        assert refused.value.message == "验证码已发送，请1分钟后再重新获取。"
    for _ in range(SMS_CODE_PER_PHONE_HOUR.attempts - 1):
        rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)
        send()
    assert len(sms_outbox) == 5


def test_sms_address_limit_message(sms_outbox):
    for i in range(20):
        send(phone=f"1391111{i:04d}", ip="10.0.0.9")
    with pytest.raises(CodeRefused) as refused:
        send(phone="13922220000", ip="10.0.0.9")
    assert refused.value.message == "本网络请求验证码过于频繁，请一小时后再试。"


def token(client, phone, password="wrong", **extra):
    return client.post(
        "/api/v1/auth/token", {"phone": phone, "password": password}, content_type="application/json", **extra
    )


def test_api_token_per_number(client):
    person = UserFactory()
    for i in range(API_TOKEN_PER_PHONE.attempts):
        assert token(client, person.phone, REMOTE_ADDR=f"10.0.1.{i}").status_code == 401
    response = token(client, person.phone, PASSWORD, REMOTE_ADDR="10.0.2.1")
    assert response.status_code == 429
    assert response.json() == {"detail": "尝试次数过多，请一小时后再试。", "code": "rate_limited"}


def test_api_token_per_address(client):
    person = UserFactory()
    for i in range(API_TOKEN_PER_ADDRESS.attempts):
        assert token(client, f"1391111{i:04d}").status_code == 401
    assert token(client, person.phone, PASSWORD).status_code == 429
    assert token(client, person.phone, PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 201


@pytest.mark.parametrize("login_url", ["accounts:login", "wagtailadmin_login"])
def test_login_per_address(login_url):
    person = UserFactory(is_staff=True)
    client = Client(REMOTE_ADDR="10.0.3.1")
    url = reverse(login_url)
    for i in range(LOGIN_PER_ADDRESS.attempts):
        response = client.post(url, {"username": f"1391111{i:04d}", "password": "wrong"})
        assert response.status_code == 200 and "登录尝试次数过多" not in response.content.decode()
    response = client.post(url, {"username": person.phone, "password": PASSWORD})
    assert "登录尝试次数过多，请15分钟后再试。" in response.content.decode() and "_auth_user_id" not in client.session
    assert Client(REMOTE_ADDR="10.0.3.2").post(url, {"username": person.phone, "password": PASSWORD}).status_code == 302


def test_numbers_stay_out_of_cache_keys_and_logs(client, sms_outbox, caplog):
    person = UserFactory(phone=PHONE)
    with caplog.at_level(logging.INFO):
        send(phone="13922220000")
        with pytest.raises(CodeRefused):
            send(phone="13922220000")
        for _ in range(API_TOKEN_PER_PHONE.attempts + 1):
            token(client, "139 1234 5678")
        client.post(reverse("accounts:login"), {"username": person.phone, "password": "wrong"})
    keys = [key for key in cache_keys() if ":rl:" in key or key.startswith("rl:")]
    assert {key.split("rl:")[1].split(":")[0] for key in keys} >= {
        "sms-ip-hour", "sms-phone-minute", "sms-phone-hour", "token-ip", "token-phone", "login-ip", "login-phone",
    }  # fmt: skip
    for text in [*keys, caplog.text]:
        assert "13922220000" not in text and PHONE not in text
