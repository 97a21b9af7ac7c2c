from django.urls import path

from . import views

urlpatterns = [
    path("exports/mine/", views.JobListView.as_view(), name="job-list"),
    path("exports/mine/<int:pk>/", views.JobDetailView.as_view(), name="job"),
    path("exports/mine/<int:pk>/status/", views.JobStatusView.as_view(), name="job-status"),
    path("exports/mine/<int:pk>/download/", views.JobDownloadView.as_view(), name="job-download"),
]
