"""Mainland China mobile numbers: one canonical form (11 digits) wherever a number is stored.

People type numbers with spaces, dashes, a +86 or 0086 prefix, or full-width digits from a
Chinese input method; all of those are accepted and normalised, anything else is refused.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ASCII digits only, the whole string: \d would take Arabic-Indic and other Unicode digits (NFKC keeps them), and
# $ would let a trailing newline through (the CHECK constraint in the database refuses both).
MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalise_phone(raw: str) -> str:
    """Return the 11-digit form of a mainland mobile number, or raise ValidationError."""
    if raw is None:
        raise ValidationError(_("请输入手机号码。"), code="required")
    value = unicodedata.normalize("NFKC", str(raw))
    value = _SEPARATORS.sub("", value)
    if value.startswith("+86"):
        value = value[3:]
    elif value.startswith("0086"):
        value = value[4:]
    elif value.startswith("86") and len(value) == 13:
        value = value[2:]
    if not MOBILE_RE.fullmatch(value):
        raise ValidationError(
            _("“%(value)s”不是有效的手机号码：请输入以1开头的11位中国大陆手机号。"),
            code="invalid_phone",
            params={"value": str(raw)[:20]},
        )
    return value


def validate_phone(value: str) -> None:
    """Model-field validator: the stored value must already be canonical."""
    if not isinstance(value, str) or not MOBILE_RE.fullmatch(value):
        raise ValidationError(
            _("“%(value)s”不是有效的手机号码：请输入以1开头的11位中国大陆手机号。"),
            code="invalid_phone",
            params={"value": str(value or "")[:20]},
        )


def mask_phone(phone: str) -> str:
    """138****1234: what staff see unless they need the number for a call."""
    if not phone or len(phone) < 7:
        return "****"
    return f"{phone[:3]}****{phone[-4:]}"
