from django.urls import path

from . import views

urlpatterns = [
    path("attachments/<int:pk>/", views.DownloadView.as_view(), name="attachment-download"),
    path("attachments/<int:pk>/thumbnail/", views.ThumbnailView.as_view(), name="attachment-thumbnail"),
    path("attachments/<int:pk>/remove/", views.RemoveView.as_view(), name="attachment-remove"),
    path("attachments/add/<int:content_type>/<int:object_id>/", views.UploadView.as_view(), name="attachment-upload"),
]
