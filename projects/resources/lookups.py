"""The portfolio's related objects as the resources' columns name them: a project by its code, a unit by its full
or short name."""

from accounts.models import Organization
from common.spreadsheets.widgets import LookupWidget

from ..models import Project


def project_lookup() -> LookupWidget:
    return LookupWidget(Project, ("code",), "code", action="change")


def unit_lookup() -> LookupWidget:
    return LookupWidget(Organization, ("name", "short_name"), "name")
