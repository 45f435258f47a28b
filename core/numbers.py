"""Whole numbers from what a client sends (query parameters, cookies, form fields): ASCII digits only.

`str.isdigit()` is not a guard for `int()`: it accepts superscripts and other digits `int()` refuses ('²'
raised ValueError on every page), while `int()` itself accepts what no form field sends — Arabic-Indic or
full-width digits ('٣', '３'), signs, spaces and underscores ('1_000'). A client's number is what a
keyboard's 0-9 type, and not too long to be one: anything else is not a number, and the caller falls back
to its default or refuses with a clear 400/422 — never a 500.
"""

import re

MAX_DIGITS = 12  # well past any id, page or count of ours; keeps int() cheap on a hostile megabyte
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def parse_whole_number(value, *, max_digits: int = MAX_DIGITS) -> int | None:
    """The number written in ASCII digits `0-9` (surrounding spaces allowed), or None for anything else:
    None, '', '-1', '+1', '1.0', '1_000', '²', '٣', '３', more than `max_digits` digits."""
    if value is None:
        return None
    text = str(value).strip(" \t")
    if len(text) > max_digits or not _DIGITS.fullmatch(text):
        return None
    return int(text)


def parse_number_in(value, allowed, *, default):
    """The number if it is one of `allowed` (e.g. a preference's steps), otherwise `default`."""
    number = parse_whole_number(value)
    return number if number is not None and number in allowed else default
