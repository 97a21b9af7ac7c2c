from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("workdays", views.SpecialDayViewSet)

urlpatterns = [*router.urls]
