from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from common.api.serializers import unsaved_copy
from common.concurrency import check_version, parse_version
from common.models import VersionedModel


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A model viewset whose writes are checked against the user's unit on the new state of the object too,
    so a liaison can neither create another unit's object nor move one of theirs to another unit.

    Every write runs in one transaction: a serializer saves the row and then its many-to-many links, and a failure
    between the two must not leave the row behind.
    """

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        return self.with_etag(super().update(request, *args, **kwargs))

    def retrieve(self, request, *args, **kwargs):
        return self.with_etag(super().retrieve(request, *args, **kwargs))

    def get_object(self):
        obj = super().get_object()
        if self.action in ("update", "partial_update") and isinstance(obj, VersionedModel):
            # Locks the row until the update commits; a stale version answers 409 (WorkflowError).
            check_version(obj, self.requested_version())
        return obj

    def requested_version(self) -> int | None:
        """The version the client read: ``If-Match`` (the ``ETag`` of its read) or the body's ``version``."""
        if "If-Match" in self.request.headers:
            return parse_version(self.request.headers["If-Match"])
        data = self.request.data
        return parse_version(data.get("version")) if hasattr(data, "get") else None

    @staticmethod
    def with_etag(response):
        """The object's version as a strong ``ETag``, for the ``If-Match`` of the next update."""
        if isinstance(response.data, dict) and "version" in response.data:
            response["ETag"] = f'"{response.data["version"]}"'
        return response

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_create(self, serializer):
        self.check_write("add", serializer)
        serializer.save()
        self.reload(serializer)

    def perform_update(self, serializer):
        self.check_write("change", serializer)
        serializer.save()
        self.reload(serializer)

    def check_write(self, action, serializer):
        candidate = unsaved_copy(self.queryset.model, serializer.instance, serializer.validated_data)
        if not self.request.user.can(action, candidate):
            raise PermissionDenied()

    def reload(self, serializer):
        """Answer with the saved object as the list shows it, derived figures included."""
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class ArchivableViewSetMixin:
    """For the models users archive instead of deleting (projects, units, proposals): ``DELETE`` archives the object
    (it leaves the list, keeps its history and stays readable by id) and ``POST …/restore/`` brings it back."""

    def archive(self, obj):
        raise NotImplementedError

    def restore_object(self, obj):
        raise NotImplementedError

    def get_manager(self):
        model = self.queryset.model
        return model.objects if self.action == "list" else model.all_objects

    def perform_destroy(self, instance):
        self.archive(instance)

    @extend_schema(request=None, summary="Restore an archived object")
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        obj = self.restore_object(self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)
