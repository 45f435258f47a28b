from django.urls import path

from enrolment import views as enrolment_views

app_name = "enrolment"

urlpatterns = [
    path("classes/<int:class_id>/enrol/", enrolment_views.enrol, name="enrol"),
    path("me/enrolments/", enrolment_views.mine, name="mine"),
    path("me/enrolments/<int:enrolment_id>/cancel/", enrolment_views.cancel, name="cancel"),
    path("checkin/<int:meeting_id>/<str:code>/", enrolment_views.check_in, name="check_in"),
]
