"""Rate limits: every limit of the site, named and configured here, counted in the cache.

Two kinds (docs/decisions/0008 and 0009):
- a `Limit` allows `attempts` per fixed window of `seconds` per subject (a phone number, a client address). The
  first counted attempt opens the window; when it ends, the count starts again from nothing.
- a `Lockout` counts failures only (wrong passwords): `failures` within `window` are free; the next one starts a
  cool-off of `cooloff` seconds, and from then on each failure after a cool-off starts another, twice as long
  (up to `max_cooloff`), until the subject has had no cool-off for `memory` seconds or succeeds.

Failure counting (`attempt_begin` → `attempt_failed` / `attempt_succeeded` / `attempt_release`) reserves a place
in every counter before the password is checked and gives it back unless the attempt failed, so a burst of
parallel requests cannot all slip past a check made before any of them was counted, and successes never count.

The counters live in Django's default cache: Redis in production (REDIS_URL), so every worker and process sees the
same counts; local memory on a laptop. When the shared cache cannot be reached, counting goes on in this process's
memory (a warning is logged, and the shared cache is tried again after `SHARED_RETRY_SECONDS`): limits become per
process for the outage — looser, never absent — and logins keep being answered.

Subjects never reach the cache or a log in clear: keys carry a keyed hash (HMAC with SECRET_KEY; a plain hash of
an 11-digit number is reversed by trying them all). When counting goes past a limit (the first refused attempt
of a window), one line is logged with the limit's name and a prefix of that hash.

Why not django-ratelimit: its windows are aligned to the clock (a resident could get two SMS codes seconds
apart across a window edge) and it cannot clear a count. Why not django-axes: one failure limit for every
parameter (an address shared by a whole classroom would be locked as soon as one number), no progressive cool-off
(docs/decisions/0009-login-limits.md).
"""

import contextlib
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    name: str  # in cache keys and log lines
    attempts: int  # allowed in one window
    seconds: int  # the window


@dataclass(frozen=True)
class Lockout:
    name: str  # in cache keys and log lines
    failures: int  # free failures within `window` before the first cool-off
    window: int  # seconds
    cooloff: int  # the first cool-off, seconds; each later one is twice as long
    max_cooloff: int  # seconds
    memory: int = 24 * 60 * 60  # cool-offs are forgotten after this long without one


# --- Every limit of the site --------------------------------------------------------------------------------

# Password logins: the site's form, the API token (accounts.login_limits, accounts.api_auth) and, with stricter
# numbers of its own beside the per-number one, Wagtail's admin. Only failures count; a success passes and clears
# the number's lockouts. One address may be a whole classroom (NAT): its own limit is high and only slows guessing
# across many numbers; a number is protected per number+address first (one guesser is stopped without touching the
# owner elsewhere), then per number from everywhere.
LOGIN_FAILURES_PER_PHONE_ADDRESS = Lockout(
    "login-fail-phone-ip", failures=5, window=15 * 60, cooloff=60, max_cooloff=60 * 60
)
LOGIN_FAILURES_PER_PHONE = Lockout(
    "login-fail-phone", failures=20, window=60 * 60, cooloff=15 * 60, max_cooloff=4 * 60 * 60
)
LOGIN_FAILURES_PER_ADDRESS = Limit("login-fail-ip", attempts=100, seconds=15 * 60)
ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS = Lockout(
    "admin-login-fail-phone-ip", failures=3, window=15 * 60, cooloff=5 * 60, max_cooloff=24 * 60 * 60
)
ADMIN_LOGIN_FAILURES_PER_ADDRESS = Limit("admin-login-fail-ip", attempts=20, seconds=60 * 60)

# SMS verification codes (accounts.verification): one a minute per number; five an hour per number+address (so
# one stranger cannot use up a resident's codes); ten an hour per number from everywhere (the cost of texts);
# sixty an hour per address (a community school's computer room registering a class).
SMS_CODE_PER_PHONE_MINUTE = Limit("sms-phone-minute", attempts=1, seconds=60)
SMS_CODE_PER_PHONE_ADDRESS_HOUR = Limit("sms-phone-ip-hour", attempts=5, seconds=60 * 60)
SMS_CODE_PER_PHONE_HOUR = Limit("sms-phone-hour", attempts=10, seconds=60 * 60)
SMS_CODE_PER_ADDRESS = Limit("sms-ip-hour", attempts=60, seconds=60 * 60)

