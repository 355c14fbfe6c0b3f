from django.urls import path

from principles import followup_views, views

app_name = "principles"
urlpatterns = [
    path("principles/", views.principle_list, name="list"),
    path("principles/<int:pk>/", views.principle_detail, name="detail"),
    path("commitments/<slug:party>/", views.party_commitments, name="party"),
    path("development-areas/", views.development_areas, name="development_areas"),
    path("versions/", views.history, name="history"),
    path("versions/<int:pk>/", views.version_text, name="version"),
    path("versions/<int:pk>/changes/", views.differences, name="differences"),
    path("follow-ups/", followup_views.follow_up_list, name="follow_ups"),
    path("follow-ups/compare/", followup_views.follow_up_compare, name="follow_up_compare"),
    path("follow-ups/<int:year>/", followup_views.follow_up_year, name="follow_up"),
    path(
        "follow-ups/<int:year>/follow-up.pdf",
        followup_views.follow_up_pdf,
        name="follow_up_pdf",
    ),
    path(
        "follow-ups/<int:year>/<slug:party>/",
        followup_views.follow_up_party,
        name="follow_up_party",
    ),
    path(
        "follow-ups/attachments/commitments/<int:pk>/",
        followup_views.follow_up_attachment,
        {"kind": "commitment"},
        name="follow_up_attachment",
    ),
    path(
        "follow-ups/attachments/plan/<int:pk>/",
        followup_views.follow_up_attachment,
        {"kind": "plan"},
        name="follow_up_plan_attachment",
    ),
    path(
        "follow-ups/accounts/<int:organisation_pk>/",
        followup_views.follow_up_account,
        name="follow_up_account",
    ),
]
