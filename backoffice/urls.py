from django.urls import path

from backoffice import attendance, followups, invitations, meetings, revision, views

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
    path("versions/", revision.versions, name="versions"),
    path("versions/draft/", revision.draft_create, name="draft_create"),
    path("versions/<int:pk>/", revision.draft_detail, name="draft"),
    path("versions/<int:pk>/changes/", revision.draft_differences, name="draft_differences"),
    path("versions/<int:pk>/adopt/", revision.draft_adopt, name="draft_adopt"),
    path("versions/<int:pk>/principles/new/", revision.principle_edit, name="principle_add"),
    path(
        "versions/<int:pk>/principles/<int:principle_pk>/",
        revision.principle_edit,
        name="principle_edit",
    ),
    path(
        "versions/<int:pk>/principles/<int:principle_pk>/commitments/new/",
        revision.commitment_edit,
        name="commitment_add",
    ),
    path(
        "versions/<int:pk>/principles/<int:principle_pk>/commitments/<int:commitment_pk>/",
        revision.commitment_edit,
        name="commitment_edit",
    ),
    path(
        "versions/<int:pk>/<slug:kind>/<int:item_pk>/<slug:action>/",
        revision.item_change,
        name="draft_item_change",
    ),
    path("meetings/", meetings.meeting_list, name="meetings"),
    path("meetings/new/", meetings.meeting_create_view, name="meeting_create"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit_view, name="meeting_edit"),
    path("meetings/<int:pk>/publish/", meetings.meeting_publish_view, name="meeting_publish"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel_view, name="meeting_cancel"),
    path("meetings/<int:pk>/copy/", meetings.meeting_copy_view, name="meeting_copy"),
    path("meetings/<int:pk>/invite/", invitations.meeting_invite, name="meeting_invite"),
    path(
        "meetings/<int:pk>/invitations/",
        invitations.meeting_invitations,
        name="meeting_invitations",
    ),
    path(
        "meetings/<int:pk>/invitations/resend/",
        invitations.meeting_invitations_resend,
        name="meeting_invitations_resend",
    ),
    path(
        "meetings/<int:pk>/registrations/",
        attendance.meeting_registrations,
        name="meeting_registrations",
    ),
    path("meetings/<int:pk>/attendance/", attendance.meeting_attendance, name="meeting_attendance"),
    path("meetings/<int:pk>/walk-in/", attendance.meeting_walk_in, name="meeting_walk_in"),
    path("meetings/<int:pk>/signature/", attendance.meeting_signature, name="meeting_signature"),
    path("meetings/<int:pk>/minutes/", attendance.meeting_minutes, name="meeting_minutes"),
    path("follow-ups/", followups.follow_up_list, name="follow_ups"),
    path("follow-ups/<int:pk>/", followups.follow_up_detail, name="follow_up"),
    path(
        "follow-ups/<int:pk>/principles/<int:principle>/",
        followups.follow_up_record,
        name="follow_up_record",
    ),
    path("follow-ups/<int:pk>/plan/", followups.follow_up_plan, name="follow_up_plan"),
    path("follow-ups/<int:pk>/accounts/", followups.follow_up_accounts, name="follow_up_accounts"),
    path(
        "follow-ups/<int:pk>/publish/", followups.follow_up_publish_view, name="follow_up_publish"
    ),
    path(
        "follow-ups/<int:pk>/correct/", followups.follow_up_correct_view, name="follow_up_correct"
    ),
]
