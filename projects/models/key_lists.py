"""The annual key-project lists (年度重点项目计划): a region's list for a year, its frozen entries and its course.

A district office submits its year's list to the office of the region above, which approves it or returns it with a
reason; a region with no office above approves its own (``projects.services.key_lists``). The approved list is the
region's baseline for the year: slippage is measured against it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import PerRegionUniqueMixin, Region, per_region_unique
from common import bounds
from common.bounds import date_validators, money_field, text_field
from common.models import TimestampedModel

from ..choices import KeyListStatus
from ..querysets import BaselineQuerySet, ProjectBaselineQuerySet


def deciding_region(region: Region | None) -> Region | None:
    """The region whose office approves ``region``'s list: the region directly above, when it has an office. None
    for a region that approves its own (the top of the deployment, or a deployment without regions)."""
    if region is None or region.parent_id is None:
        return None
    parent = region.parent
    return parent if parent.office_id is not None else None


def person_field(label):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=label, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class Baseline(PerRegionUniqueMixin, TimestampedModel):
    """A region's key-project list for a year: each project's planned dates and investment frozen when it is
    submitted (or when a region with no office above approves its own), the baseline once approved."""

    year = models.PositiveSmallIntegerField(_("year"), validators=bounds.year_validators(2000))
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT, related_name="baselines"
    )
    status = models.CharField(_("status"), max_length=20, choices=KeyListStatus)
    submitted_by = person_field(_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = person_field(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    return_reason = text_field(_("reason for returning"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = BaselineQuerySet.as_manager()

    region_path = "region"

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual key-project list")
        verbose_name_plural = _("annual key-project lists")
        constraints = [
            *per_region_unique("year", name="baseline_year_unique", message=_("This year has a baseline already.")),
            bounds.year_range("year", name="baseline_year_in_range", first=2000),
            models.CheckConstraint(
                condition=~Q(status=KeyListStatus.RETURNED) | ~Q(return_reason=""),
                name="baseline_returned_has_reason",
                violation_error_message=_("A returned list needs a reason."),
            ),
            models.CheckConstraint(
                condition=~Q(status=KeyListStatus.APPROVED) | Q(decided_at__isnull=False),
                name="baseline_approved_has_date",
                violation_error_message=_("An approved list needs the day it was approved."),
            ),
            bounds.texts_in_range({"return_reason": bounds.TEXT_MAX}, name="baseline_texts_in_range"),
        ]

    def __str__(self):
        if self.region_id is None:
            return _("%(year)s key-project list") % {"year": self.year}
        return _("%(region)s %(year)s key-project list") % {"region": self.region, "year": self.year}

    def get_absolute_url(self):
        return reverse("baseline-detail", args=[self.pk])


class ProjectBaseline(models.Model):
    """One project's frozen plan in a year's list; never edited once approved, so later changes show as slippage."""

    baseline = models.ForeignKey(Baseline, verbose_name=_("baseline"), on_delete=models.CASCADE, related_name="entries")
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("project"), on_delete=models.CASCADE, related_name="baselines"
    )
    planned_start = models.DateField(_("planned start"), validators=date_validators)
    planned_end = models.DateField(_("planned end"), validators=date_validators)
    total_investment = money_field(_("total investment (10k yuan)"))

    objects = ProjectBaselineQuerySet.as_manager()

    region_path = "baseline__region"

    class Meta:
        ordering = ["baseline", "project"]
        verbose_name = _("project baseline")
        verbose_name_plural = _("project baselines")
        constraints = [
            models.UniqueConstraint(
                fields=["baseline", "project"],
                name="baseline_unique_project",
                violation_error_message=_("This project is already in this baseline."),
            ),
            bounds.dates_in_range("planned_start", "planned_end", name="project_baseline_dates_in_range"),
            bounds.money_in_range("total_investment", name="project_baseline_investment_in_range"),
        ]

    def __str__(self):
        return f"{self.baseline} {self.project.code}"


class BaselineEvent(models.Model):
    """One step of a list's course — submitted, approved or returned — with who took it, when, the status before and
    after, and the note or reason given. Written only by the services (``projects.services.key_lists``)."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("annual key-project list"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from status"), max_length=20, choices=KeyListStatus, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=KeyListStatus)
    note = text_field(_("note"), blank=True)

    region_path = "baseline__region"

    class Meta:
        ordering = ["baseline", "at", "pk"]
        verbose_name = _("key-project list step")
        verbose_name_plural = _("key-project list steps")
        constraints = [bounds.texts_in_range({"note": bounds.TEXT_MAX}, name="baseline_event_texts_in_range")]

    def __str__(self):
        return f"{self.baseline} {self.get_to_status_display()}"
