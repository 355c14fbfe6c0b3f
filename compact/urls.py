from django.urls import path

from compact import views

app_name = "compact"
urlpatterns = [
    path("", views.home, name="home"),
]
