from django.core.exceptions import ValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from common.downloads import send_file

from .. import selectors, services
from ..models import Attachment
from ..views import skipped_message
from .serializers import AttachmentSerializer, AttachmentUploadSerializer


class AttachmentsActionMixin:
    """``GET``/``POST …/{id}/attachments/`` on a viewset whose model takes files (``attachments.registry``)."""

    @extend_schema(methods=["GET"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=AttachmentUploadSerializer, responses={201: AttachmentSerializer(many=True)}
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        obj = self.get_object()
        if request.method == "POST":
            # Parsing the body is what skips an over-large file (attachments.uploads): read it before asking which.
            files = request.FILES.getlist("file")
            skipped = skipped_message(request._request)
            if skipped:
                raise APIValidationError({"file": [skipped]})
            body = AttachmentUploadSerializer(data={**request.data.dict(), "file": files})
            body.is_valid(raise_exception=True)
            data = body.validated_data
            try:
                added = services.attach(
                    actor=request.user,
                    obj=obj,
                    files=data["file"],
                    kind=data.get("kind") or "",
                    number=data.get("number") or "",
                    issued_on=data.get("issued_on"),
                )
            except ValidationError as refusal:
                raise APIValidationError({"file": refusal.messages}) from None
            serializer = AttachmentSerializer(added, many=True, context={"request": request})
            return Response(serializer.data, status=status.HTTP_201_CREATED)
        listed = selectors.attachments_of(obj)
        return Response(AttachmentSerializer(listed, many=True, context={"request": request}).data)


class AttachmentViewSet(mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """One file by id: read it, or remove it while its object still takes files. 404 outside what the caller may
    read, like the object it belongs to."""

    queryset = Attachment.objects.none()
    serializer_class = AttachmentSerializer
    permission_classes = [IsAuthenticated]
    filter_backends = []

    def get_object(self):
        try:
            pk = int(self.kwargs["pk"])
        except (TypeError, ValueError):
            raise NotFound() from None
        attachment, _parent = selectors.readable_attachment(self.request.user, pk)
        return attachment

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file as uploaded, under its original name (with the caller's token, like every API address)."""
        attachment = self.get_object()
        return send_file(
            attachment.file,
            as_attachment=True,
            filename=attachment.name,
            content_type=attachment.media_type,
        )

    @extend_schema(responses={(200, "image/jpeg"): bytes})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request, pk=None):
        """A photo's re-encoded thumbnail (no EXIF, so no location); 404 for documents."""
        attachment = self.get_object()
        if not attachment.thumbnail:
            raise NotFound()
        return send_file(attachment.thumbnail, as_attachment=False, filename="thumbnail.jpg", content_type="image/jpeg")

    @transaction.atomic
    def perform_destroy(self, instance):
        services.remove(actor=self.request.user, attachment=instance)
