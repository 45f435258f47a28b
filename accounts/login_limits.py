"""Password logins count failures, not people (docs/decisions/0009-login-limits.md).

Every password check — the site's login form, Wagtail's admin login, `POST /api/v1/auth/token` — runs inside
`password_attempt`: it holds a place in the failure counters of the number+address, the number and the address
(core.ratelimit), checks the password, and keeps the place only if the password was wrong. A success passes,
is never counted, and clears the number's lockouts. A number that failed too often cools off, longer each time;
the message says when to try again and that SMS-code login still works (it checks no password, so a stranger
typing wrong passwords cannot lock a resident out of it).
"""

import math
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.phone import normalise_phone
from core.ratelimit import (
    ADMIN_LOGIN_FAILURES_PER_ADDRESS,
    ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS,
    LOGIN_FAILURES_PER_ADDRESS,
    LOGIN_FAILURES_PER_PHONE,
    LOGIN_FAILURES_PER_PHONE_ADDRESS,
    Attempt,
    Limit,
    Lockout,
    attempt_begin,
    attempt_failed,
    attempt_release,
    attempt_succeeded,
    client_ip,
    rate_limit_reset,
)


@dataclass(frozen=True)
class LoginLimits:
    per_phone_address: Lockout
    per_phone: Lockout
    per_address: Limit

    def guards(self, *, phone: str, ip: str):
        return [(self.per_phone_address, f"{phone}|{ip}"), (self.per_phone, phone), (self.per_address, ip)]


SITE = LoginLimits(LOGIN_FAILURES_PER_PHONE_ADDRESS, LOGIN_FAILURES_PER_PHONE, LOGIN_FAILURES_PER_ADDRESS)
# The admin shares the per-number lockout (the same passwords) and has stricter ones of its own.
ADMIN = LoginLimits(ADMIN_LOGIN_FAILURES_PER_PHONE_ADDRESS, LOGIN_FAILURES_PER_PHONE, ADMIN_LOGIN_FAILURES_PER_ADDRESS)


class LoginLocked(Exception):
    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds

    @property
    def message(self) -> str:
        # The same words whichever counter refused: they must not tell a guesser what they hit.
        return gettext("密码输错次数过多，请%(minutes)d分钟后再试；也可以改用短信验证码登录。") % {
            "minutes": max(1, math.ceil(self.seconds / 60))
        }


@contextmanager
def password_attempt(*, phone: str, ip: str, limits: LoginLimits = SITE):
    """Wrap one password check. Raises LoginLocked before the check when a counter refuses. The body calls the
    yielded `failed()` when the password was wrong; otherwise leaving the block counts as a success (an
    exception gives the places back without counting anything)."""
    attempt: Attempt = attempt_begin(limits.guards(phone=phone, ip=ip))
    if attempt.wait:
        raise LoginLocked(attempt.wait)
    outcome = {"failed": False}

    def failed() -> None:
        outcome["failed"] = True

    try:
        yield failed
    except BaseException:
        if outcome["failed"]:
            attempt_failed(attempt)
        else:
            attempt_release(attempt)
        raise
    if outcome["failed"]:
        attempt_failed(attempt)
    else:
        attempt_succeeded(attempt)


def login_lockouts_clear(*, phone: str, ip: str) -> None:
    """The number's owner proved it another way (an SMS code): its password lockouts end."""
    for limits in (SITE, ADMIN):
        rate_limit_reset(limits.per_phone, phone)
        rate_limit_reset(limits.per_phone_address, f"{phone}|{ip}")


class LoginRateLimitMixin:
    """For AuthenticationForm subclasses: count wrong passwords, refuse while the number or address cools off."""

    login_limits = SITE

    def clean(self):
        phone = self.cleaned_data.get("username")
        if self.request is None or not phone or not self.cleaned_data.get("password"):
            return super().clean()
        try:
            with password_attempt(phone=phone, ip=client_ip(self.request), limits=self.login_limits) as failed:
                try:
                    return super().clean()
                except ValidationError:
                    failed()
                    raise
        except LoginLocked as locked:
            raise ValidationError(locked.message, code="rate_limited")


class AdminLoginForm(LoginRateLimitMixin, WagtailLoginForm):
    """Wagtail's admin login (WAGTAILADMIN_USER_LOGIN_FORM): phone numbers as people type them, stricter limits."""

    login_limits = ADMIN

    def clean_username(self):
        try:
            return normalise_phone(self.cleaned_data["username"])
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="invalid_phone") from error
