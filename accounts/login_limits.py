"""Password guessing is rate-limited on both login forms (the site's and Wagtail's admin), per phone number
and per client address (the limits: core.ratelimit.LOGIN_PER_PHONE and LOGIN_PER_ADDRESS).

Counting happens before the password is checked, so a refused attempt costs no hashing; a successful login
clears the number's counter (not the address's: one office may hold many legitimate staff).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm

from accounts.phone import normalise_phone
from core.ratelimit import LOGIN_PER_ADDRESS, LOGIN_PER_PHONE, client_ip, rate_limit_allow, rate_limit_reset


class LoginRateLimitMixin:
    """For AuthenticationForm subclasses: refuse once a number or an address tried too often."""

    rate_limited_message = _("登录尝试次数过多，请15分钟后再试。")

    def clean(self):
        phone = self.cleaned_data.get("username") or ""
        if self.request is not None and phone:
            # Both are counted, whichever refuses.
            allowed_address = rate_limit_allow(LOGIN_PER_ADDRESS, client_ip(self.request))
            allowed_phone = rate_limit_allow(LOGIN_PER_PHONE, phone)
            if not (allowed_address and allowed_phone):
                raise ValidationError(self.rate_limited_message, code="rate_limited")
        cleaned = super().clean()
        if phone:
            rate_limit_reset(LOGIN_PER_PHONE, phone)
        return cleaned


class AdminLoginForm(LoginRateLimitMixin, WagtailLoginForm):
    """Wagtail's admin login (WAGTAILADMIN_USER_LOGIN_FORM): phone numbers as people type them, rate-limited."""

    def clean_username(self):
        try:
            return normalise_phone(self.cleaned_data["username"])
        except ValidationError as error:
            raise ValidationError(error.messages[0], code="invalid_phone") from error
