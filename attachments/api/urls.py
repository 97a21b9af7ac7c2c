from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("attachments", views.AttachmentViewSet, basename="attachment")

urlpatterns = [*router.urls]
