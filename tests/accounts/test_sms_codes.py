"""Verification codes: hashed, expire, single-use, few guesses; rate limits per number and per address."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.models import PhoneCode, User
from accounts.verification import CodeRefused, code_send, code_verify, user_register
from core.ratelimit import SMS_CODE_PER_ADDRESS, SMS_CODE_PER_PHONE_MINUTE, rate_limit_reset
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PHONE = "13912345678"


def sent_code(outbox) -> str:
    return re.search(r"验证码(\d{6})", outbox[-1].body).group(1)


def refused(expected, fn, **kwargs):
    with pytest.raises(CodeRefused) as info:
        fn(**kwargs)
    assert info.value.code == expected and info.value.message
    return info.value


def test_code_is_stored_hashed_and_works_once(sms_outbox):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    code = sent_code(sms_outbox)
    record = PhoneCode.objects.get()
    assert code not in record.code_hash and len(record.code_hash) == 64
    code_verify(phone=PHONE, purpose="register", code=code)
    refused("code_wrong", code_verify, phone=PHONE, purpose="register", code=code)


def test_code_is_for_its_purpose_only(sms_outbox):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    refused("code_wrong", code_verify, phone=PHONE, purpose="reset", code=sent_code(sms_outbox))


def test_code_expires(sms_outbox):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    PhoneCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    refused("code_wrong", code_verify, phone=PHONE, purpose="register", code=sent_code(sms_outbox))


def test_five_wrong_guesses_kill_the_code(sms_outbox):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    code = sent_code(sms_outbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        refused("code_wrong", code_verify, phone=PHONE, purpose="register", code=wrong)
    refused("code_wrong", code_verify, phone=PHONE, purpose="register", code=code)


def test_wrong_guesses_count_even_inside_registration(sms_outbox):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    for _ in range(5):
        refused(
            "code_wrong",
            user_register,
            phone=PHONE,
            code="000000" if sent_code(sms_outbox) != "000000" else "111111",
            password="x-Strong-pass-1",
            display_name="张三",
        )
    refused(
        "code_wrong",
        user_register,
        phone=PHONE,
        code=sent_code(sms_outbox),
        password="x-Strong-pass-1",
        display_name="张三",
    )
    assert not User.objects.exists()


def test_new_code_replaces_old(sms_outbox, settings):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    first = sent_code(sms_outbox)
    from django.core.cache import cache

    cache.clear()  # past the one-a-minute limit
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    if first != sent_code(sms_outbox):
        refused("code_wrong", code_verify, phone=PHONE, purpose="register", code=first)


def test_rate_limit_per_number(sms_outbox):
    code_send(phone=PHONE, purpose="register", ip="10.0.0.1")
    error = refused("rate_limited", code_send, phone=PHONE, purpose="register", ip="10.0.0.2")
    assert "1分钟" in error.message
    assert len(sms_outbox) == 1


def test_rate_limit_per_address(sms_outbox):
    for i in range(SMS_CODE_PER_ADDRESS.attempts):
        code_send(phone=f"1391111{i:04d}", purpose="register", ip="10.0.0.9")
    refused("rate_limited", code_send, phone="13922220000", purpose="register", ip="10.0.0.9")
    code_send(phone="13922220000", purpose="register", ip="10.0.0.10")
    assert len(sms_outbox) == SMS_CODE_PER_ADDRESS.attempts + 1


def test_login_code_for_unknown_number_sends_nothing_but_says_nothing(sms_outbox):
    assert code_send(phone=PHONE, purpose="login", ip="10.0.0.1").sent is False
    assert sms_outbox == []
    UserFactory(phone=PHONE)
    rate_limit_reset(SMS_CODE_PER_PHONE_MINUTE, PHONE)  # a minute later
    # A registration code for a registered number: the same answer; the owner alone is told, by text.
    assert code_send(phone=PHONE, purpose="register", ip="10.0.0.2").sent is False
    assert "已注册" in sms_outbox[-1].body and not re.search(r"\d{6}", sms_outbox[-1].body)
    assert not PhoneCode.objects.exists()
