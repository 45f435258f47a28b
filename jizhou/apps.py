from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JizhouConfig(AppConfig):
    name = "jizhou"
    verbose_name = _("蓟州终身学习网")
