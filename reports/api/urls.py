from django.urls import path

from . import views

urlpatterns = [
    path("imports/<slug:resource>/", views.ImportView.as_view(), name="import"),
]
