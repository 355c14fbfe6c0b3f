from django.urls import path

from compact import views

app_name = "compact"
urlpatterns = [
    path("", views.home, name="home"),
    path("signatories/", views.signatory_list, name="signatories"),
    path("signatories.csv", views.signatory_csv, name="signatories_csv"),
    path("organisations/<int:organisation_pk>/sign/", views.sign, name="sign"),
    path("organisations/<int:organisation_pk>/apply/", views.apply, name="apply"),
    path(
        "organisations/<int:organisation_pk>/signatures/<int:signature_pk>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path(
        "organisations/<int:organisation_pk>/applications/<int:application_pk>/document/",
        views.application_document,
        name="application_document",
    ),
]
