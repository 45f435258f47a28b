"""Study circles (学习团队) residents form and join: members, meetings, activity, yearly assessment."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CirclesConfig(AppConfig):
    name = "circles"
    verbose_name = _("学习团队")

    def ready(self):
        # Models are importable only once apps are loaded, hence the imports here (Django's idiom, no cycle).
        from accounts import personal_data
        from circles.selectors import export_for
        from circles.services import circles_erase

        # 下载我的数据 and 注销账号: memberships, meetings attended, circles led.
        personal_data.register(name="circles", export=export_for, erase=circles_erase)
