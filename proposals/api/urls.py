from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sessions", views.SessionViewSet)
router.register("categories", views.CategoryViewSet)
router.register("result-classes", views.ResultClassViewSet)
router.register("proposers", views.ProposerViewSet)
router.register("proposals", views.ProposalViewSet)
router.register("replies", views.ReplyViewSet)
router.register("handling-units", views.HandlingUnitViewSet, basename="handlingunit")

urlpatterns = router.urls
