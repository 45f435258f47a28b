from django.urls import path

from circles import views

app_name = "circles"

urlpatterns = [
    path("", views.circle_list, name="list"),
    path("start/", views.circle_start, name="start"),
    path("mine/", views.my_circles, name="mine"),
    path("<int:circle_id>/", views.circle_detail, name="detail"),
    path("<int:circle_id>/join/", views.join, name="join"),
    path("<int:circle_id>/leave/", views.leave, name="leave"),
    path("<int:circle_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<int:circle_id>/meetings/<int:meeting_id>/", views.meeting_edit, name="meeting_edit"),
    path("<int:circle_id>/meetings/<int:meeting_id>/delete/", views.meeting_delete, name="meeting_delete"),
    path("<int:circle_id>/activities/new/", views.activity_new, name="activity_new"),
]
