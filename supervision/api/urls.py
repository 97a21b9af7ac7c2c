from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("supervision-notices", views.NoticeViewSet, basename="notice")
router.register("instructions", views.InstructionViewSet, basename="instruction")
router.register("commitments", views.CommitmentViewSet, basename="commitment")

urlpatterns = router.urls
