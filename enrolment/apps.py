from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "enrolment"
    verbose_name = _("报名与考勤")

    def ready(self):
        # Models are importable only once apps are loaded, hence the imports here (Django's idiom, no cycle).
        from accounts import personal_data
        from enrolment import signals  # noqa: F401  (connects the receivers listed in enrolment/signals.py)
        from enrolment.selectors import learner_classes, learner_personal_data
        from enrolment.services import learner_enrolments_release
        from records.sources import register_activities

        # 下载我的数据 and 注销账号 (accounts.personal_data): my enrolments; cancel them and free their seats.
        personal_data.register(name="enrolment", export=learner_personal_data, erase=learner_enrolments_release)
        # 我的学习 and /api/v1/me/record list the classes taken (参加的班次).
        register_activities(name="enrolment", loader=learner_classes)
