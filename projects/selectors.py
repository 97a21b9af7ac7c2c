"""Reads of the portfolio that several pages share; figures come from the database in a fixed number of queries."""

import calendar
import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, F, Prefetch, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, Region
from attachments import selectors as attachment_selectors
from attachments.choices import PROJECT_DOCUMENT_KINDS, AttachmentKind
from attachments.models import Attachment
from attachments.selectors import attachments_of
from common.bounds import money_sum
from common.db import choice_rank
from common.text import shortened_list

from .attachments import report_month
from .choices import (
    ChangeRequestKind,
    ChangeRequestStatus,
    Health,
    KeyListStatus,
    ProjectStatus,
    ProjectTier,
    ReportStatus,
)
from .models import Baseline, Milestone, ProgressReport, Project, ProjectChangeRequest, period_of
from .querysets import grouped_by_health, must_report, planned_progress

CENT = Decimal("0.01")

# The home page shows a liaison the milestones falling due within this many days.
MILESTONE_HORIZON_DAYS = 30
# The tiers a leader follows on the start page: 重点推进工程, 试点推进工程 and the national pilot tasks.
KEY_TIERS = [ProjectTier.KEY, ProjectTier.PILOT, ProjectTier.NATIONAL_PILOT]


def project_page_queryset():
    """Projects as their page shows them, archived ones too: with their derived figures and slippage. The dossier's
    figures are read the same way, so that they agree with the page."""
    return (
        Project.all_objects.with_figures()
        .with_slippage()
        .select_related("lead_org", "domain", "parent")
        .prefetch_related("plans", "participating_orgs")
    )


def portfolio_summary(*, projects=None) -> dict:
    """Headline figures of a set of projects (all of them by default): counts by status and health, investment.

    Only top-level projects count (the phase rule, ``ProjectQuerySet.top_level``); ``phases`` says how many phases
    the set also holds. One query, grouped by status and health (``grouped_by_health``: each project's figures
    computed once)."""
    projects = projects if projects is not None else Project.objects.all()
    if "health" not in projects.query.annotations:
        projects = projects.with_stored_figures()
    figures = projects.order_by().values(
        "status",
        "total_investment",
        "progress",
        "planned_progress",
        "days_late",
        phase=Case(When(parent__isnull=False, then=Value(1)), default=Value(0)),
    )
    groups = grouped_by_health(figures, ("status", "health", "phase"), ("COUNT(*)", "SUM(total_investment)"))
    by_status, by_health = Counter(), Counter()
    investment = Decimal(0)
    phases = 0
    for status, health, phase, count, amount in groups:
        if phase:
            phases += count
            continue
        by_status[status] += count
        by_health[health] += count
        # SQLite sums decimals as floats: back to the field's cents.
        investment += Decimal(str(amount or 0)).quantize(CENT)
    return {
        "total": by_status.total(),
        "phases": phases,
        "investment": investment,
        "by_status": [(ProjectStatus(s), by_status[s]) for s in ProjectStatus.values],
        "by_health": [(Health(h), by_health[h]) for h in Health.values],
    }


def attach_phases(projects, parents, *, phases=None) -> int:
    """Give each of ``projects`` (a page of a list) its phases (of ``phases``: every active one by default) with their
    figures, as ``phase_rows``; return how many such phases all of ``parents`` (the list's whole filtered set) have,
    for the note under its totals."""
    projects = list(projects)
    phases = phases if phases is not None else Project.objects.all()
    listed = (
        phases.filter(parent__in=[project.pk for project in projects])
        .with_stored_figures()
        .with_slippage()
        .select_related("lead_org", "domain")
        .order_by("code")
    )
    by_parent = {}
    for phase in listed:
        by_parent.setdefault(phase.parent_id, []).append(phase)
    for project in projects:
        project.phase_rows = by_parent.get(project.pk, [])
    # Few projects are phases: asked for a parent, the database reads them from the index on it instead of scanning
    # every project (66 ms → 0.1 ms for a city's 9,893 projects of 100,000).
    return phases.filter(parent__isnull=False, parent__in=parents.values("pk")).count()


def parent_projects(*, chosen: int | None = None):
    """The projects that have sub-projects (those a parent filter can find anything under), and ``chosen``."""
    offered = Q(pk__in=Project.all_objects.filter(parent__isnull=False).values("parent_id"))
    if chosen:
        offered |= Q(pk=chosen)
    return Project.objects.filter(offered)


