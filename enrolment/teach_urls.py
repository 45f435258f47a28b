from django.urls import path

from enrolment import teach_views

app_name = "teach"

urlpatterns = [
    path("", teach_views.class_list, name="classes"),
    path("classes/<int:class_id>/", teach_views.roster, name="roster"),
    path("classes/<int:class_id>/export.csv", teach_views.export_csv, name="export_csv"),
    path("classes/<int:class_id>/export.xlsx", teach_views.export_xlsx, name="export_xlsx"),
    path("classes/<int:class_id>/enrolments/<int:enrolment_id>/phone/", teach_views.reveal_phone, name="reveal_phone"),
    path("classes/<int:class_id>/enrolments/<int:enrolment_id>/complete/", teach_views.complete, name="complete"),
    path("classes/<int:class_id>/enrolments/<int:enrolment_id>/cancel/", teach_views.cancel, name="cancel"),
    path("meetings/<int:meeting_id>/", teach_views.roll_call, name="roll_call"),
    path("meetings/<int:meeting_id>/qr/", teach_views.qr, name="qr"),
]
