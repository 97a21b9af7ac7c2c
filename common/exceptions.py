from django.utils.translation import gettext_lazy as _


class WorkflowError(Exception):
    """A move that the current state of an object does not allow (the API answers 409)."""

    default_message = _("This action is not allowed in the current state.")

    def __init__(self, message=None):
        self.message = message or self.default_message
        super().__init__(str(self.message))


class ActionForbidden(Exception):
    """The acting user's role or unit may not do this (the API answers 403)."""

    def __init__(self, message=None):
        self.message = message or _("You do not have permission to perform this action.")
        super().__init__(str(self.message))


class StaleVersionError(WorkflowError):
    """Someone saved the object after this edit was opened (the API answers 409 with the current version)."""

    def __init__(self, obj, current_version: int):
        self.current_version = current_version
        super().__init__(
            _(
                "%(object)s was changed by someone else after you opened it (now version %(version)s). "
                "Nothing was saved: look at the current values, then save again to replace them."
            )
            % {"object": obj, "version": current_version}
        )
