"""The portfolio: plans, projects with their milestones, reports and funding, and targets; the annual key-project
lists are in ``key_lists``."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organization, PerRegionUniqueMixin, Region, per_region_unique
from common import bounds
from common.bounds import date_validators, figure_field, money_field, text_field
from common.models import ActiveManager, ArchivableModel, TimestampedModel, VersionedModel

from ..choices import (
    ChangeRequestKind,
    ChangeRequestStatus,
    DomainGroup,
    IndicatorDirection,
    InvestmentModel,
    PlanKind,
    ProjectStatus,
    ProjectTier,
    ReportStatus,
)
from ..querysets import IndicatorQuerySet, MilestoneQuerySet, ProjectQuerySet

# Each project's derived figures, kept current by ``projects.figures``.
from .figures import ProjectFigures  # noqa: F401

# The annual key-project lists are models of this app too, in a module of their own.
from .key_lists import Baseline, BaselineEvent, ProjectBaseline, deciding_region  # noqa: F401

PERIOD_REGEX = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
period_validator = RegexValidator(PERIOD_REGEX, _("Enter a month as YYYY-MM, for example 2026-03."))
period_validators = [period_validator, bounds.validate_period_range]


def period_of(day: datetime.date) -> str:
    """The ``YYYY-MM`` period a day falls in."""
    return f"{day.year:04d}-{day.month:02d}"


def validate_period_not_in_future(period: str, field: str = "period"):
    """Reports and actual values describe a month that has begun, never a later one."""
    if period and period > period_of(timezone.localdate()):
        raise ValidationError({field: _("This month has not begun yet.")})


class Domain(TimestampedModel):
    """A field of application such as 智慧交通, inside one of the plan's groups."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=DomainGroup)

    class Meta:
        ordering = ["group", "code"]
        verbose_name = _("domain")
        verbose_name_plural = _("domains")

    def __str__(self):
        return self.name


