from django.urls import path

from dialogues import minutes_views, registration_views, views

app_name = "dialogues"
urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/calendar.ics", views.feed, name="feed"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/calendar.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/register/", registration_views.register, name="register"),
    path(
        "meetings/<int:pk>/minutes.pdf",
        minutes_views.minutes_document,
        name="minutes_document",
    ),
    path(
        "registrations/<str:token>/",
        registration_views.registration_detail,
        name="registration",
    ),
]