def projects_needing_attention(user, *, limit: int = 20):
    """Red before yellow ("red" sorts first), the furthest behind first, of the user's regions."""
    return (
        user.scope(Project.objects.top_level(), located=False)
        .with_stored_figures()
        .filter(health__in=[Health.RED, Health.YELLOW])
        .select_related("lead_org", "domain")
        .order_by("health", "-progress_lag", "code")[:limit]
    )


def current_period(today: datetime.date | None = None) -> str:
    return period_of(today or timezone.localdate())


def own_change_requests(user, *, limit: int = 10) -> list:
    """A liaison's change requests on the unit's projects: pending, or returned within the last 30 days."""
    now = timezone.now()
    return list(
        ProjectChangeRequest.objects.filter(project__lead_org_id=user.organization_id)
        .filter(
            Q(status=ChangeRequestStatus.PENDING)
            | Q(status=ChangeRequestStatus.RETURNED, decided_at__gte=now - datetime.timedelta(days=30))
        )
        .select_related("project")
        .order_by("-requested_at")[:limit]
    )


# The to-do lists of the start page (``projects.todo``): each the whole list, unevaluated; the lists they link to
# select the same rows.


def unit_missing_reports(unit_id: int, period: str):
    """The unit's projects that must report for ``period`` and have no report in any state."""
    return Project.objects.filter(lead_org_id=unit_id).without_report(period).select_related("domain").order_by("code")


def unit_returned_reports(unit_id: int):
    return (
        ProgressReport.objects.filter(project__lead_org_id=unit_id, status=ReportStatus.RETURNED)
        .filter(project__archived_at__isnull=True)
        .select_related("project", "reviewer")
        .order_by("-period", "project__code")
    )


def unit_milestones_due(unit_id: int, today: datetime.date):
    """The unit's open milestones of projects still watched, late or planned within ``MILESTONE_HORIZON_DAYS``."""
    return (
        Milestone.objects.with_lateness(today)
        .filter(project__lead_org_id=unit_id, project__archived_at__isnull=True, actual_date__isnull=True)
        .exclude(project__status__in=ProjectStatus.closed())
        .filter(planned_date__lte=milestone_horizon(today))
        .select_related("project")
        .order_by("planned_date", "project__code")
    )


def milestone_horizon(today: datetime.date) -> datetime.date:
    return today + datetime.timedelta(days=MILESTONE_HORIZON_DAYS)


