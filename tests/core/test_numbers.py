"""core.numbers: a client's number is ASCII 0-9 and short, whatever int() or str.isdigit() would accept."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.numbers import MAX_DIGITS, parse_number_in, parse_whole_number
from search.query import positive_int_parameter


@pytest.mark.parametrize(
    "text, expected", [("0", 0), ("7", 7), (" 12 ", 12), ("007", 7), ("9" * MAX_DIGITS, 10**MAX_DIGITS - 1)]
)
def test_ascii_digits_are_numbers(text, expected):
    assert parse_whole_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        " ",
        "²",
        "1²",
        "٣",
        "３",
        "১",
        "-1",
        "+1",
        "1.0",
        "1e3",
        "1_000",
        "0x10",
        "1\n",
        "一",
        "9" * (MAX_DIGITS + 1),
    ],
)
def test_everything_else_is_not_a_number(text):
    assert parse_whole_number(text) is None


def test_choice_from_allowed_values():
    assert parse_number_in("2", (0, 1, 2, 3), default=0) == 2
    assert parse_number_in("9", (0, 1, 2, 3), default=0) == 0
    assert parse_number_in("²", (0, 1, 2, 3), default=0) == 0


@given(st.text(max_size=20))
def test_never_raises_and_only_ascii_digits_count(text):
    number = parse_whole_number(text)
    stripped = text.strip(" \t")
    if number is None:
        assert not (stripped and len(stripped) <= MAX_DIGITS and all(c in "0123456789" for c in stripped))
    else:
        assert str(number) == stripped.lstrip("0") or (number == 0 and set(stripped) == {"0"})


@given(st.text(alphabet=st.sampled_from("0123456789²٣３ -+_.x"), max_size=9) | st.text(max_size=9))
def test_search_parameters_agree_with_core(text):
    """search/query.py keeps its own copy (search imports nothing of ours): both read the same numbers."""
    number = parse_whole_number(text.strip(), max_digits=7)
    expected = min(number, 1000) if number else None
    assert positive_int_parameter(text, 1000) == expected