# Certificate look-ups (records views and API), so codes cannot be guessed: unknown codes count, found ones do
# not (a learner may show a certificate to ten employers). An address that used them up is refused, for real
# codes too, until its window ends.
CERTIFICATE_MISSES_PER_ADDRESS = Limit("certificate-misses", attempts=20, seconds=60 * 60)

LIMITS = (
    LOGIN_FAILURES_PER_PHONE_ADDRESS,
    LOGIN_FAILURES_PER_PHONE,
    LOGIN_FAILURES_PER_ADDRESS,
    ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS,
    ADMIN_LOGIN_FAILURES_PER_ADDRESS,
    SMS_CODE_PER_PHONE_MINUTE,
    SMS_CODE_PER_PHONE_ADDRESS_HOUR,
    SMS_CODE_PER_PHONE_HOUR,
    SMS_CODE_PER_ADDRESS,
    CERTIFICATE_MISSES_PER_ADDRESS,
)


# --- Where counts are kept ----------------------------------------------------------------------------------

SHARED_RETRY_SECONDS = 30
_local = LocMemCache("core.ratelimit.fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})
_shared_down_until = 0.0
_lock = threading.Lock()


def _store(operation: str, *args, **kwargs):
    """Run a cache operation on the shared cache, or on this process's memory while the shared one is down."""
    global _shared_down_until
    if time.monotonic() >= _shared_down_until:
        try:
            # django-redis answers an outage with a miss (IGNORE_EXCEPTIONS, so pages degrade); counting must
            # know, so it asks django-redis's client, which raises. Other backends have no `client`.
            return getattr(getattr(cache, "client", cache), operation)(*args, **kwargs)
        except ValueError:  # incr/decr of a missing key: an answer, not an outage
            raise
        except Exception:  # the backend's own connection errors (redis.ConnectionError, TimeoutError, OSError…)
            with _lock:
                _shared_down_until = time.monotonic() + SHARED_RETRY_SECONDS
            logger.warning(
                "Rate-limit counters use this process's memory for %ss: the shared cache is unreachable",
                SHARED_RETRY_SECONDS,
                exc_info=True,
            )
    return getattr(_local, operation)(*args, **kwargs)


def rate_limit_forget_outage() -> None:
    """Go back to the shared cache at once and drop the counts kept in this process's memory (tests, which
    clear the shared cache between cases, call it too: a simulated outage must not outlive its test)."""
    global _shared_down_until
    with _lock:
        _shared_down_until = 0.0
        _local.clear()


def _digest(subject: str) -> str:
    return salted_hmac("core.ratelimit", subject, algorithm="sha256").hexdigest()[:32]


def _key(limit: Limit | Lockout, digest: str, part: str = "") -> str:
    return f"rl:{limit.name}:{digest}{part}"


def _incr(key: str, timeout: int) -> int:
    _store("add", key, 0, timeout=timeout)
    try:
        return _store("incr", key)
    except ValueError:  # expired between add and incr
        _store("add", key, 1, timeout=timeout)
        return 1


def _decr(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
        _store("decr", key)


# --- Plain windows ------------------------------------------------------------------------------------------


def rate_limit_count(limit: Limit, subject: str) -> int:
    """Count one attempt by `subject` against `limit`; return the count in the current window."""
    digest = _digest(subject)
    count = _incr(_key(limit, digest), limit.seconds)
    if count == limit.attempts + 1:  # the first refused attempt of the window: one line, whatever follows
        logger.info("Rate limit %s reached by subject %s", limit.name, digest[:8])
    return count


def rate_limit_allow(limit: Limit, subject: str) -> bool:
    """Count one attempt; True while at most `limit.attempts` were counted in the current window."""
    return rate_limit_count(limit, subject) <= limit.attempts


def rate_limit_exhausted(limit: Limit, subject: str) -> bool:
    """True when `subject` used up its attempts in the current window. Counts nothing."""
    return (_store("get", _key(limit, _digest(subject))) or 0) >= limit.attempts


def rate_limit_reset(limit: Limit | Lockout, subject: str) -> None:
    digest = _digest(subject)
    _store("delete_many", [_key(limit, digest, part) for part in ("", ":opened", ":until", ":strikes")])


# --- Counting failures --------------------------------------------------------------------------------------


@dataclass
class Attempt:
    """The places an attempt holds in its counters until it is known to have failed or not."""

    wait: int = 0  # seconds until the subject may try again; 0 when the attempt may go ahead
    held: list = field(default_factory=list)  # (limit, digest, reserved count)


def _cooloff(lockout: Lockout, strikes: int) -> int:
    return min(lockout.cooloff * 2 ** max(strikes - 1, 0), lockout.max_cooloff)


def _hold(limit: Limit | Lockout, digest: str, now: float) -> tuple[int, int]:
    """Reserve a place; return (reserved count, seconds to wait — 0 if the place may be used)."""
    if isinstance(limit, Limit):
        _store("add", _key(limit, digest, ":opened"), now, timeout=limit.seconds)
        count = _incr(_key(limit, digest), limit.seconds)
        if count <= limit.attempts:
            return count, 0
        opened = _store("get", _key(limit, digest, ":opened")) or now
        return count, max(1, math.ceil(opened + limit.seconds - now))
    state = _store("get_many", [_key(limit, digest, ":until"), _key(limit, digest, ":strikes")])
    until = state.get(_key(limit, digest, ":until")) or 0
    if until > now:
        return 0, math.ceil(until - now)
    strikes = state.get(_key(limit, digest, ":strikes")) or 0
    count = _incr(_key(limit, digest), limit.window)
    if count <= (limit.failures if not strikes else 1):  # after a cool-off, one try per cool-off
        return count, 0
    return count, _cooloff(limit, strikes + 1)  # others are being tried right now; one may start a cool-off


def _give_back(held: list) -> None:
    for limit, digest, count in held:
        if count:
            _decr(_key(limit, digest))


def attempt_begin(guards: Iterable[tuple[Limit | Lockout, str]]) -> Attempt:
    """Before checking a secret: hold a place in each (limit, subject) counter, or refuse (then nothing is held)."""
    now = time.time()
    attempt = Attempt()
    for limit, subject in guards:
        digest = _digest(subject)
        count, wait = _hold(limit, digest, now)
        attempt.held.append((limit, digest, count))
        if wait:
            if isinstance(limit, Limit) and count == limit.attempts + 1:
                logger.info("Rate limit %s reached by subject %s", limit.name, digest[:8])
            attempt.wait = max(attempt.wait, wait)
    if attempt.wait:
        _give_back(attempt.held)  # refused attempts are not failures
        attempt.held = []
    return attempt


def attempt_failed(attempt: Attempt) -> None:
    """The secret was wrong: the held places stay counted; a lockout whose free failures are used up cools off."""
    now = time.time()
    for limit, digest, count in attempt.held:
        if not isinstance(limit, Lockout):
            continue
        strikes_key = _key(limit, digest, ":strikes")
        strikes = _store("get", strikes_key) or 0
        if count >= (limit.failures if not strikes else 1):
            strikes = _incr(strikes_key, limit.memory)
            _store("touch", strikes_key, limit.memory)
            seconds = _cooloff(limit, strikes)
            _store("set", _key(limit, digest, ":until"), now + seconds, timeout=seconds)
            _store("delete", _key(limit, digest))  # the next stage counts from nothing
            logger.info("Lockout %s: subject %s cools off for %ss", limit.name, digest[:8], seconds)
    attempt.held = []


def attempt_release(attempt: Attempt) -> None:
    """The attempt came to nothing (an error before the secret was checked): give the places back."""
    _give_back(attempt.held)
    attempt.held = []


def attempt_succeeded(attempt: Attempt) -> None:
    """The secret was right: give the places back and forget the subjects' lockouts (they proved it)."""
    _give_back(attempt.held)
    for limit, digest, _count in attempt.held:
        if isinstance(limit, Lockout):
            _store("delete_many", [_key(limit, digest, part) for part in ("", ":until", ":strikes")])
    attempt.held = []


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or — when REMOTE_ADDR is one of settings.TRUSTED_PROXIES — the
    rightmost address of X-Forwarded-For that is not a trusted proxy (what our proxy saw; everything to its left
    was written by the client and may be forged)."""
    return forwarded_client(request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", ""))


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in trusted if entry.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def forwarded_client(remote_addr: str, forwarded_for: str) -> str:
    trusted = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    peer = _address(remote_addr)
    if peer is None:
        return remote_addr or "unknown"

    def is_trusted(address) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(peer):
        return str(peer)
    client = peer
    for hop in reversed([hop for hop in forwarded_for.split(",") if hop.strip()]):
        address = _address(hop)
        if address is None:  # not an address: written by the client, not by a proxy of ours
            break
        client = address
        if not is_trusted(address):
            break
    return str(client)
