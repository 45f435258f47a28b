"""Rate limit on certificate look-ups, so codes cannot be guessed by trying many.

Misses count, hits do not: a learner showing their certificate to ten employers is fine; an address that
asked for MISSES_PER_HOUR unknown codes is refused (also for real ones) until the hour is over. The counter
lives in the cache (Redis in production, so every worker sees it) under a hash of the address.
"""

import hashlib

from django.core.cache import cache

MISSES_PER_HOUR = 20
PERIOD = 3600


def _key(ip: str) -> str:
    return f"certificate-misses:{hashlib.sha256(ip.encode()).hexdigest()[:32]}"


def verification_allowed(ip: str) -> bool:
    return (cache.get(_key(ip)) or 0) < MISSES_PER_HOUR


def verification_missed(ip: str) -> None:
    key = _key(ip)
    cache.add(key, 0, timeout=PERIOD)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=PERIOD)
