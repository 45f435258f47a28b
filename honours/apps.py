from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = _("学习之星与学习品牌")

    def ready(self):
        # Models are importable only once apps are loaded, hence the imports here (Django's idiom, no cycle).
        from accounts import personal_data
        from honours.selectors import nominee_personal_data
        from honours.services import nominee_records_erase

        # 下载我的数据 and 注销账号 (accounts.personal_data): the nominations naming the person, their evidence.
        personal_data.register(name="honours", export=nominee_personal_data, erase=nominee_records_erase)
