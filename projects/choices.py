"""Choices of the portfolio: English codes as stored values, translated labels, a badge colour where one is shown."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DomainGroup(models.TextChoices):
    INFRASTRUCTURE = "infrastructure", _("Information infrastructure")
    DATA_RESOURCES = "data_resources", _("Basic information resources")
    CITY_SERVICES = "city_services", _("City management and services")
    INDUSTRY = "industry", _("Industrial development")
    INDUSTRIAL_BASE = "industrial_base", _("Industrial bases")


class PlanKind(models.TextChoices):
    OUTLINE = "outline", _("Outline")
    ACTION_PLAN = "action_plan", _("Action plan")
    PILOT_TASK_BOOK = "pilot_task_book", _("Pilot task book")


class ProjectTier(models.TextChoices):
    KEY = "key", _("Key project")
    PILOT = "pilot", _("Pilot project")
    NATIONAL_PILOT = "national_pilot", _("National pilot task")
    GENERAL = "general", _("General project")

    @property
    def color(self):
        return {"key": "primary", "pilot": "info", "national_pilot": "danger", "general": "secondary"}[self.value]


class InvestmentModel(models.TextChoices):
    GOVERNMENT = "government", _("Government investment")
    PURCHASE_OF_SERVICE = "purchase_of_service", _("Government purchase of service")
    BT = "bt", _("Build-transfer (BT)")
    BOT = "bot", _("Build-operate-transfer (BOT)")
    PPP = "ppp", _("Public-private partnership (PPP)")
    TOD = "tod", _("Transit-oriented development (TOD)")
    FRANCHISE = "franchise", _("Franchise")
    FINANCE_LEASE = "finance_lease", _("Finance lease")
    JOINT_VENTURE = "joint_venture", _("Government-enterprise joint venture")
    COMMERCIAL = "commercial", _("Commercial construction and operation")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    PREPARING = "preparing", _("Preparing")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    ACCEPTED = "accepted", _("Accepted")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")

    @property
    def color(self):
        return {
            "planned": "secondary",
            "preparing": "info",
            "in_progress": "primary",
            "completed": "success",
            "accepted": "success",
            "suspended": "warning",
            "cancelled": "dark",
        }[self.value]

    @classmethod
    def finished(cls):
        """Statuses in which the work is done: progress is 100 and nothing is late any more."""
        return [cls.COMPLETED, cls.ACCEPTED]

    @classmethod
    def reporting(cls):
        """Statuses in which the lead unit files a monthly progress report."""
        return [cls.PREPARING, cls.IN_PROGRESS]

    @classmethod
    def closed(cls):
        """Statuses in which health is no longer watched."""
        return [cls.COMPLETED, cls.ACCEPTED, cls.CANCELLED]


class Health(models.TextChoices):
    GREEN = "green", _("On track")
    YELLOW = "yellow", _("Lagging")
    RED = "red", _("Seriously behind")

    @property
    def color(self):
        return {"green": "success", "yellow": "warning", "red": "danger"}[self.value]


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")

    @property
    def color(self):
        return {"submitted": "info", "approved": "success", "returned": "danger"}[self.value]


class IndicatorDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


class ChangeRequestKind(models.TextChoices):
    """What a unit asks the office to confirm: what moves health, 序时进度 and the scorecard is never set by the unit
    being scored."""

    COMPLETION = "completion", _("Completion")
    ACCEPTANCE = "acceptance", _("Acceptance")
    PLAN_CHANGE = "plan_change", _("Plan change")


class ChangeRequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")

    @property
    def color(self):
        colors = {"pending": "warning", "confirmed": "success", "returned": "danger", "withdrawn": "secondary"}
        return colors[self.value]


class KeyListStatus(models.TextChoices):
    """Where a region's annual key-project list (年度重点项目计划) stands: submitted to the office of the region above,
    approved (the region's baseline for the year), or returned with a reason to be submitted again."""

    SUBMITTED = "submitted", pgettext_lazy("key-project list", "Awaiting approval")
    APPROVED = "approved", pgettext_lazy("key-project list", "Approved")
    RETURNED = "returned", pgettext_lazy("key-project list", "Returned")

    @property
    def color(self):
        return {"submitted": "info", "approved": "success", "returned": "danger"}[self.value]
