"""The one rate-limit module: fixed windows counted in the cache (locmem, or this run's Redis database)."""

import hashlib
import logging
import time

import pytest
from django.core.cache import cache

from core import ratelimit
from core.ratelimit import (
    LIMITS,
    Limit,
    Lockout,
    rate_limit_allow,
    rate_limit_count,
    rate_limit_exhausted,
    rate_limit_reset,
)

THREE = Limit("test-three", attempts=3, seconds=60)
PHONE = "13912345678"


def cache_keys() -> list[str]:
    """Every key in the default cache, as stored (locmem or Redis)."""
    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # locmem
        return list(cache._cache)
    if hasattr(cache, "client"):  # django-redis
        return [key.decode() for key in cache.client.get_client().keys("*")]
    client = cache._cache.get_client()
    return [key.decode() for key in client.keys("*")]


def test_allows_attempts_then_refuses():
    assert [rate_limit_allow(THREE, PHONE) for _ in range(5)] == [True, True, True, False, False]
    # Another subject, another limit: counted apart.
    assert rate_limit_allow(THREE, "13900000000")
    assert rate_limit_allow(Limit("test-other", attempts=1, seconds=60), PHONE)


def test_exhausted_counts_nothing():
    assert rate_limit_count(THREE, PHONE) == 1 and rate_limit_count(THREE, PHONE) == 2
    assert not rate_limit_exhausted(THREE, PHONE)
    assert not rate_limit_exhausted(THREE, PHONE)  # peeking twice counted nothing
    assert rate_limit_count(THREE, PHONE) == 3
    assert rate_limit_exhausted(THREE, PHONE)
    assert not rate_limit_exhausted(THREE, "13900000000")


def test_reset_clears_one_subject():
    for _ in range(3):
        rate_limit_allow(THREE, PHONE)
        rate_limit_allow(THREE, "10.0.0.1")
    rate_limit_reset(THREE, PHONE)
    assert rate_limit_allow(THREE, PHONE)
    assert not rate_limit_allow(THREE, "10.0.0.1")


def test_the_window_ends():
    brief = Limit("test-brief", attempts=1, seconds=1)
    assert rate_limit_allow(brief, PHONE) and not rate_limit_allow(brief, PHONE)
    time.sleep(1.1)
    assert rate_limit_allow(brief, PHONE)


def test_subjects_are_not_in_the_cache_in_clear(settings):
    rate_limit_allow(THREE, PHONE)
    keys = [key for key in cache_keys() if "rl:test-three:" in key]
    assert len(keys) == 1
    assert PHONE not in keys[0] and hashlib.sha256(PHONE.encode()).hexdigest()[:32] not in keys[0]
    # The hash is keyed with SECRET_KEY: a list of hashed numbers made elsewhere does not match it.
    settings.SECRET_KEY = "another-" + settings.SECRET_KEY
    assert rate_limit_allow(THREE, PHONE) and rate_limit_count(THREE, PHONE) == 2


def test_the_first_refusal_is_logged_without_the_subject(caplog):
    with caplog.at_level(logging.INFO, logger="core.ratelimit"):
        for _ in range(6):
            rate_limit_allow(THREE, PHONE)
    lines = [record.getMessage() for record in caplog.records if record.name == "core.ratelimit"]
    assert len(lines) == 1 and "test-three" in lines[0]
    assert PHONE not in lines[0] and PHONE[-4:] not in lines[0]


def test_every_limit_is_listed_once_with_a_name_of_its_own():
    defined = {value for value in vars(ratelimit).values() if isinstance(value, Limit | Lockout)}
    assert defined == set(LIMITS)
    assert len({limit.name for limit in LIMITS}) == len(LIMITS)


@pytest.mark.parametrize(
    "limit, attempts, seconds",
    [
        ("LOGIN_FAILURES_PER_ADDRESS", 100, 900),
        ("ADMIN_LOGIN_FAILURES_PER_ADDRESS", 20, 3600),
        ("SMS_CODE_PER_PHONE_MINUTE", 1, 60),
        ("SMS_CODE_PER_PHONE_ADDRESS_HOUR", 5, 3600),
        ("SMS_CODE_PER_PHONE_HOUR", 10, 3600),
        ("SMS_CODE_PER_ADDRESS", 60, 3600),
        ("CERTIFICATE_MISSES_PER_ADDRESS", 20, 3600),
    ],
)
def test_the_site_limits(limit, attempts, seconds):
    """The numbers residents are told ("15分钟", "一小时", "1分钟") depend on these."""
    assert (getattr(ratelimit, limit).attempts, getattr(ratelimit, limit).seconds) == (attempts, seconds)


@pytest.mark.parametrize(
    "lockout, failures, window, cooloff, max_cooloff",
    [
        ("LOGIN_FAILURES_PER_PHONE_ADDRESS", 5, 900, 60, 3600),
        ("LOGIN_FAILURES_PER_PHONE", 20, 3600, 900, 4 * 3600),
        ("ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS", 3, 900, 300, 24 * 3600),
    ],
)
def test_the_site_lockouts(lockout, failures, window, cooloff, max_cooloff):
    value = getattr(ratelimit, lockout)
    assert (value.failures, value.window, value.cooloff, value.max_cooloff) == (failures, window, cooloff, max_cooloff)
