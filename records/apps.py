from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = _("学习档案")

    def ready(self):
        # Models are importable only once apps are loaded, hence the imports here (Django's idiom, no cycle).
        from accounts import personal_data
        from records.selectors import learner_personal_data
        from records.services import learner_records_erase

        # 下载我的数据 and 注销账号 (accounts.personal_data): certificates, recognitions, hours, statements.
        personal_data.register(name="records", export=learner_personal_data, erase=learner_records_erase)
