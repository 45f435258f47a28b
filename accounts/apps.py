from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("居民与工作人员")


class JizhouUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's user admin, with forms for phone-number accounts (see accounts.viewsets)."""

    user_viewset = "accounts.viewsets.UserViewSet"
