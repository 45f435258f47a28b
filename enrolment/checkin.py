"""Rotating QR check-in codes: one code per meeting per minute, derived (never stored) with an HMAC.

A code names its meeting and its minute, so it only works for that meeting, and stops working once the
minute is over (with a few seconds' grace for the scan-to-submit trip). Replaying a code after a
successful check-in is refused by the one-attendance-per-meeting rule. Codes are only taken while the
meeting is on (checkin_window: settings CHECK_IN_OPENS_MINUTES_BEFORE / CHECK_IN_CLOSES_MINUTES_AFTER).
"""

import datetime
import hmac
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac

WINDOW_SECONDS = 60
GRACE_SECONDS = 15
CODE_LENGTH = 16


def _window(at: datetime.datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def checkin_code(*, meeting_id: int, at: datetime.datetime | None = None) -> str:
    at = at or timezone.now()
    digest = salted_hmac("enrolment.checkin", f"{meeting_id}:{_window(at)}", algorithm="sha256").hexdigest()
    return digest[:CODE_LENGTH]


def checkin_code_seconds_left(at: datetime.datetime | None = None) -> int:
    at = at or timezone.now()
    return WINDOW_SECONDS - int(at.timestamp()) % WINDOW_SECONDS


def checkin_code_state(*, meeting_id: int, code: str, at: datetime.datetime | None = None) -> str:
    """'valid' for this minute's code (or last minute's within the grace), otherwise 'invalid'."""
    at = at or timezone.now()
    if not isinstance(code, str) or len(code) != CODE_LENGTH or not code.isascii():
        return "invalid"  # compare_digest raises on non-ASCII text: a typed or forged URL gave a 500
    candidates = [at]
    if int(at.timestamp()) % WINDOW_SECONDS < GRACE_SECONDS:
        candidates.append(at - datetime.timedelta(seconds=WINDOW_SECONDS))
    for moment in candidates:
        if hmac.compare_digest(checkin_code(meeting_id=meeting_id, at=moment), code):
            return "valid"
    return "invalid"


def checkin_window(*, starts_at: datetime.datetime, hours: Decimal) -> tuple[datetime.datetime, datetime.datetime]:
    """When a meeting's QR check-in is taken: from a little before it starts until it ends (its hours)."""
    opens = starts_at - datetime.timedelta(minutes=settings.CHECK_IN_OPENS_MINUTES_BEFORE)
    ends = starts_at + datetime.timedelta(hours=float(hours))
    return opens, ends + datetime.timedelta(minutes=settings.CHECK_IN_CLOSES_MINUTES_AFTER)
