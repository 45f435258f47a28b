from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("课程")

    def ready(self):
        # connects the receivers listed in courses/signals.py
        from courses import signals  # noqa: F401
