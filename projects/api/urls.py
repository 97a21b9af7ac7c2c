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
router.register("key-project-lists", views.KeyListViewSet)

urlpatterns = [
    *router.urls,
]
