from django.urls import path

from principles import views

app_name = "principles"
urlpatterns = [
    path("principles/", views.principle_list, name="list"),
    path("principles/<int:pk>/", views.principle_detail, name="detail"),
    path("commitments/<slug:party>/", views.party_commitments, name="party"),
    path("development-areas/", views.development_areas, name="development_areas"),
    path("versions/", views.history, name="history"),
    path("versions/<int:pk>/", views.version_text, name="version"),
    path("versions/<int:pk>/changes/", views.differences, name="differences"),
]