class Plan(PerRegionUniqueMixin, TimestampedModel):
    """A document that sets goals and lists projects for a span of years."""

    title = models.CharField(_("title"), max_length=200)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text=_("The region whose office keeps the plan; the regions below read it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind)
    issuer = models.CharField(_("issuer"), max_length=100, blank=True)
    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True, validators=date_validators)
    first_year = models.PositiveSmallIntegerField(_("first year"), validators=bounds.year_validators())
    last_year = models.PositiveSmallIntegerField(_("last year"), validators=bounds.year_validators())
    summary = text_field(_("summary"), blank=True)

    history = HistoricalRecords()

    # Where the plan belongs (``accounts.models.RegionScope``); the regions below read it too: it guides them.
    region_path = "region"
    readable_from_below = True

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            *per_region_unique("title", name="plan_title_unique", message=_("A plan of this title exists already.")),
            models.CheckConstraint(
                condition=Q(last_year__gte=F("first_year")),
                name="plan_years_in_order",
                violation_error_message=_("The last year cannot come before the first year."),
            ),
            bounds.year_range("first_year", "last_year", name="plan_years_in_range"),
            bounds.dates_in_range("issue_date", name="plan_dates_in_range"),
            bounds.texts_in_range({"summary": bounds.TEXT_MAX}, name="plan_texts_in_range"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plan-detail", args=[self.pk])


class Project(PerRegionUniqueMixin, ArchivableModel, VersionedModel, TimestampedModel):
    """One undertaking of the portfolio. Progress and health are derived (see ``ProjectQuerySet.with_figures``)."""

    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)
    # The owning region is always the lead unit's (``save``): it decides who writes the project and where it counts.
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    # 建设地点: a city project built in a district shows, read-only, in that district, outside its totals.
    location = models.ForeignKey(
        Region,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="located_projects",
        help_text=_("Where the project is built, when that is a region below the lead unit's."),
    )
    plans = models.ManyToManyField(Plan, verbose_name=_("plans"), blank=True, related_name="projects")
    domain = models.ForeignKey(Domain, verbose_name=_("domain"), on_delete=models.PROTECT, related_name="projects")
    tier = models.CharField(_("tier"), max_length=20, choices=ProjectTier, default=ProjectTier.GENERAL)
    lead_org = models.ForeignKey(
        Organization, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_projects"
    )
    participating_orgs = models.ManyToManyField(
        Organization, verbose_name=_("participating units"), blank=True, related_name="participating_projects"
    )
    investment_model = models.CharField(
        _("investment model"), max_length=20, choices=InvestmentModel, default=InvestmentModel.GOVERNMENT
    )
    total_investment = money_field(_("total investment (10k yuan)"))
    planned_start = models.DateField(_("planned start"), validators=date_validators)
    planned_end = models.DateField(_("planned end"), validators=date_validators)
    actual_start = models.DateField(_("actual start"), null=True, blank=True, validators=date_validators)
    actual_end = models.DateField(_("actual end"), null=True, blank=True, validators=date_validators)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.PLANNED)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent project"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = text_field(_("description"), blank=True)
    accepted_on = models.DateField(
        _("accepted on"),
        null=True,
        blank=True,
        validators=date_validators,
        help_text=_("The day of acceptance, as the office confirmed it."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown with its status and progress on the public progress page.")
    )

    # Its file (项目档案); kept while archived, purged with it.
    attachments = GenericRelation("attachments.Attachment", verbose_name=_("attachments"), related_query_name="project")

    objects = ActiveManager.from_queryset(ProjectQuerySet)()
    all_objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[plans, participating_orgs])

    class Meta:
        default_manager_name = "all_objects"
        ordering = ["code"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        constraints = [
            *per_region_unique(
                "code", name="project_code_unique", message=_("A project with this code exists already.")
            ),
            models.CheckConstraint(
                condition=Q(total_investment__gte=0),
                name="project_investment_not_negative",
                violation_error_message=_("Total investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")),
                name="project_planned_end_after_start",
                violation_error_message=_("The planned end cannot come before the planned start."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=False, actual_end__gte=F("actual_start")),
                name="project_actual_end_after_start",
                violation_error_message=_("An actual end needs an actual start on or before it."),
            ),
            bounds.money_in_range("total_investment", name="project_investment_in_range"),
            bounds.dates_in_range(
                "planned_start",
                "planned_end",
                "actual_start",
                "actual_end",
                "accepted_on",
                name="project_dates_in_range",
            ),
            bounds.texts_in_range({"description": bounds.TEXT_MAX}, name="project_texts_in_range"),
        ]
        indexes = [
            models.Index(fields=["status", "lead_org"]),
            # The filter bars' range of years (the earliest start, the latest end) and the lists by year.
            models.Index(fields=["planned_start"], name="project_planned_start_idx"),
            models.Index(fields=["planned_end"], name="project_planned_end_idx"),
            # The start page's and the navigation's count of key projects under way, on every page a leader opens.
            models.Index(
                fields=["tier", "status", "region"],
                condition=Q(archived_at__isnull=True, parent__isnull=True),
                name="project_key_count_idx",
            ),
        ]
        permissions = [("confirm_project", _("Can confirm projects' completion, acceptance and plan changes"))]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.pk])

    region_path = "region"
    location_path = "location"

    @property
    def owner_organization_id(self):
        return self.lead_org_id

    @property
    def owning_region_id(self):
        """The lead unit's region, also before a save has copied it (``accounts.models.RegionScope``)."""
        return self.lead_org.region_id if self.lead_org_id else self.region_id

    def clean(self):
        if self.parent_id and self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A project cannot be its own parent.")})
        self.region_id = self.owning_region_id  # the code is unique within the region the save will record
        if self.location_id is not None and (
            self.region_id is None
            or self.location_id == self.region_id
            or not Region.objects.within(self.region_id).filter(pk=self.location_id).exists()
        ):
            raise ValidationError({"location": _("The location is a region below the lead unit's region.")})

    def save(self, *args, **kwargs):
        if self.lead_org_id is not None:
            self.region_id = Organization.all_objects.filter(pk=self.lead_org_id).values_list("region", flat=True).get()
            if "update_fields" in kwargs and kwargs["update_fields"] is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "region"}
        super().save(*args, **kwargs)


