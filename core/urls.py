from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("accessibility/", views.accessibility, name="accessibility"),
    path("how-to-join/", views.how_to_join, name="join"),
]
