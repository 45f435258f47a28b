from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("线上课程")

    def ready(self):
        # Models are importable only once apps are loaded, hence the imports here (Django's idiom, no cycle).
        from media import signals  # noqa: F401 — connects the file upkeep receivers
        from media.lesson_selectors import learner_online_courses
        from records.sources import register_activities

        # 我的学习 and /api/v1/me/record list the courses whose lessons a learner watched.
        register_activities(name="media", loader=learner_online_courses)
