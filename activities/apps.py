from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("社区活动")

    def ready(self):
        # Models are importable only once apps are loaded, hence the imports here (Django's idiom, no cycle).
        from accounts import personal_data
        from activities import signals  # noqa: F401  (connects the receivers listed in activities/signals.py)
        from activities.selectors import resident_personal_data
        from activities.services import resident_signups_release

        # 下载我的数据 and 注销账号: my event sign-ups; cancel them and free their seats.
        personal_data.register(name="events", export=resident_personal_data, erase=resident_signups_release)
