"""Password logins count failures, not people (docs/decisions/0009-login-limits.md): a classroom behind one
address logs in, a guessed number cools off (longer each time) while its owner can still log in with an SMS code,
an address guessing across many numbers is slowed, and Redis going away changes none of the answers."""

import logging

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core import ratelimit
from core.ratelimit import (
    LOGIN_FAILURES_PER_ADDRESS,
    LOGIN_FAILURES_PER_PHONE,
    LOGIN_FAILURES_PER_PHONE_ADDRESS,
    attempt_begin,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
SCHOOL = "10.20.0.1"  # one community school's NAT address
LOCKED = "密码输错次数过多，请%d分钟后再试；也可以改用短信验证码登录。"


def token(phone, password=PASSWORD, ip=SCHOOL):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token", {"phone": phone, "password": password}, content_type="application/json"
    )


def form_login(phone, password=PASSWORD, ip=SCHOOL, url="accounts:login"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(reverse(url), {"username": phone, "password": password})
    return response, client


def sms_login(phone, sms_outbox, ip=SCHOOL):
    client = Client(REMOTE_ADDR=ip)
    url = reverse("accounts:login_sms")
    client.post(url, {"action": "send_code", "phone": phone})
    code = sms_outbox[-1].body.split("验证码")[1][:6]
    response = client.post(url, {"phone": phone, "code": code})
    return response, client


@pytest.fixture
def clock(monkeypatch):
    """Moves the clock the counters (and the local-memory cache's expiry) read."""
    import time as time_module

    real = time_module.time
    offset = [0.0]
    monkeypatch.setattr(time_module, "time", lambda: real() + offset[0])

    def advance(seconds: float):
        offset[0] += seconds

    return advance


def test_a_classroom_of_200_logs_in_from_one_address(sms_outbox):
    """Through the token endpoint and the web form, each resident once, some after a typo: nobody is refused."""
    hashed = make_password(PASSWORD)
    User.objects.bulk_create(
        User(phone=f"1371000{i:04d}", display_name=f"居民{i}", password=hashed) for i in range(200)
    )
    for i in range(200):
        phone = f"1371000{i:04d}"
        if i % 10 == 0:  # one in ten mistypes first
            assert token(phone, "typo-password").status_code == 401
        assert token(phone).status_code == 201, i
        response, client = form_login(phone)
        assert response.status_code == 302 and client.session["_auth_user_id"] == str(
            User.objects.get(phone=phone).pk
        ), i


def test_successes_are_never_counted():
    person = UserFactory()
    for _ in range(LOGIN_FAILURES_PER_PHONE.failures * 2):
        assert token(person.phone).status_code == 201


def test_a_guessed_number_is_locked_for_the_guesser_and_sms_login_still_works(sms_outbox):
    person = UserFactory()
    for _ in range(LOGIN_FAILURES_PER_PHONE_ADDRESS.failures):
        response, _client = form_login(person.phone, "guess", ip="10.66.0.1")
        assert "手机号码或密码不正确。" in response.content.decode()
    # The guesser's address is refused now — the right password included — with when to try again.
    response, client = form_login(person.phone, ip="10.66.0.1")
    assert response.status_code == 200 and LOCKED % 1 in response.content.decode()
    assert "_auth_user_id" not in client.session
    api = token(person.phone, ip="10.66.0.1")
    assert api.status_code == 429 and api.json() == {"detail": LOCKED % 1, "code": "rate_limited"}
    # The owner, elsewhere, is not touched; and from the guesser's address SMS login works.
    assert token(person.phone, ip="10.1.1.1").status_code == 201
    response, client = sms_login(person.phone, sms_outbox, ip="10.66.0.1")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_guessing_from_many_addresses_locks_the_number_everywhere_but_not_sms_login(sms_outbox):
    person = UserFactory()
    per_address = LOGIN_FAILURES_PER_PHONE_ADDRESS.failures
    for i in range(LOGIN_FAILURES_PER_PHONE.failures):
        assert token(person.phone, "guess", ip=f"10.77.{i // per_address}.1").status_code == 401
    minutes = LOGIN_FAILURES_PER_PHONE.cooloff // 60
    api = token(person.phone, ip="10.1.1.1")  # the owner at home
    assert api.status_code == 429 and api.json()["detail"] == LOCKED % minutes
    response, _client = form_login(person.phone, ip="10.1.1.1")
    assert LOCKED % minutes in response.content.decode()
    # SMS login still works, and ends the lockout: the owner proved the number.
    response, client = sms_login(person.phone, sms_outbox, ip="10.1.1.1")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)
    assert token(person.phone, ip="10.1.1.1").status_code == 201


