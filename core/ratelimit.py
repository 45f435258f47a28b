"""Fixed-window rate limits in the cache (Redis in production, so limits hold across workers).

Keys carry a hash of the number or address, never the number itself.
"""

import hashlib

from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    return f"rl:{scope}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def rate_limit_allow(*, scope: str, subject: str, limit: int, period: int) -> bool:
    """Count one attempt; True while at most `limit` attempts were made in the current `period` seconds."""
    key = _key(scope, subject)
    cache.add(key, 0, timeout=period)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period)
        count = 1
    return count <= limit


def rate_limit_reset(*, scope: str, subject: str) -> None:
    cache.delete(_key(scope, subject))


def client_ip(request) -> str:
    # Behind the TLS proxy, gunicorn is given the client address by the proxy (see docs/deployment).
    return request.META.get("REMOTE_ADDR", "") or "unknown"
