"""Reads for accounts: API tokens (HackSoft style: keyword-only, typed)."""

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import APIToken

from accounts.models import User


def api_token_max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


def api_token_expires_at(token: APIToken) -> datetime.datetime:
    return token.created + api_token_max_age()


def api_token_for_bearer(*, plaintext: str) -> APIToken | None:
    """The live token a bearer presents: not revoked, not expired, its owner active. None otherwise."""
    if not plaintext or not APIToken.validate_token_format(plaintext):
        return None
    return (
        APIToken.objects.select_related("user")
        .filter(
            key_hash__in=APIToken.candidate_key_hashes(plaintext),
            revoked_at__isnull=True,
            created__gt=timezone.now() - api_token_max_age(),
            user__is_active=True,
        )
        .first()
    )


def api_tokens_of(*, user: User) -> QuerySet[APIToken]:
    """A person's tokens, newest first (what 我的登录设备 lists; the secret is never stored)."""
    return APIToken.objects.filter(user=user).order_by("-created", "-pk")
