from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("课程")

    def ready(self):
        # connects the receivers listed in courses/signals.py
        from courses import signals  # noqa: F401
        from courses.search_index import CourseSearchSource
        from search.registry import register_source

        register_source(CourseSearchSource())  # the live courses are what the search engine indexes
