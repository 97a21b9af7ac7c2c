"""Each project's derived figures as the database last computed them (``projects.figures``), so that lists, totals,
the dashboard and exports read a row per project instead of computing every project's milestones and reports again."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Health


class ProjectFigures(models.Model):
    """The figures of ``ProjectQuerySet.with_figures`` for one project, as of ``as_of``. Written only by
    ``projects.figures.refresh_figures``: on every write to what they are computed from, and daily for the date."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("project"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="figures",
    )
    as_of = models.DateField(_("as of"))
    progress = models.FloatField(_("progress (%)"))
    planned_progress = models.FloatField(_("planned progress (%)"))
    progress_lag = models.FloatField(_("lag behind plan (points)"))
    late_milestones = models.FloatField(_("late milestones"))
    days_late = models.FloatField(_("days late"))
    health = models.CharField(_("health"), max_length=10, choices=Health)

    region_path = "project__region"

    class Meta:
        verbose_name = _("project figures")
        verbose_name_plural = _("project figures")

    def __str__(self):
        return f"{self.project_id} @ {self.as_of}"
