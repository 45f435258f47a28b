"""Writes for accounts that span the apps: deleting a resident's account.

HackSoft style: keyword-only, typed. Refusals raise AccountRefused (code for programs, Chinese message for
people); nothing is changed when a request is refused.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts import personal_data
from accounts.models import User
from accounts.roles import ADMIN_ROLES
from core.refusals import Refused


class AccountRefused(Refused):
    STATUS = {"wrong_password": 403, "staff_account": 409}


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
