from django.urls import path

from . import views

urlpatterns = [
    path("reports/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("reports/summary/", views.SummaryView.as_view(), name="dashboard-summary"),
    path("public/", views.PublicProgressView.as_view(), name="public-progress"),
]
