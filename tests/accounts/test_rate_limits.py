"""The SMS-code limits go through core.ratelimit with today's numbers and messages: per number (a minute, an hour
from everywhere), per number+address (an hour), per address. (Password logins: test_login_limits.py.)"""

import logging

import pytest
from django.urls import reverse

from accounts.verification import CodeRefused, code_send
from core.ratelimit import (
    SMS_CODE_PER_ADDRESS,
    SMS_CODE_PER_PHONE_ADDRESS_HOUR,
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


def test_sms_codes_five_an_hour_per_number_and_address_ten_from_everywhere(sms_outbox):
    for _ in range(SMS_CODE_PER_PHONE_ADDRESS_HOUR.attempts):
        send()
        rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)  # a minute later
    with pytest.raises(CodeRefused) as refused:
        send()
    assert refused.value.code == "rate_limited"
    assert refused.value.message == "该号码获取验证码次数过多，请一小时后再试。"
    assert len(sms_outbox) == 5
    # A stranger who used up their five cannot use up the owner's: the owner elsewhere still gets codes…
    rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)
    send(ip="10.0.0.2")
    # …up to the number's limit from everywhere (what texts may cost).
    for i in range(SMS_CODE_PER_PHONE_HOUR.attempts - SMS_CODE_PER_PHONE_ADDRESS_HOUR.attempts - 1):
        rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)
        send(ip=f"10.0.1.{i}")
    rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)
    with pytest.raises(CodeRefused):
        send(ip="10.0.2.1")
    assert len(sms_outbox) == SMS_CODE_PER_PHONE_HOUR.attempts
    send(phone="13922220000")  # another number is not affected


def test_a_refusal_within_the_minute_does_not_use_up_the_hour(sms_outbox):
    """The minute is checked first; a request it refuses is not counted against the hour."""
    send()
    for _ in range(10):
        with pytest.raises(CodeRefused) as refused:
            send()
        assert refused.value.message == "验证码已发送，请1分钟后再重新获取。"
    for _ in range(SMS_CODE_PER_PHONE_ADDRESS_HOUR.attempts - 1):
        rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)
        send()
    assert len(sms_outbox) == 5


def test_sms_address_limit_message(sms_outbox):
    for i in range(SMS_CODE_PER_ADDRESS.attempts):
        send(phone=f"1391111{i:04d}", ip="10.0.0.9")
    with pytest.raises(CodeRefused) as refused:
        send(phone="13922220000", ip="10.0.0.9")
    assert refused.value.message == "本网络请求验证码过于频繁，请一小时后再试。"


def token(client, phone, password="wrong", **extra):
    return client.post(
        "/api/v1/auth/token", {"phone": phone, "password": password}, content_type="application/json", **extra
    )


def test_numbers_stay_out_of_cache_keys_and_logs(client, sms_outbox, caplog):
    person = UserFactory(phone=PHONE)
    with caplog.at_level(logging.INFO):
        send(phone="13922220000")
        with pytest.raises(CodeRefused):
            send(phone="13922220000")
        for _ in range(7):
            token(client, "139 1234 5678")
        client.post(reverse("accounts:login"), {"username": person.phone, "password": "wrong"})
    keys = [key for key in cache_keys() if ":rl:" in key or key.startswith("rl:")]
    assert {key.split("rl:")[1].split(":")[0] for key in keys} >= {
        "sms-ip-hour", "sms-phone-minute", "sms-phone-hour", "sms-phone-ip-hour", "login-fail-ip", "login-fail-phone",
        "login-fail-phone-ip",
    }  # fmt: skip
    for text in [*keys, caplog.text]:
        assert "13922220000" not in text and PHONE not in text
