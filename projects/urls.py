from django.urls import path

from . import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/add/", views.ProjectEditView.as_view(), name="project-add"),
    path("projects/<int:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:pk>/edit/", views.ProjectEditView.as_view(), name="project-edit"),
    path("projects/<int:pk>/funding/", views.ProjectFundingView.as_view(), name="project-funding"),
    path("projects/<int:pk>/delete/", views.ProjectDeleteView.as_view(), name="project-delete"),
    path("progress/report/", views.ProgressReportingView.as_view(), name="progress-reporting"),
    path("progress/review/", views.ReviewQueueView.as_view(), name="review-queue"),
    path("progress/<int:pk>/return/", views.ReturnReportView.as_view(), name="report-return"),
    path("targets/", views.IndicatorListView.as_view(), name="indicator-list"),
    path("targets/add/", views.IndicatorEditView.as_view(), name="indicator-add"),
    path("targets/<int:pk>/", views.IndicatorDetailView.as_view(), name="indicator-detail"),
    path("targets/<int:pk>/edit/", views.IndicatorEditView.as_view(), name="indicator-edit"),
    path("targets/<int:pk>/values/add/", views.IndicatorValueCreateView.as_view(), name="indicator-value-add"),
    path("targets/<int:pk>/delete/", views.IndicatorDeleteView.as_view(), name="indicator-delete"),
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/add/", views.PlanEditView.as_view(), name="plan-add"),
    path("plans/<int:pk>/", views.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/edit/", views.PlanEditView.as_view(), name="plan-edit"),
    path("plans/<int:pk>/delete/", views.PlanDeleteView.as_view(), name="plan-delete"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/add/", views.OrganizationEditView.as_view(), name="organization-add"),
    path("organizations/<int:pk>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path("organizations/<int:pk>/edit/", views.OrganizationEditView.as_view(), name="organization-edit"),
    path("organizations/<int:pk>/delete/", views.OrganizationDeleteView.as_view(), name="organization-delete"),
    path("baselines/", views.BaselineListView.as_view(), name="baseline-list"),
    path("baselines/<int:year>/", views.BaselineDetailView.as_view(), name="baseline-detail"),
]
