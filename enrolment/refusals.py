"""What enrolment refuses, as one exception the rules (enrolment.selectors) return and the services raise."""

from core.refusals import Refused


class EnrolmentRefused(Refused):
    """A request the rules refuse. `code` is for programs, `message` (Chinese) for people; `short` is the
    few words a class card shows in place of the 报名 button (the message when a rule has no short form)."""

    # code → HTTP status used by the API
    STATUS = {
        "not_found": 404,
        "duplicate": 409,
        "full_no_waitlist": 409,
        "closed": 409,
        "ineligible": 403,
        "forbidden": 403,
        "invalid_state": 409,
        "not_enrolled": 403,
        "expired": 400,
        "not_open": 409,
        "replayed": 409,
        "nothing_attended": 409,
    }

    def __init__(self, code: str, message: str, *, short: str = ""):
        super().__init__(code, message)
        self.short = short or message
