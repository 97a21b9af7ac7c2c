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


class RegionLevel(models.TextChoices):
    """Levels of the administrative divisions (行政区划, GB/T 2260), and the functional zones that have an office of
    their own but no code (开发区, 新区), placed under their city."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("District or county")
    ZONE = "zone", _("Development zone or new area")

    @classmethod
    def parent_levels(cls) -> dict[str, tuple[str, ...]]:
        """Which level a region of each level sits under (a province under none)."""
        return {cls.PROVINCE: (), cls.CITY: (cls.PROVINCE,), cls.COUNTY: (cls.CITY,), cls.ZONE: (cls.CITY, cls.COUNTY)}
