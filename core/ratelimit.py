"""Rate limits: every limit of the site, named and configured here, counted in the cache.

A limit allows `attempts` per fixed window of `seconds` per subject (a phone number, a client address). The
first counted attempt opens the window; when it ends, the count starts again from nothing. The counters live in
Django's default cache: Redis in production (REDIS_URL), so every worker and process sees the same counts; local
memory on a laptop.

Subjects never reach the cache or a log in clear: keys carry a keyed hash (HMAC with SECRET_KEY; a plain hash of
an 11-digit number is reversed by trying them all). When counting goes past a limit (the first refused attempt
of a window), one line is logged with the limit's name and a prefix of that hash.

Why not django-ratelimit: its windows are aligned to the clock (a resident could get two SMS codes seconds
apart across a window edge) and it cannot clear a count, which a successful login does
(docs/decisions/0008-settings-and-rate-limits.md).
"""

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str  # in cache keys and log lines
    attempts: int  # allowed in one window
    seconds: int  # the window


# --- Every limit of the site --------------------------------------------------------------------------------

# Password guessing on both login forms, the site's and the admin's (accounts.login_limits). A successful login
# clears the number's count, not the address's: one office may hold many legitimate staff.
LOGIN_PER_PHONE = Limit("login-phone", attempts=10, seconds=15 * 60)
LOGIN_PER_ADDRESS = Limit("login-ip", attempts=50, seconds=15 * 60)

# SMS verification codes (accounts.verification): one a minute and five an hour per number, twenty an hour per
# address.
SMS_CODE_PER_PHONE_MINUTE = Limit("sms-phone-minute", attempts=1, seconds=60)
SMS_CODE_PER_PHONE_HOUR = Limit("sms-phone-hour", attempts=5, seconds=60 * 60)
SMS_CODE_PER_ADDRESS = Limit("sms-ip-hour", attempts=20, seconds=60 * 60)

# API tokens for a phone number and password (accounts.api_auth), per number and per address.
API_TOKEN_PER_PHONE = Limit("token-phone", attempts=20, seconds=60 * 60)
API_TOKEN_PER_ADDRESS = Limit("token-ip", attempts=20, seconds=60 * 60)

# Certificate look-ups (records views and API), so codes cannot be guessed: unknown codes count, found ones do
# not (a learner may show a certificate to ten employers). An address that used them up is refused, for real
# codes too, until its window ends.
CERTIFICATE_MISSES_PER_ADDRESS = Limit("certificate-misses", attempts=20, seconds=60 * 60)

LIMITS = (
    LOGIN_PER_PHONE,
    LOGIN_PER_ADDRESS,
    SMS_CODE_PER_PHONE_MINUTE,
    SMS_CODE_PER_PHONE_HOUR,
    SMS_CODE_PER_ADDRESS,
    API_TOKEN_PER_PHONE,
    API_TOKEN_PER_ADDRESS,
    CERTIFICATE_MISSES_PER_ADDRESS,
)


# --- Counting -----------------------------------------------------------------------------------------------


def _digest(subject: str) -> str:
    return salted_hmac("core.ratelimit", subject, algorithm="sha256").hexdigest()[:32]


def _key(limit: Limit, digest: str) -> str:
    return f"rl:{limit.name}:{digest}"


def rate_limit_count(limit: Limit, subject: str) -> int:
    """Count one attempt by `subject` against `limit`; return the count in the current window."""
    digest = _digest(subject)
    key = _key(limit, digest)
    cache.add(key, 0, timeout=limit.seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=limit.seconds)
        count = 1
    if count == limit.attempts + 1:  # the first refused attempt of the window: one line, whatever follows
        logger.info("Rate limit %s reached by subject %s", limit.name, digest[:8])
    return count


def rate_limit_allow(limit: Limit, subject: str) -> bool:
    """Count one attempt; True while at most `limit.attempts` were counted in the current window."""
    return rate_limit_count(limit, subject) <= limit.attempts


def rate_limit_exhausted(limit: Limit, subject: str) -> bool:
    """True when `subject` used up its attempts in the current window. Counts nothing."""
    return (cache.get(_key(limit, _digest(subject))) or 0) >= limit.attempts


def rate_limit_reset(limit: Limit, subject: str) -> None:
    cache.delete(_key(limit, _digest(subject)))


def client_ip(request) -> str:
    # Behind the TLS proxy, gunicorn is given the client address by the proxy (see docs/deployment).
    return request.META.get("REMOTE_ADDR", "") or "unknown"