def reports_to_review(user):
    """The own region's submitted reports (each office reviews its own), oldest first: the review queue's rows."""
    waiting = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, project__archived_at__isnull=True)
    return (
        user.scope(waiting, "change")
        .select_related("project", "project__lead_org", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def requests_to_confirm(user):
    return (
        user.scope(ProjectChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING), "change")
        .filter(project__archived_at__isnull=True)
        .select_related("project", "project__lead_org")
        .order_by("requested_at", "pk")
    )


def red_projects(user, today: datetime.date):
    """The red projects the project list shows for ``?health=red``, the longest late first."""
    return (
        user.scope(Project.objects.top_level())
        .with_stored_figures(today)
        .filter(health=Health.RED)
        .select_related("lead_org")
        .order_by("-days_late", "code")
    )


def late_milestones(user, today: datetime.date):
    return (
        user.scope(Milestone.objects.late(today))
        .filter(project__archived_at__isnull=True)
        .select_related("project", "project__lead_org")
        .order_by("planned_date", "pk")
    )


def key_projects(user, today: datetime.date):
    """The key, pilot and national pilot projects under way, red first, then the furthest behind."""
    return (
        user.scope(Project.objects.top_level())
        .filter(tier__in=KEY_TIERS, status__in=ProjectStatus.reporting())
        .with_stored_figures(today)
        .select_related("lead_org")
        .order_by(choice_rank("health", [Health.RED, Health.YELLOW, Health.GREEN]), "-progress_lag", "code")
    )


def funding_table(project) -> dict:
    """The project's funding rows with a subtotal per year and a grand total, summed by the database."""
    fundings = project.fundings.select_related("source").order_by("year", "source")
    amounts = {
        "planned": money_sum("planned"),
        "allocated": money_sum("allocated"),
        "disbursed": money_sum("disbursed"),
    }
    by_year = {row["year"]: row for row in fundings.order_by().values("year").annotate(**amounts)}
    return {
        "rows": list(fundings),
        "by_year": by_year,
        "total": fundings.aggregate(**amounts),
        "government": fundings.filter(source__is_government=True).aggregate(**amounts),
    }


@dataclass(frozen=True)
class ProjectDocuments:
    """A project's file (项目档案): its documents by kind in the order of the project's life, then by date; and the
    standard kinds it has no document of yet."""

    documents: list
    missing: list[AttachmentKind]

    @property
    def lacks_acceptance_report(self) -> bool:
        return AttachmentKind.ACCEPTANCE in self.missing

    @property
    def missing_text(self) -> str:
        return shortened_list((kind.label for kind in self.missing), limit=len(self.missing))


def project_documents(project) -> ProjectDocuments:
    """One query: the documents, kind by kind (``PROJECT_DOCUMENT_KINDS``), each kind's by date (undated last)."""
    documents = list(
        attachments_of(project)
        .alias(kind_rank=choice_rank("kind", list(PROJECT_DOCUMENT_KINDS)))
        .order_by("kind_rank", F("issued_on").asc(nulls_last=True), "uploaded_at", "pk")
    )
    present = {document.kind for document in documents}
    missing = [kind for kind in PROJECT_DOCUMENT_KINDS if kind != AttachmentKind.OTHER and kind not in present]
    return ProjectDocuments(documents=documents, missing=missing)


def progress_series(project) -> dict:
    """Approved progress by period, beside the planned progress at the end of each of those months, by the same rule
    as ``with_figures`` (one query for the reports, one for all the planned figures)."""
    reports = list(
        project.progress_reports.filter(status=ReportStatus.APPROVED)
        .order_by("period")
        .values_list("period", "progress")
    )
    if not reports:
        return {"periods": [], "actual": [], "planned": []}
    planned = Project.all_objects.filter(pk=project.pk).values_list(
        *[planned_progress(_month_end(period)) for period, _progress in reports]
    )
    return {
        "periods": [period for period, _progress in reports],
        "actual": [float(progress) for _period, progress in reports],
        "planned": [round(value, 1) for value in planned.get()],
    }


def reporting_projects(unit, period: str):
    """The unit's projects on the reporting page for ``period``: those that must report, plus any that already have a
    report for it, each with that report (if any, its files in ``files``: see ``with_evidence``) in
    ``period_reports`` and its open milestones in ``open_milestones``."""
    reports = (
        ProgressReport.objects.filter(period=period, project__lead_org=unit)
        .select_related("reviewer")
        .prefetch_related("completions", report_files())
    )
    return (
        Project.objects.with_figures()
        .filter(lead_org=unit)
        .filter(must_report() | Q(pk__in=reports.values("project_id")))
        .prefetch_related(
            Prefetch("progress_reports", reports, to_attr="period_reports"),
            Prefetch(
                "milestones",
                Milestone.objects.filter(actual_date__isnull=True).order_by("planned_date", "pk"),
                to_attr="open_milestones",
            ),
        )
        .order_by("code")
    )


def report_files(queryset=None) -> Prefetch:
    """A report's files for a page that shows them (``with_evidence`` then flags them), into ``files``."""
    queryset = queryset if queryset is not None else Attachment.objects.all()
    return Prefetch("attachments", queryset.select_related("reused_from"), to_attr="files")


def with_evidence(reports) -> list[ProgressReport]:
    """Gives each of ``reports`` (``report_files()`` prefetched) its ``photos`` and ``documents``, each photo flagged as
    the reviewer reads it: ``stale`` when taken long before the report's month (``Attachment.taken_long_before``) and
    ``reuse_source``, where the earlier copy of a reused photo is kept. One query for the sources of every reused
    photo shown, however many reports."""
    reports = list(reports)
    sources = attachment_selectors.reuse_sources(attachment for report in reports for attachment in report.files)
    for report in reports:
        start = report_month(report)
        report.photos, report.documents = [], []
        for attachment in report.files:
            if attachment.kind != AttachmentKind.PHOTO:
                report.documents.append(attachment)
                continue
            attachment.stale = attachment.taken_long_before(start)
            attachment.reuse_source = sources.get(attachment.pk, "")
            report.photos.append(attachment)
    return reports


def photo_timeline(project) -> list[ProgressReport]:
    """The project page's photo timeline: its reports that carry site photos, newest month first, each with its
    flagged ``photos`` (``with_evidence``). Three queries however many months and photos: the reports, their photos,
    the sources of the reused ones."""
    reports = (
        project.progress_reports.filter(attachments__kind=AttachmentKind.PHOTO)
        .distinct()
        .only("pk", "project_id", "period", "status")
        .order_by("-period")
        .prefetch_related(report_files(Attachment.objects.photos()))
    )
    return with_evidence(reports)


def reporting_units():
    """Units that lead at least one project that must report."""
    return Organization.objects.filter(pk__in=Project.objects.reporting().values("lead_org_id"))


def _month_end(period: str) -> datetime.date:
    year, month = map(int, period.split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def plausibility_messages(project) -> list[str]:
    """What looks wrong in a project's figures, flagged rather than refused where rows arrive one by one (the API, an
    import): milestone weights that do not add up to 100, phases whose investment adds up to more than the project's,
    a year's planned funding above the total investment. ``project`` is annotated by ``with_plausibility``."""
    found = []
    weights = project.milestone_weight_total
    if weights is not None and int(weights) != 100:
        found.append(_("The milestones' weights add up to %(total)s, not 100.") % {"total": int(weights)})
    for amount, message in (
        (
            project.phases_investment,
            _("The phases' investment adds up to %(amount)s (10k yuan), more than the project's %(total)s."),
        ),
        (
            project.largest_year_funding,
            _("One year's planned funding, %(amount)s (10k yuan), is more than the total investment of %(total)s."),
        ),
    ):
        if amount is not None and Decimal(str(amount)).quantize(CENT) > project.total_investment:
            found.append(message % {"amount": Decimal(str(amount)).quantize(CENT), "total": project.total_investment})
    return found


def plausibility_warnings(project) -> list[str]:
    """``plausibility_messages`` of a project and, for a phase, of its parent (whose phases it adds up with)."""
    pks = [project.pk, project.parent_id] if project.parent_id else [project.pk]
    checked = Project.all_objects.filter(pk__in=pks).with_plausibility().in_bulk()
    found = plausibility_messages(checked[project.pk])
    if project.parent_id and project.parent_id in checked:
        parent = checked[project.parent_id]
        found += [f"{parent.code} {parent.name}：{message}" for message in plausibility_messages(parent)]
    return found


def change_request_lines(request) -> list[tuple[str, str, str]]:
    """A request's proposed changes as (what, before, after) lines a reader understands: units and projects by name,
    choices by label."""

    def shown(model, name, value):
        if value in (None, ""):
            return "—"
        model_field = model._meta.get_field(name)
        if model_field.is_relation:
            related = model_field.related_model._default_manager.filter(pk=value).first()
            return str(related) if related else str(value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        return str(value)

    lines = []
    if request.kind != ChangeRequestKind.PLAN_CHANGE:
        label = _("Completed on") if request.kind == ChangeRequestKind.COMPLETION else _("Accepted on")
        lines.append((label, "—", request.effective_on.isoformat() if request.effective_on else "—"))
    for name, change in request.changes.get("project", {}).items():
        verbose = str(Project._meta.get_field(name).verbose_name)
        lines.append((verbose, shown(Project, name, change["from"]), shown(Project, name, change["to"])))
    if "actual_start" in request.changes:
        lines.append((str(Project._meta.get_field("actual_start").verbose_name), "—", request.changes["actual_start"]))
    for operation in request.changes.get("milestones", []):
        name = operation["name"]
        if operation["action"] == "delete":
            lines.append((_("Milestone “%(name)s”") % {"name": name}, _("kept"), _("deleted")))
            continue
        for field, value in operation["to"].items():
            verbose = str(Milestone._meta.get_field(field).verbose_name)
            before = shown(Milestone, field, operation["from"].get(field)) if operation["action"] == "change" else "—"
            subject = _("Milestone “%(name)s”") % {"name": name}
            if operation["action"] == "add":
                subject = _("New milestone “%(name)s”") % {"name": name}
            lines.append((f"{subject} {verbose}", before, shown(Milestone, field, value)))
    return lines


def phase_investment_flags(rows: dict) -> list[str]:
    """For an import: the projects whose phases' investment would add up to more than their own, counting the file's
    rows over what is stored. ``rows`` maps each project row of the file (by code) to (pk or None, parent id or None,
    total investment)."""
    in_file = {pk: (parent, total) for pk, parent, total in rows.values() if pk}
    parents = {parent for _pk, parent, _total in rows.values() if parent} | set(in_file)
    if not parents:
        return []
    stored = Project.objects.filter(Q(parent__in=parents) | Q(pk__in=parents))
    values = {pk: (parent, total) for pk, parent, total in stored.values_list("pk", "parent_id", "total_investment")}
    values.update(in_file)
    phases = [(parent, total) for parent, total in values.values() if parent]
    phases += [(parent, total) for pk, parent, total in rows.values() if not pk and parent]
    flags = []
    names = dict(stored.filter(pk__in=parents).values_list("pk", "code"))
    for parent in sorted(parents):
        summed = sum((total or 0 for owner, total in phases if owner == parent), Decimal(0))
        own = values.get(parent, (None, None))[1]
        if own is not None and summed > own:
            flags.append(
                _("%(project)s: its phases' investment adds up to %(amount)s (10k yuan), more than its own %(total)s.")
                % {"project": names.get(parent, parent), "amount": summed, "total": own}
            )
    return flags


@dataclass(frozen=True)
class KeyListState:
    """A region below and its key-project list for the year (None: not submitted)."""

    region: Region
    baseline: Baseline | None

    @property
    def status(self) -> KeyListStatus | None:
        return KeyListStatus(self.baseline.status) if self.baseline else None

    @property
    def outstanding(self) -> bool:
        """Not submitted, or returned: the office above chases these."""
        return self.baseline is None or self.baseline.status == KeyListStatus.RETURNED


@dataclass(frozen=True)
class KeyListsBelow:
    region: Region
    year: int
    rows: list[KeyListState]

    @property
    def outstanding(self) -> int:
        return sum(row.outstanding for row in self.rows)


# The order the panel lists them in: what the office above must chase first.
KEY_LIST_ATTENTION = [None, KeyListStatus.RETURNED, KeyListStatus.SUBMITTED, KeyListStatus.APPROVED]


def key_list_status_below(region: Region | None, year: int) -> KeyListsBelow | None:
    """For each region directly below ``region`` that has a smart-city office (those that submit their list to
    ``region``'s): its list for ``year`` — not submitted, awaiting approval, returned (with the reason) or approved.
    Not submitted and returned first. None for no region (a deployment without regions). Two queries."""
    if region is None:
        return None
    below = list(Region.objects.filter(parent=region, office__isnull=False).select_related("office"))
    lists = Baseline.objects.filter(region__in=below, year=year).select_related("submitted_by", "decided_by")
    by_region = {baseline.region_id: baseline for baseline in lists}
    rows = [KeyListState(region=child, baseline=by_region.get(child.pk)) for child in below]
    rows.sort(key=lambda row: (KEY_LIST_ATTENTION.index(row.status), row.region.code, row.region.name))
    return KeyListsBelow(region=region, year=year, rows=rows)


def early_warnings(project: Project, today: datetime.date | None = None) -> list[str]:
    """预警: why a project needs watching, from the rules that colour it (``project`` with ``with_figures``) and the
    month's report missing after its due working day; empty when every cause has cleared. Closed projects have none."""
    if project.status in ProjectStatus.closed():
        return []
    rules = settings.PORTFOLIO
    reasons = []
    lag = project.progress_lag or 0
    if lag > rules["YELLOW_LAG"]:
        reasons.append(_("Progress lags the plan by %(points).1f points.") % {"points": lag})
    if project.late_milestones:
        reasons.append(
            _("%(count)d milestones late, the longest by %(days)d days.")
            % {"count": project.late_milestones, "days": project.days_late or 0}
        )
    # The reminders read this module's worklists; their due-day rule is imported when a page asks.
    from .reminders import report_due_date

    today = today or timezone.localdate()
    period = f"{today:%Y-%m}"
    if (
        project.status in ProjectStatus.reporting()
        and project.parent_id is None
        and today > report_due_date(today)
        and not project.progress_reports.filter(period=period).exists()
    ):
        reasons.append(
            _("No progress report for %(period)s, due %(date)s.")
            % {"period": period, "date": report_due_date(today).isoformat()}
        )
    return reasons