def test_each_cool_off_is_longer_than_the_last(clock):
    person = UserFactory()
    for _ in range(LOGIN_FAILURES_PER_PHONE_ADDRESS.failures):
        token(person.phone, "guess")
    assert token(person.phone).json()["detail"] == LOCKED % 1
    clock(61)
    assert token(person.phone, "guess").status_code == 401  # one try after a cool-off…
    assert token(person.phone).json()["detail"] == LOCKED % 2  # …then twice as long
    clock(61)
    assert token(person.phone).status_code == 429
    clock(60)
    assert token(person.phone).status_code == 201  # and a success forgets it all
    for _ in range(LOGIN_FAILURES_PER_PHONE_ADDRESS.failures - 1):
        assert token(person.phone, "guess").status_code == 401
    assert token(person.phone).status_code == 201


def test_an_address_guessing_across_many_numbers_is_slowed(caplog):
    person = UserFactory()
    with caplog.at_level(logging.INFO, logger="core.ratelimit"):
        for i in range(LOGIN_FAILURES_PER_ADDRESS.attempts):
            assert token(f"1398888{i:04d}", "123456", ip="10.88.0.1").status_code == 401
        api = token(person.phone, ip="10.88.0.1")
    assert api.status_code == 429 and api.json()["detail"] == LOCKED % (LOGIN_FAILURES_PER_ADDRESS.seconds // 60)
    response, _client = form_login(person.phone, ip="10.88.0.1")
    assert "密码输错次数过多" in response.content.decode()
    assert token(person.phone, ip="10.88.0.2").status_code == 201  # another address is not
    assert "login-fail-ip" in caplog.text and "1398888" not in caplog.text


def test_the_admin_login_has_stricter_limits_of_its_own():
    staff = UserFactory(is_staff=True)
    for _ in range(3):
        response, _client = form_login(staff.phone, "guess", url="wagtailadmin_login")
        assert "_auth_user_id" not in _client.session
    response, client = form_login(staff.phone, url="wagtailadmin_login")
    assert LOCKED % 5 in response.content.decode() and "_auth_user_id" not in client.session
    response, client = form_login(staff.phone)  # the site's own form: 3 failures are under its limit
    assert response.status_code == 302


def test_parallel_attempts_cannot_all_slip_past_the_check():
    """Places are held before the password is checked: of 50 attempts started together, only the free ones go."""
    guards = [(LOGIN_FAILURES_PER_PHONE_ADDRESS, "13900000000|10.0.0.1"), (LOGIN_FAILURES_PER_ADDRESS, "10.0.0.1")]
    started = [attempt_begin(guards) for _ in range(50)]
    assert sum(1 for attempt in started if not attempt.wait) == LOGIN_FAILURES_PER_PHONE_ADDRESS.failures


@pytest.fixture(
    params=[
        # Production's (jizhou/settings/base.py): django-redis, whose cache answers a miss when Redis is down…
        {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {"IGNORE_EXCEPTIONS": True}},
        # …and a backend that raises.
        {"BACKEND": "django.core.cache.backends.redis.RedisCache"},
    ],
    ids=["django-redis", "django"],
)
def redis_unreachable(settings, request):
    """The shared cache points at a closed port (connection refused), as when Redis is down."""
    settings.CACHES = {**settings.CACHES, "default": {**request.param, "LOCATION": "redis://127.0.0.1:1/0"}}
    yield
    ratelimit.rate_limit_forget_outage()


def test_with_redis_down_logins_are_answered_and_failures_still_counted(redis_unreachable, caplog):
    person = UserFactory()
    with caplog.at_level(logging.WARNING, logger="core.ratelimit"):
        assert token(person.phone).status_code == 201
        response, client = form_login(person.phone)
        assert response.status_code == 302
    assert "shared cache is unreachable" in caplog.text
    for _ in range(LOGIN_FAILURES_PER_PHONE_ADDRESS.failures):
        assert token(person.phone, "guess").status_code == 401
    assert token(person.phone).status_code == 429  # counted in this process's memory meanwhile
