"""The import pages; included from ``reports.urls``."""

from django.urls import path

from . import import_views

urlpatterns = [
    path("imports/", import_views.ImportIndexView.as_view(), name="import-index"),
    path("imports/<slug:resource>/", import_views.ImportView.as_view(), name="import"),
    path("imports/<slug:resource>/template/", import_views.ImportTemplateView.as_view(), name="import-template"),
]
