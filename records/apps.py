from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("学习档案")

    def ready(self):
        # connects the receivers listed in records/signals.py
        from records import signals  # noqa: F401
