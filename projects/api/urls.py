from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet)
router.register("domains", views.DomainViewSet)
router.register("plans", views.PlanViewSet)
router.register("projects", views.ProjectViewSet)
router.register("project-change-requests", views.ProjectChangeRequestViewSet)
router.register("milestones", views.MilestoneViewSet)
router.register("progress-reports", views.ProgressReportViewSet)
router.register("funding-sources", views.FundingSourceViewSet)
router.register("fundings", views.FundingViewSet)
router.register("indicators", views.IndicatorViewSet)
router.register("indicator-values", views.IndicatorValueViewSet)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="logout-all"),
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
