from django.urls import reverse
from rest_framework import serializers

from ..choices import AttachmentKind
from ..models import Attachment


class AttachmentSerializer(serializers.ModelSerializer):
    """A file as the API lists it; ``url`` downloads it (after the same permission check as its object)."""

    content_type = serializers.CharField(source="media_type", read_only=True)
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, default=None)

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "kind",
            "content_type",
            "size",
            "sha256",
            "number",
            "issued_on",
            "url",
            "thumbnail_url",
            "width",
            "height",
            "taken_at",
            "reused_from",
            "uploaded_by",
            "uploaded_at",
        ]
        read_only_fields = fields

    def absolute(self, path: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, attachment) -> str:
        return self.absolute(reverse("api:attachment-download", args=[attachment.pk]))

    def get_thumbnail_url(self, attachment) -> str | None:
        return (
            self.absolute(reverse("api:attachment-thumbnail", args=[attachment.pk])) if attachment.thumbnail else None
        )


class AttachmentUploadSerializer(serializers.Serializer):
    """``file`` (one or several parts of that name), with an optional ``kind`` and a document's number and date."""

    file = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)
    kind = serializers.ChoiceField(choices=AttachmentKind.choices, required=False, allow_blank=True)
    number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True)
