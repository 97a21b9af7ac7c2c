from django.urls import path

from . import views

urlpatterns = [
    path("imports/<slug:resource>/", views.ImportView.as_view(), name="import"),
    path("assessment/", views.AssessmentView.as_view(), name="assessment"),
]
