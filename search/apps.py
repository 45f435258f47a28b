from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    label = "course_search"
    verbose_name = _("课程搜索")

    def ready(self):
        from search import signals  # noqa: F401 — connects the synonym and dictionary receivers
