from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("社区与学习型城市")

    def ready(self):
        from community import signals  # noqa: F401  (connects the receivers)
