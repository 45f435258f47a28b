from django.urls import path

from learningcity import views

app_name = "learningcity"

urlpatterns = [
    path("learning-city/", views.summary, name="summary"),
    path("learning-city/dashboard/", views.dashboard, name="dashboard"),
    path("learning-city/dashboard/<slug:table>.xlsx", views.dashboard_export, name="dashboard_export"),
]
