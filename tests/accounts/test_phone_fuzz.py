"""Property tests for the phone-number parser residents reach on every form: any text either becomes a canonical
11-digit mainland mobile number or is refused with ValidationError — nothing else is ever raised."""

from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from accounts.phone import MOBILE_RE, normalise_phone, validate_phone

digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
prefixes = st.sampled_from(["", "+86", "0086", "86", "+86 ", "（+86）"])
separators = st.sampled_from(["", " ", "-", "\u3000", "\t"])
full_width = str.maketrans("0123456789", "０１２３４５６７８９")


@given(st.text(max_size=60))
@example("１３９１２３４５６７８")
@example("²")
@example("\x00")
@example("+86" * 20)
@example("139١٢٣٤٥٦٧٨")  # Arabic-Indic digits: \d matches them, NFKC keeps them
@example("13912345678\n")
def test_any_text_is_canonical_or_refused(text):
    try:
        phone = normalise_phone(text)
    except ValidationError:
        return
    assert MOBILE_RE.fullmatch(phone) and phone.isascii() and phone.isdigit() and len(phone) == 11


@given(prefixes, st.sampled_from("3456789"), digits, separators, st.booleans())
def test_numbers_as_people_type_them_are_accepted(prefix, second, rest, separator, wide):
    number = f"1{second}{rest}"
    typed = f"{prefix}{number[:3]}{separator}{number[3:7]}{separator}{number[7:]}"
    if wide:
        typed = typed.translate(full_width)
    assert normalise_phone(typed) == number


@given(st.text(max_size=20))
@example("13912345678\n")
@example("139١٢٣٤٥٦٧٨")
def test_the_model_validator_accepts_only_the_canonical_form(text):
    try:
        validate_phone(text)
    except ValidationError:
        return
    assert text.isascii() and text.isdigit() and len(text) == 11
