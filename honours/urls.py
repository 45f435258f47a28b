from django.urls import path

from honours import views

app_name = "honours"

urlpatterns = [
    path("nominate/<int:round_id>/", views.nominate, name="nominate"),
    path("me/honours/", views.mine, name="mine"),
    path("me/honours/<int:nomination_id>/withdraw/", views.withdraw, name="withdraw"),
    path("me/honours/<int:nomination_id>/consent/", views.consent, name="consent"),
    path("me/honours/<int:nomination_id>/evidence/<int:evidence_id>/", views.evidence, name="evidence"),
]
