from django.urls import include, path

from . import assessment_views, views

urlpatterns = [
    path("reports/dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("reports/summary/", views.SummaryView.as_view(), name="dashboard-summary"),
    path("public/", views.PublicProgressView.as_view(), name="public-progress"),
    path("reports/exports/", views.ExportIndexView.as_view(), name="export-index"),
    path("reports/export/project-plan.xlsx", views.ProjectPlanExportView.as_view(), name="export-project-plan"),
    path("reports/export/targets.xlsx", views.TargetsExportView.as_view(), name="export-targets"),
    path("reports/export/progress.xlsx", views.ProgressTableExportView.as_view(), name="export-progress"),
    path("reports/export/proposals.xlsx", views.ProposalLedgerExportView.as_view(), name="export-proposals"),
    path("reports/export/proposal-stats.xlsx", views.ProposalStatsExportView.as_view(), name="export-proposal-stats"),
    path("", include("reports.import_urls")),
    path("reports/assessment/", assessment_views.AssessmentView.as_view(), name="assessment"),
    path(
        "reports/assessment/<int:region>/<int:year>/rules/",
        assessment_views.AssessmentRuleEditView.as_view(),
        name="assessment-rule",
    ),
    path("reports/export/assessment.xlsx", assessment_views.AssessmentExportView.as_view(), name="export-assessment"),
]
