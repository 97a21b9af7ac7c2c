"""Choices of units and people: English codes as stored values, translated labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """A user's role is a Django group with this name."""

    OFFICE = "office", _("Smart-city office staff")
    LIAISON = "liaison", _("Department liaison")
    LEADER = "leader", _("Leader")
    COMMITTEE = "committee", _("Proposal committee")
    SIGNER = "signer", _("Unit signer")


class OrganizationKind(models.TextChoices):
    DEPARTMENT = "department", _("Government department")
    DISTRICT = "district", _("District government")
    COMPANY = "company", _("Company")
    CPPCC = "cppcc", _("CPPCC body")
    PARTY = "party", _("Democratic party")
    OTHER = "other", _("Other")
