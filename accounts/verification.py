"""SMS verification codes: send (rate-limited per number, per number+address and per address; the same answer
for numbers with and without an account), verify (single-use, expiring, five wrong guesses and the code is
dead), and the three flows that use them: register, log in, reset password.

A code is stored only as a keyed hash (HMAC with SECRET_KEY: six digits are too few for a plain hash).
Codes never reach a log or the task broker: they are sent synchronously by the request that made them.
"""

import datetime
import hmac
import logging
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from accounts.login_limits import login_lockouts_clear
from accounts.models import CodePurpose, PhoneCode, User
from accounts.phone import mask_phone
from accounts.roles import RESIDENT
from accounts.sms import SmsError, send_sms
from core.ratelimit import (
    SMS_CODE_PER_ADDRESS,
    SMS_CODE_PER_PHONE_ADDRESS_HOUR,
    SMS_CODE_PER_PHONE_HOUR,
    SMS_CODE_PER_PHONE_MINUTE,
    rate_limit_allow,
)
from core.refusals import Refused

logger = logging.getLogger(__name__)

CODE_TTL = datetime.timedelta(minutes=10)
MAX_FAILED_ATTEMPTS = 5


class CodeRefused(Refused):
    """A code request or check the rules refuse (rate limited, expired, wrong…)."""


@dataclass(frozen=True)
class CodeSent:
    sent: bool  # False when the number has no account for a login/reset (the caller must not tell)


def _hash(*, phone: str, purpose: str, code: str) -> str:
    return salted_hmac("accounts.phonecode", f"{phone}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _body(purpose: str, code: str) -> str:
    what = {"register": _("注册"), "login": _("登录"), "reset": _("找回密码")}[purpose]
    return _("【蓟州终身学习网】验证码%(code)s，用于%(what)s，10分钟内有效。请勿告诉他人。") % {
        "code": code,
        "what": what,
    }


def _already_registered_body() -> str:
    return _("【蓟州终身学习网】您的手机号码已注册，请直接登录；忘记密码可用短信找回。如非本人操作，请忽略本短信。")


def code_send(*, phone: str, purpose: str, ip: str) -> CodeSent:
    """Send a fresh code to `phone` (already normalised). Older unused codes for the same purpose die.

    The answer is the same whether or not the number has an account: a login/reset code goes only to numbers
    with one (the others get nothing); a registration code only to numbers without one (the others get a text
    saying they are registered — only the number's owner learns it)."""
    if purpose not in CodePurpose.values:
        raise ValueError(purpose)
    if not rate_limit_allow(SMS_CODE_PER_ADDRESS, ip):
        raise CodeRefused("rate_limited", _("本网络请求验证码过于频繁，请一小时后再试。"))
    if not rate_limit_allow(SMS_CODE_PER_PHONE_MINUTE, phone):
        raise CodeRefused("rate_limited", _("验证码已发送，请1分钟后再重新获取。"))
    if not (
        rate_limit_allow(SMS_CODE_PER_PHONE_ADDRESS_HOUR, f"{phone}|{ip}")
        and rate_limit_allow(SMS_CODE_PER_PHONE_HOUR, phone)
    ):
        raise CodeRefused("rate_limited", _("该号码获取验证码次数过多，请一小时后再试。"))
    registered = User.objects.filter(phone=phone).exists()
    if purpose == CodePurpose.REGISTER and registered:
        _send(phone, _already_registered_body())
        return CodeSent(sent=False)
    if purpose != CodePurpose.REGISTER and not User.objects.filter(phone=phone, is_active=True).exists():
        return CodeSent(sent=False)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        PhoneCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(used_at=now)
        PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=_hash(phone=phone, purpose=purpose, code=code),
            expires_at=now + CODE_TTL,
        )
    _send(phone, _body(purpose, code))
    return CodeSent(sent=True)


def _send(phone: str, body: str) -> None:
    try:
        send_sms(phone=phone, body=body)
    except SmsError:
        logger.warning("Verification text to %s could not be sent", mask_phone(phone))
        raise CodeRefused("sms_failed", _("短信发送失败，请稍后再试。"))


def code_verify(*, phone: str, purpose: str, code: str) -> None:
    """Use up the latest code for `phone` and `purpose`, or raise CodeRefused.

    Every refusal — wrong, expired, used, too many wrong guesses, no code ever sent — has the same words: the
    flows must not tell a number with an account (which may hold a code) from one without."""
    code = (code or "").strip()
    ok = False
    with transaction.atomic():
        record = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        now = timezone.now()
        if record is None or record.expires_at <= now or record.failed_attempts >= MAX_FAILED_ATTEMPTS:
            pass
        elif not hmac.compare_digest(record.code_hash, _hash(phone=phone, purpose=purpose, code=code)):
            record.failed_attempts += 1
            if record.failed_attempts >= MAX_FAILED_ATTEMPTS:
                record.used_at = now  # dead: a new code must be requested
            record.save(update_fields=["failed_attempts", "used_at"])
        else:
            record.used_at = now
            record.save(update_fields=["used_at"])
            ok = True
    if not ok:
        raise CodeRefused("code_wrong", _("验证码不正确或已失效，请重新获取。"))


def user_register(
    *, phone: str, code: str, password: str, display_name: str, birth_year: int | None = None, home_town=None
) -> User:
    """Create a resident's account once the SMS code proves they hold the number.

    The code is checked in its own transaction first, so a wrong guess is counted even though we refuse. Only
    then may we say the number is taken (its holder registered it while this code was on its way)."""
    code_verify(phone=phone, purpose=CodePurpose.REGISTER, code=code)
    if User.objects.filter(phone=phone).exists():
        raise CodeRefused("phone_taken", _("该手机号码已注册，请直接登录；忘记密码可用短信找回。"))
    with transaction.atomic():
        user = User.objects.create_user(
            phone, password, display_name=display_name, birth_year=birth_year, home_town=home_town
        )
        resident = Group.objects.filter(name=RESIDENT).first()
        if resident:
            user.groups.add(resident)
    return user


def user_login_by_code(*, phone: str, code: str, ip: str) -> User:
    """Log in with an SMS code. It also ends the number's password lockouts: its holder proved it."""
    code_verify(phone=phone, purpose=CodePurpose.LOGIN, code=code)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:  # no code is sent to such numbers, so this is reached only if the account went meanwhile
        raise CodeRefused("code_wrong", _("验证码不正确或已失效，请重新获取。"))
    login_lockouts_clear(phone=phone, ip=ip)
    return user


def user_password_reset(*, phone: str, code: str, new_password: str, ip: str) -> User:
    """Set a new password with an SMS code. Saving it revokes the number's API tokens and ends its other
    sessions (accounts.models.User.save); its password lockouts end."""
    code_verify(phone=phone, purpose=CodePurpose.RESET, code=code)
    user = User.objects.filter(phone=phone, is_active=True).first()
    if user is None:
        raise CodeRefused("code_wrong", _("验证码不正确或已失效，请重新获取。"))
    user.set_password(new_password)
    user.save(update_fields=["password"])
    login_lockouts_clear(phone=phone, ip=ip)
    return user
