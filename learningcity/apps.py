from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningcityConfig(AppConfig):
    name = "learningcity"
    verbose_name = _("学习型城市")

    def ready(self):
        from learningcity import signals  # noqa: F401 — registers the receivers