class ProjectChangeRequest(TimestampedModel):
    """A unit's request that the office confirm a project's completion (竣工), acceptance (验收) or a change of its plan
    (调整申请). Until confirmed, the project keeps its confirmed plan: health, 序时进度 and the scorecard read that.

    ``changes`` holds a plan change as proposed: ``{"project": {field: {"from": …, "to": …}}, "milestones": [{"action":
    "add"|"change"|"delete", "id": …, "name": …, "from": {…}, "to": {…}}]}`` (values as JSON: dates ISO, money as
    text, units and projects by id).
    """

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="change_requests"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeRequestKind)
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeRequestStatus, default=ChangeRequestStatus.PENDING
    )
    effective_on = models.DateField(
        _("date"),
        null=True,
        blank=True,
        validators=date_validators,
        help_text=_("The day the project was completed or accepted."),
    )
    reason = text_field(_("reason"), blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = text_field(_("decision note"), blank=True)

    history = HistoricalRecords()

    region_path = "project__region"

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("project change request")
        verbose_name_plural = _("project change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind"],
                condition=Q(status=ChangeRequestStatus.PENDING),
                name="change_request_one_pending_per_kind",
                violation_error_message=_("This project already has a request of this kind awaiting confirmation."),
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[ChangeRequestKind.COMPLETION, ChangeRequestKind.ACCEPTANCE])
                | Q(effective_on__isnull=False),
                name="change_request_completion_has_date",
                violation_error_message=_("Give the date of completion or acceptance."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeRequestStatus.RETURNED) | ~Q(decision_note=""),
                name="change_request_returned_has_reason",
                violation_error_message=_("A returned request needs a reason."),
            ),
            bounds.dates_in_range("effective_on", name="change_request_dates_in_range"),
            bounds.texts_in_range(
                {"reason": bounds.TEXT_MAX, "decision_note": bounds.TEXT_MAX}, name="change_request_texts_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.project_id]) + "#requests"

    @property
    def owner_organization_id(self):
        return self.project.lead_org_id if self.project_id else None


class Milestone(TimestampedModel):
    """A dated checkpoint with a weight; late when its planned date has passed with no actual date."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("name"), max_length=100)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    planned_date = models.DateField(_("planned date"), validators=date_validators)
    actual_date = models.DateField(_("actual date"), null=True, blank=True, validators=date_validators)
    note = models.CharField(_("note"), max_length=200, blank=True)

    attachments = GenericRelation(
        "attachments.Attachment", verbose_name=_("attachments"), related_query_name="milestone"
    )

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    region_path = "project__region"

    class Meta:
        ordering = ["project", "planned_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="milestone_unique_name_per_project",
                violation_error_message=_("This project already has a milestone with this name."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100),
                name="milestone_weight_range",
                violation_error_message=_("Weight must be between 1 and 100."),
            ),
            bounds.dates_in_range("planned_date", "actual_date", name="milestone_dates_in_range"),
        ]
        indexes = [
            models.Index(fields=["project", "planned_date"]),
            # The milestone list's default order (projects.views.MilestoneListView).
            models.Index(fields=["planned_date", "project", "id"], name="milestone_list_idx"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.name}"

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.project_id])

    @property
    def owner_organization_id(self):
        return self.project.lead_org_id if self.project_id else None


class ProgressReport(VersionedModel, TimestampedModel):
    """A unit's monthly report on one project; counts once the office approves it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    period = models.CharField(_("period"), max_length=7, validators=period_validators, help_text=_("YYYY-MM"))
    progress = models.DecimalField(
        _("progress (%)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    investment_completed = money_field(_("investment completed in period (10k yuan)"))
    summary = text_field(_("progress this period"))
    problems = text_field(_("problems"), blank=True)
    next_steps = text_field(_("next steps"), blank=True)
    decline_reason = text_field(
        _("reason for lower progress"),
        blank=True,
        help_text=_("Required when the progress is lower than the last approved figure."),
    )
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus, default=ReportStatus.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = text_field(_("review comment"), blank=True)
    # Site photos (现场照片) and documents: the evidence of the period's 形象进度.
    attachments = GenericRelation(
        "attachments.Attachment", verbose_name=_("attachments"), related_query_name="progress_report"
    )

    history = HistoricalRecords()

    region_path = "project__region"

    class Meta:
        ordering = ["-period", "project"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        permissions = [("review_progressreport", _("Can approve or return progress reports"))]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period"],
                name="report_unique_period_per_project",
                violation_error_message=_("This project already has a report for this period."),
            ),
            models.CheckConstraint(
                condition=Q(progress__gte=0, progress__lte=100),
                name="report_progress_range",
                violation_error_message=_("Progress must be between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(investment_completed__gte=0),
                name="report_investment_not_negative",
                violation_error_message=_("Investment completed cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_REGEX),
                name="report_period_format",
                violation_error_message=_("Enter a month as YYYY-MM, for example 2026-03."),
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RETURNED) | ~Q(review_comment=""),
                name="report_returned_has_reason",
                violation_error_message=_("A returned report needs a reason."),
            ),
            bounds.period_range("period", name="report_period_in_range"),
            bounds.money_in_range("investment_completed", name="report_investment_in_range"),
            bounds.texts_in_range(
                dict.fromkeys(
                    ("summary", "problems", "next_steps", "decline_reason", "review_comment"), bounds.TEXT_MAX
                ),
                name="report_texts_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "status", "period"]),
            # The dashboard's sums read these instead of the rows (which carry the long texts): approved progress
            # and investment by period, reports filed per project and period.
            models.Index(fields=["status", "period", "progress", "investment_completed"], name="report_sums_idx"),
            models.Index(fields=["project", "period", "submitted_at"], name="report_filed_idx"),
            # The report list's default order (projects.views.ProgressReportListView).
            models.Index(fields=["-period", "project", "id"], name="report_list_idx"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.period}"

    def clean(self):
        validate_period_not_in_future(self.period)

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.project_id])

    @property
    def owner_organization_id(self):
        return self.project.lead_org_id if self.project_id else None


class ProgressReportEvent(models.Model):
    """One step of a report's review — filed, revised, approved or returned — with who took it, when, the status
    before and after, and the comment or reason given. Written only by the services (``projects.services``)."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    from_status = models.CharField(_("from status"), max_length=20, choices=ReportStatus, blank=True)
    to_status = models.CharField(_("to status"), max_length=20, choices=ReportStatus)
    note = text_field(_("note"), blank=True)

    region_path = "report__project__region"

    class Meta:
        ordering = ["report", "at", "pk"]
        verbose_name = _("report review step")
        verbose_name_plural = _("report review steps")
        constraints = [bounds.texts_in_range({"note": bounds.TEXT_MAX}, name="report_event_texts_in_range")]

    def __str__(self):
        return f"{self.report} {self.get_to_status_display()}"


class MilestoneCompletion(models.Model):
    """A milestone a monthly report says was reached, and when; the milestone's actual date is set when the office
    approves the report, never by the unit directly."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("progress report"), on_delete=models.CASCADE, related_name="completions"
    )
    milestone = models.ForeignKey(
        "Milestone", verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="reported_completions"
    )
    actual_date = models.DateField(_("actual date"), validators=date_validators)

    region_path = "report__project__region"

    class Meta:
        ordering = ["report", "milestone__planned_date"]
        verbose_name = _("reported milestone")
        verbose_name_plural = _("reported milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "milestone"],
                name="milestone_completion_once_per_report",
                violation_error_message=_("This report already names this milestone."),
            ),
            bounds.dates_in_range("actual_date", name="milestone_completion_dates_in_range"),
        ]

    def __str__(self):
        return f"{self.report} {self.milestone.name} {self.actual_date}"


class FundingSource(TimestampedModel):
    """Where money comes from; government money or social capital."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    is_government = models.BooleanField(_("government funds"), default=True)

    class Meta:
        ordering = ["-is_government", "code"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self):
        return self.name


class Funding(TimestampedModel):
    """A project's money from one source in one year: planned, allocated (下达) and disbursed (到位)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="fundings")
    source = models.ForeignKey(
        FundingSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="fundings"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=bounds.year_validators(2000))
    planned = money_field(_("planned (10k yuan)"))
    allocated = money_field(_("allocated (10k yuan)"))
    disbursed = money_field(_("disbursed (10k yuan)"))

    history = HistoricalRecords()

    region_path = "project__region"

    class Meta:
        ordering = ["project", "year", "source"]
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "source", "year"],
                name="funding_unique_source_year",
                violation_error_message=_("This project already has funding from this source for this year."),
            ),
            models.CheckConstraint(
                condition=Q(planned__gte=0, allocated__gte=0, disbursed__gte=0),
                name="funding_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="funding_year_range",
                violation_error_message=_("Year must be between 2000 and 2100."),
            ),
            bounds.money_in_range("planned", "allocated", "disbursed", name="funding_amounts_in_range"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.year} {self.source}"

    def get_absolute_url(self):
        return reverse("project-detail", args=[self.project_id])

    @property
    def owner_organization_id(self):
        return self.project.lead_org_id if self.project_id else None


