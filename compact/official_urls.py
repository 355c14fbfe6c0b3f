from django.urls import path

from compact import official_views as views

app_name = "officials"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<int:pk>/", views.organisation_review, name="organisation"),
    path("applications/<int:pk>/", views.application_review, name="application"),
    path("signatures/", views.signature_list, name="signatures"),
    path("signatures/<int:pk>/withdraw/", views.signature_withdraw_view, name="withdraw"),
    path("log/", views.action_log, name="log"),
]
