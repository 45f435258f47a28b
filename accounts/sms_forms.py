"""Forms for the SMS flows. Each has the phone number, a code, and the fields of its flow; the page has two
buttons — 获取验证码 (validates the number only) and the main one — so it works without JavaScript.
"""

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import MIN_BIRTH_YEAR, User
from accounts.phone import normalise_phone
from places.models import Town


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="invalid_phone")


class CodeForm(PhoneForm):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        min_length=6,
        help_text=_("先点“获取验证码”，再填写短信里的6位数字。"),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise ValidationError(_("验证码是6位数字。"))
        return code


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少8位，不能全是数字。"),
    )
    password2 = forms.CharField(
        label=_("再输入一次密码"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def _check_passwords(self, user: User):
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as error:
                self.add_error("password1", error)


class RegisterForm(CodeForm, _NewPasswordMixin):
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    birth_year = forms.TypedChoiceField(
        label=_("出生年份"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("选填；老年大学等课程按年龄报名时需要。"),
    )
    home_town = forms.ModelChoiceField(
        label=_("所在乡镇/街道"),
        queryset=Town.objects.all(),
        required=False,
        help_text=_("选填；只招本乡镇居民的课程需要。"),
    )

    field_order = ["phone", "code", "display_name", "password1", "password2", "birth_year", "home_town"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["birth_year"].choices = [("", "—")] + [
            (year, str(year)) for year in range(this_year, MIN_BIRTH_YEAR - 1, -1)
        ]

    # Whether the number is taken is said only once its SMS code is verified (accounts.verification.user_register):
    # a form that answered earlier would tell anyone which numbers have accounts.

    def clean(self):
        cleaned = super().clean()
        self._check_passwords(User(phone=cleaned.get("phone", ""), display_name=cleaned.get("display_name", "")))
        return cleaned


class PasswordResetForm(CodeForm, _NewPasswordMixin):
    field_order = ["phone", "code", "password1", "password2"]

    def clean(self):
        cleaned = super().clean()
        # Similarity is checked against the number the requester typed, never the account's name or email: before
        # the code is verified, "too similar to your email" would confirm a guessed email (and that the number
        # has an account).
        self._check_passwords(User(phone=cleaned.get("phone", "")))
        return cleaned
