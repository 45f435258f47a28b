from django.urls import path

from records import views

app_name = "records"

urlpatterns = [
    path("me/learning/", views.my_learning, name="my_learning"),
    path("me/learning/transcript.pdf", views.transcript_pdf, name="transcript_pdf"),
    path("me/learning/xapi-statements.json", views.my_statements, name="my_statements"),
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export.json", views.my_data_export, name="my_data_export"),
    path("me/data/delete/", views.my_account_delete, name="my_account_delete"),
    path("certificates/", views.certificate_lookup, name="certificate_lookup"),
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>/revoke/", views.certificate_revoke_view, name="certificate_revoke"),
    path("certificates/<str:code>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("records/recognitions/", views.recognitions, name="recognitions"),
    path("records/recognitions/<int:recognition_id>/decide/", views.recognition_decide_view, name="recognition_decide"),
    path(
        "records/recognitions/<int:recognition_id>/evidence/", views.recognition_evidence, name="recognition_evidence"
    ),
]
