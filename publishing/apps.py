from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = _("课程发布与审核")

    def ready(self):
        # connects the receivers listed in publishing/signals.py
        from publishing import signals  # noqa: F401
