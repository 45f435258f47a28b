from django.urls import path

from community import views

app_name = "community"

urlpatterns = [
    path("town/", views.choose_town, name="choose_town"),
]
