"""Writes for accounts: API tokens, ending sessions, deleting a resident's account.

HackSoft style: keyword-only, typed. Refusals raise AccountRefused (code for programs, Chinese message for
people); nothing is changed when a request is refused.
"""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import APIToken

from accounts import personal_data
from accounts.models import User
from accounts.roles import ADMIN_ROLES
from core.refusals import Refused

# A token's last use is written at most this often: one UPDATE per token per interval, not one per request.
LAST_USED_INTERVAL = datetime.timedelta(minutes=5)


class AccountRefused(Refused):
    STATUS = {"wrong_password": 403, "staff_account": 409, "not_found": 404}


def api_token_create(*, user: User, name: str) -> str:
    """Make a token for `user`; return its plaintext (shown once, stored only as a keyed hash)."""
    _token, plaintext = APIToken.create_token(user=user, name=name)
    return plaintext


def api_token_touch(*, token: APIToken) -> None:
    """Note that `token` was used now — unless that was noted less than LAST_USED_INTERVAL ago. The condition is
    in the UPDATE, so concurrent requests with the same token write once between them."""
    now = timezone.now()
    if token.last_used_at is not None and token.last_used_at > now - LAST_USED_INTERVAL:
        return
    APIToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_INTERVAL)
    ).update(last_used_at=now)


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of `user`'s own tokens; another person's or an unknown id is 'not found' alike."""
    revoked = APIToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if not revoked and not APIToken.objects.filter(pk=token_id, user=user).exists():
        raise AccountRefused("not_found", _("没有找到这个登录凭证。"))


def sessions_end_everywhere(*, user: User) -> None:
    """退出所有设备: every session of `user` (the auth hash changes) and every API token ends."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
        APIToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    user.refresh_from_db(fields=["session_generation"])


def account_delete(*, user: User, password: str) -> None:
    """Delete a resident's account (注销账号). Every app's registered eraser runs first, in one transaction with
    the deletion of the user row (enrolment cancels open enrolments and frees their seats; records keeps
    issued certificates verifiable with a masked name and deletes evidence and statements); what the erasers
    leave for after the commit (deleting stored files) runs last. Staff accounts are refused here."""
    if not user.check_password(password or ""):
        raise AccountRefused("wrong_password", _("密码不正确，账号未注销。"))
    if user.is_staff or user.is_superuser or user.groups.filter(name__in=ADMIN_ROLES).exists():
        raise AccountRefused("staff_account", _("工作人员账号请联系管理员注销。"))
    after_commit = []
    with transaction.atomic():
        for handler in personal_data.handlers():
            if handler.erase is not None and (then := handler.erase(user=user)) is not None:
                after_commit.append(then)
        user.delete()
    for then in after_commit:
        then()