class Indicator(TimestampedModel):
    """A measurable target of a plan with its baseline, owned by a responsible unit."""

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="indicators")
    goal = models.CharField(_("goal"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit of measure"), max_length=30, blank=True)
    baseline = figure_field(_("baseline"), null=True, blank=True)
    target = figure_field(_("target"))
    direction = models.CharField(
        _("direction"), max_length=10, choices=IndicatorDirection, default=IndicatorDirection.HIGHER_IS_BETTER
    )
    responsible_org = models.ForeignKey(
        Organization, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="indicators"
    )
    cooperating_orgs = models.ManyToManyField(
        Organization, verbose_name=_("cooperating units"), blank=True, related_name="cooperating_indicators"
    )
    projects = models.ManyToManyField(Project, verbose_name=_("projects"), blank=True, related_name="indicators")
    deadline = models.DateField(_("deadline"), null=True, blank=True, validators=date_validators)

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[cooperating_orgs, projects])

    region_path = "plan__region"

    class Meta:
        ordering = ["plan", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="indicator_unique_name_per_plan",
                violation_error_message=_("This plan already has an indicator with this name."),
            ),
            bounds.figures_in_range("baseline", "target", name="indicator_figures_in_range"),
            bounds.dates_in_range("deadline", name="indicator_dates_in_range"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("indicator-detail", args=[self.pk])

    @property
    def owner_organization_id(self):
        return self.responsible_org_id


class IndicatorValue(TimestampedModel):
    """An actual figure of an indicator as of a month."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    period = models.CharField(_("period"), max_length=7, validators=period_validators, help_text=_("YYYY-MM"))
    value = figure_field(_("value"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    region_path = "indicator__plan__region"

    class Meta:
        ordering = ["indicator", "-period"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period"],
                name="indicator_value_unique_period",
                violation_error_message=_("This indicator already has a value for this period."),
            ),
            models.CheckConstraint(
                condition=Q(period__regex=PERIOD_REGEX),
                name="indicator_value_period_format",
                violation_error_message=_("Enter a month as YYYY-MM, for example 2026-03."),
            ),
            bounds.period_range("period", name="indicator_value_period_in_range"),
            bounds.figures_in_range("value", name="indicator_value_in_range"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.period}"

    def clean(self):
        validate_period_not_in_future(self.period)

    def get_absolute_url(self):
        return reverse("indicator-detail", args=[self.indicator_id])

    @property
    def owner_organization_id(self):
        return self.indicator.responsible_org_id if self.indicator_id else None
