from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.users.forms import UserCreationForm, UserEditForm

from accounts.login_limits import LoginRateLimitMixin
from accounts.models import MIN_BIRTH_YEAR, User
from accounts.phone import normalise_phone


class PhoneLoginForm(LoginRateLimitMixin, AuthenticationForm):
    """Log in with a mobile number in whatever form people type it (spaces, +86, full-width)."""

    username = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("手机号码或密码不正确。"),
        "inactive": _("该账号已停用。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # AuthenticationForm caps the field at the model's 11 digits; people type "137 1234 5678" or +86.
        self.fields["username"].max_length = 20
        self.fields["username"].widget.attrs["maxlength"] = "20"

    def clean_username(self):
        try:
            return normalise_phone(self.cleaned_data["username"])
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="invalid_phone") from error


class _AdminUserFieldsMixin:
    """Wagtail's user forms assume first_name/last_name; our people have one display name."""

    first_name = None
    last_name = None

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])


class AdminUserCreationForm(_AdminUserFieldsMixin, UserCreationForm):
    email = forms.EmailField(required=False, label=_("电子邮箱"))
    field_order = ["phone", "display_name", "email", "birth_year", "home_town", "password1", "password2"]

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["phone", "display_name", "email", "birth_year", "home_town", "is_superuser", "groups"]


class AdminUserEditForm(_AdminUserFieldsMixin, UserEditForm):
    """The account tab shows every field of this form but the two of the roles tab (templates/wagtailusers/users/
    edit.html renders them in this order): a field the page left out would post as empty — an unticked is_active
    deactivated everyone whose password an administrator changed."""

    email = forms.EmailField(required=False, label=_("电子邮箱"))
    field_order = ["phone", "display_name", "email", "birth_year", "home_town", "password1", "password2", "is_active"]

    class Meta(UserEditForm.Meta):
        model = User
        fields = ["phone", "display_name", "email", "birth_year", "home_town", "is_active", "is_superuser", "groups"]


class ProfileForm(forms.ModelForm):
    """What a resident keeps up to date about themselves: only what enrolment rules and messages need."""

    birth_year = forms.TypedChoiceField(
        label=_("出生年份"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("选填；老年大学等有年龄要求的课程需要。"),
    )

    class Meta:
        model = User
        fields = ["display_name", "birth_year", "home_town", "audiences", "email"]
        widgets = {"audiences": forms.CheckboxSelectMultiple}
        help_texts = {"email": _("选填；填写后开课提醒也会发到邮箱。")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["birth_year"].choices = [("", "—")] + [
            (year, str(year)) for year in range(this_year, MIN_BIRTH_YEAR - 1, -1)
        ]
