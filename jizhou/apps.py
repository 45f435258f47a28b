from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JizhouConfig(AppConfig):
    name = "jizhou"
    verbose_name = _("蓟州终身学习网")

    def ready(self):
        # Anonymous page cache upkeep (publishing and seat changes make cached pages stale).
        from jizhou import page_cache_signals  # noqa: F401  (connects receivers; apps are loaded by now)
