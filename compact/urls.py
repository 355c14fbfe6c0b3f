from django.urls import path

from compact import views
from compact.documents import views as documents

app_name = "compact"
urlpatterns = [
    # The sealed PDFs (compact/documents/): served as issued, and checked.
    path(
        "agreement/<int:agreement_pk>/pdf/",
        documents.agreement_document,
        name="agreement_document",
    ),
    path(
        "agreement/<int:agreement_pk>/agreement.pdf", documents.agreement_pdf, name="agreement_pdf"
    ),
    path(
        "agreement/<int:agreement_pk>/application-form.pdf",
        documents.application_form_pdf,
        name="application_form_pdf",
    ),
    path("verify/", documents.verify, name="verify"),
    path(
        "organisations/<int:organisation_pk>/application-form.pdf",
        documents.application_form_prefilled,
        name="application_form_prefilled",
    ),
    path(
        "organisations/<int:organisation_pk>/signatures/<int:signature_pk>/certificate.pdf",
        documents.certificate_pdf,
        name="certificate_pdf",
    ),
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
