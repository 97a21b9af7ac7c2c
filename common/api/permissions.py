from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

# What a standard viewset action needs; custom actions (approve, return…) need "view" here and check their own
# rule in the service they call.
ACTION_FOR_VIEW_ACTION = {
    "list": "view",
    "retrieve": "view",
    "create": "add",
    "update": "change",
    "partial_update": "change",
    "destroy": "delete",
}
ACTION_FOR_METHOD = {"POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


def required_action(request, view) -> str:
    view_action = getattr(view, "action", None)
    if view_action:
        return ACTION_FOR_VIEW_ACTION.get(view_action, "view")
    return ACTION_FOR_METHOD.get(request.method, "view")


class ScopedModelPermission(BasePermission):
    """Model permissions from the user's role groups, limited per object to the user's own unit (``User.can``).

    Anonymous requests are refused (401 with a token challenge). Views without a model only need a login.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        queryset = getattr(view, "queryset", None)
        if queryset is None:
            return True
        return user.can(required_action(request, view), queryset.model)

    def has_object_permission(self, request, view, obj):
        # Outside the caller's regions an object answers 404, never a 403 that says it exists.
        if not request.user.region_scope.allows(obj, "view"):
            raise NotFound()
        return request.user.can(required_action(request, view), obj)
