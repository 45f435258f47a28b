import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from accounts.phone import mask_phone, normalise_phone


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "008613812345678",
        "8613812345678",
        "１３８１２３４５６７８",
    ],
)
def test_numbers_people_type_are_normalised(typed):
    assert normalise_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "12345678901",
        "1381234567",
        "138123456789",
        "23812345678",
        "12812345678",
        "abcdefghijk",
        "022-29142345",
        "+1 415 555 0100",
    ],
)
def test_invalid_numbers_are_refused_with_a_message(bad):
    with pytest.raises(ValidationError) as error:
        normalise_phone(bad)
    assert "手机号" in error.value.messages[0]


@given(st.text(max_size=30))
def test_normalise_never_crashes_and_only_returns_valid_numbers(text):
    try:
        value = normalise_phone(text)
    except ValidationError:
        return
    assert len(value) == 11 and value.startswith("1") and value.isdigit()


def test_mask_keeps_only_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.django_db
def test_user_is_created_with_canonical_phone_and_logs_in_with_any_form(client):
    User.objects.create_user("+86 139-0000-1111", "correct-horse-battery", display_name="李长海")
    user = User.objects.get()
    assert user.phone == "13900001111"
    assert str(user) == "李长海（139****1111）"
    response = client.post("/accounts/login/", {"username": "139 0000 1111", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_login_form_reports_invalid_phone_clearly(client):
    response = client.post("/accounts/login/", {"username": "12345", "password": "x"})
    assert response.status_code == 200
    assert "不是有效的手机号码" in response.content.decode()


@pytest.mark.django_db
def test_create_user_refuses_invalid_phone():
    with pytest.raises(ValidationError):
        User.objects.create_user("12345", "pw", display_name="x")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_database_refuses_invalid_phone_even_past_validation():
    user = User.objects.create_user("13800001111", "pw-long-enough", display_name="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(phone="99999999999")


@pytest.mark.django_db
def test_duplicate_phone_refused_in_any_spelling():
    User.objects.create_user("13800001111", "pw-long-enough", display_name="x")
    with pytest.raises(ValidationError) as error:
        User.objects.create_user("138 0000 1111", "pw-long-enough", display_name="y")
    assert "已注册" in str(error.value)


@pytest.mark.django_db
def test_login_field_takes_a_number_typed_with_spaces_or_country_code(client):
    User.objects.create_user("13900002222", "correct-horse-battery", display_name="王秀兰")
    page = client.get("/accounts/login/").content.decode()
    assert 'maxlength="20"' in page  # the browser must not cut "+86 139 0000 2222" at 11 characters
    response = client.post("/accounts/login/", {"username": "+86 139 0000 2222", "password": "correct-horse-battery"})
    assert response.status_code == 302
