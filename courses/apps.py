from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("课程")

    def ready(self):
        from . import records_receivers, signals, staff_signals  # noqa: F401
