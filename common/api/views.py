from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied

from common.api.serializers import unsaved_copy


class ScopedModelViewSet(viewsets.ModelViewSet):
    """A model viewset whose writes are checked against the user's unit on the new state of the object too,
    so a liaison can neither create another unit's object nor move one of theirs to another unit."""

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
