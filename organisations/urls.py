from django.urls import path

from organisations import views

app_name = "organisations"
urlpatterns = [
    path("start/", views.start, name="start"),
    path("my-organisations/", views.my_organisations, name="mine"),
    path("organisations/register/", views.register, name="register"),
    path("organisations/<int:pk>/", views.profile, name="profile"),
    path("organisations/<int:pk>/logo/", views.logo, name="logo"),
    path("organisations/<int:organisation_pk>/manage/", views.dashboard, name="dashboard"),
    path("organisations/<int:organisation_pk>/edit/", views.edit, name="edit"),
    path(
        "organisations/<int:organisation_pk>/representatives/",
        views.representatives,
        name="representatives",
    ),
    path(
        "organisations/<int:organisation_pk>/representatives/<int:representative_pk>/remove/",
        views.remove_representative,
        name="remove_representative",
    ),
    path(
        "organisations/<int:organisation_pk>/invitations/<int:invitation_pk>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
