from django.urls import path

from backoffice import views

app_name = "backoffice"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<int:pk>/verify/",
        views.organisation_verify_view,
        name="organisation_verify",
    ),
    path(
        "organisations/<int:pk>/reject/",
        views.organisation_reject_view,
        name="organisation_reject",
    ),
    path(
        "organisations/<int:pk>/release-number/",
        views.organisation_release_number_view,
        name="organisation_release_number",
    ),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path(
        "applications/<int:pk>/approve/",
        views.application_approve_view,
        name="application_approve",
    ),
    path("applications/<int:pk>/reject/", views.application_reject_view, name="application_reject"),
    path("signatures/", views.signature_list, name="signatures"),
    path("signatures/<int:pk>/withdraw/", views.signature_withdraw_view, name="withdraw"),
    path("log/", views.action_log, name="log"),
]
