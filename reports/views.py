"""Leaders' pages: the dashboard, its one-page printable summary, and the public progress page."""

from collections.abc import Callable
from typing import BinaryIO

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import TemplateView, View

from accounts.models import Region
from common.db import lift_statement_timeout
from common.views import ObjectPermissionMixin, parse_pk
from common.xlsx import xlsx_response
from jobs.services import export_is_large
from jobs.views import start_export_job
from projects.choices import InvestmentModel, ProjectStatus
from projects.models import Indicator, Plan, Project
from projects.selectors import attach_phases, key_list_status_below
from proposals.models import Proposal, Session
from proposals.selectors import ProposalStatistics, cppcc_name, latest_sessions_by_cppcc, proposal_statistics

from . import charts, exports, forms, selectors
from .dashboard import DashboardFigures


class DashboardView(ObjectPermissionMixin, TemplateView):
    """领导驾驶舱: the portfolio, the money, the targets and the proposals of the chosen scope on one page. Every
    figure links to the list behind it. Every role may read it: transparency between departments is the point."""

    model = Project
    template_name = "reports/dashboard.html"
    # After a write, the page may show the figures last computed, dated, while a job brings them up to date.
    stale_allowed = True

    def get_figures(self) -> dict:
        dashboard = DashboardFigures(self.request.user, self.request.GET)
        form, params, scope = dashboard.form, dashboard.params, dashboard.scope
        figures = dashboard.cached(stale_allowed=self.stale_allowed)
        scorecard, sort = selectors.sorted_scorecard(figures["scorecard"], self.request.GET.get("sort", ""))
        scorecard, figures["proposals"] = selectors.linked_for_reader(
            self.request.user, scorecard, figures["proposals"]
        )
        # Where the lists of the regions below stand: read live, not cached with the figures.
        region = Region.objects.filter(pk=params.get("region")).first() if params.get("region") else None
        key_lists = key_list_status_below(region, params.get("year") or scope.today.year)
        return {**figures, "form": form, "scope": scope, "scorecard": scorecard, "sort": sort, "key_lists": key_lists}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = self.get_figures()
        context.update(figures)
        context["charts"] = self.get_charts(figures)
        context["sort_urls"] = self.sort_urls(figures["sort"])
        return context

    def get_charts(self, figures: dict) -> dict:
        money, proposals = figures["money"], figures["proposals"]
        found = {
            "status-by-domain": charts.status_by_domain(figures["domains"]),
            "progress-by-domain": charts.progress_by_domain(figures["domains"]),
            "health-by-unit": charts.health_by_unit(list(figures["units"].values())),
            "progress-trend": charts.progress_trend(figures["trend"]),
            "funding-by-year": charts.funding_by_year(money["by_year"]),
            "funding-sources": charts.funding_sources(money["sources"]),
            "investment-by-model": charts.investment_by_model(money["by_model"], dict(InvestmentModel.choices)),
            "completed-vs-plan": charts.completed_vs_plan(money["completed"]),
            "target-attainment": charts.target_attainment(figures["targets"]["rows"]),
        }
        if proposals:
            found.update(
                {
                    "proposals-by-status": charts.proposals_by_status(proposals["by_status"]),
                    "replies-by-unit": charts.replies_by_unit(proposals["per_unit"]),
                    "result-classes": charts.result_classes(proposals["classes"]),
                    "satisfaction": charts.satisfaction(proposals["satisfaction"]),
                }
            )
        return found

    def sort_urls(self, sort: str) -> dict:
        """Each scorecard column's header link: sorts by it, descending first, ascending on a second click."""
        urls = {}
        for column in selectors.SCORECARD_COLUMNS:
            query = self.request.GET.copy()
            query["sort"] = column if sort == f"-{column}" else f"-{column}"
            urls[column] = f"?{query.urlencode()}#scorecard"
        return urls


class SummaryView(DashboardView):
    """The dashboard's headline figures and tables on one printed page, for the leaders' meeting."""

    template_name = "reports/summary.html"
    # Printed and handed up: always the current figures.
    stale_allowed = False

    def get_charts(self, figures: dict) -> dict:
        return {}


PUBLIC_SESSIONS = 5


def public_session_row(session: Session, statistics: ProposalStatistics) -> dict:
    """A session's line on the public page: proposals received, filed, being handled, answered and closed, and how
    much of the feedback is satisfied or basically satisfied."""
    counts, satisfaction = statistics.counts(session), statistics.satisfaction(session)
    return {
        "name": session.name,
        **{key: counts[key] for key in ("received", "filed", "answered", "closed")},
        "handling": counts["awaiting_reply"],
        "feedback": satisfaction["feedback"],
        "content": satisfaction["content"],
    }


@method_decorator(login_not_required, name="dispatch")
class PublicProgressView(TemplateView):
    """公开: the published projects by domain with status and progress, and the proposals' statistics of each CPPCC
    by session; no login, no money, no health, no names of people."""

    template_name = "reports/public_progress.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        published = Project.objects.filter(is_published=True)
        # Per region (``?region=<id>``: its projects with those of the regions below, its CPPCC's sessions); the
        # regions with published projects are offered.
        region_pk = parse_pk(self.request.GET.get("region"))
        region = get_object_or_404(Region, pk=region_pk) if region_pk is not None else None
        offered = Region.objects.filter(pk__in=published.values("region")).order_by("code", "name")
        if region is not None:
            published = published.filter(region__in=Region.objects.within(region))
        # Top-level projects are counted and listed; their published phases are shown beneath them.
        projects = (
            published.top_level()
            .with_figures()
            .select_related("domain", "lead_org")
            .order_by("domain__group", "domain__name", "code")
        )
        counts = projects.aggregate(
            total=Count("pk"),
            completed=Count("pk", filter=Q(status__in=ProjectStatus.finished())),
            in_progress=Count("pk", filter=Q(status=ProjectStatus.IN_PROGRESS)),
        )
        # Each CPPCC's latest sessions with proposals (the chosen region's CPPCC's only), counted as the 统计表 counts
        # them: each CPPCC's own, never summed.
        cppccs = latest_sessions_by_cppcc(per_cppcc=PUBLIC_SESSIONS, region=region)
        statistics = proposal_statistics(sessions=[session for _region, sessions in cppccs for session in sessions])
        projects = list(projects)
        attach_phases(projects, published.top_level(), phases=published)
        context.update(
            projects=projects,
            counts=counts,
            region=region,
            regions=list(offered),
            cppccs=[
                {
                    "region": cppcc_region,
                    "name": cppcc_name(cppcc_region),
                    "sessions": [public_session_row(session, statistics) for session in sessions],
                }
                for cppcc_region, sessions in cppccs
            ],
        )
        return context


# The official tables


class TableExportView(View):
    """One official table as an .xlsx file, for the choices its form takes from the address (400 when they are
    missing or wrong); ``model`` is what the reader must be allowed to view. A table of more rows than
    EXPORT_JOB_THRESHOLD_ROWS (``row_count``) is made by a background job, and the request answers with its page."""

    model = None
    form_class = None
    # The table's name, for the job that makes a large one (the tables are Chinese whatever the reader's language).
    table_title = ""

    def get(self, request):
        if not request.user.can("view", self.model):
            raise PermissionDenied
        form = self.form_class(request.GET, user=request.user)
        if not form.is_valid():
            messages = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
            return HttpResponseBadRequest(messages, content_type="text/plain; charset=utf-8")
        # Exempt from the web's statement timeout from its first query (counting its rows included); up to
        # EXPORT_JOB_THRESHOLD_ROWS rows are built in the request, more in a background job.
        lift_statement_timeout()
        rows = self.row_count(form)
        if export_is_large(rows):
            return start_export_job(request, self.table_title, rows)
        workbook, filename = self.build(form)
        return xlsx_response(workbook, filename)

    def row_count(self, form) -> int:
        """About how many rows the table has (0: never enough for a background job)."""
        return 0

    def write_export(self, out: BinaryIO, progress: Callable[[int], None]) -> str:
        """The table ``get`` would send, written to ``out`` by a background job; returns the file's name."""
        if not self.request.user.can("view", self.model):
            raise PermissionDenied
        form = self.form_class(self.request.GET, user=self.request.user)
        if not form.is_valid():
            raise ValueError(form.errors.as_text())
        workbook, filename = self.build(form)
        workbook.save(out)
        progress(self.row_count(form))  # a table is built whole: its rows are done at once
        return filename


class ProjectPlanExportView(TableExportView):
    model = Project
    form_class = forms.ProjectPlanTableForm
    table_title = "重大项目计划表"

    def row_count(self, form):
        year, scope = form.cleaned_data["year"], form.table_scope()
        return scope.filter(Project.objects.active_in_year(year)).count()

    def build(self, form):
        year, plan, scope = form.cleaned_data["year"], form.cleaned_data["plan"], form.table_scope()
        chosen = get_object_or_404(self.request.user.scope(Plan.objects.all()), pk=plan) if plan else None
        return exports.project_plan(year, chosen, scope), f"{year}年度{scope.place}重大项目计划表.xlsx"


class TargetsExportView(TableExportView):
    model = Indicator
    form_class = forms.TargetsTableForm

    def build(self, form):
        chosen = get_object_or_404(self.request.user.scope(Plan.objects.all()), pk=form.cleaned_data["plan"])
        return exports.targets(chosen), f"目标责任分解表-{chosen.title}.xlsx"


class ProgressTableExportView(TableExportView):
    model = Project
    form_class = forms.ProgressTableForm
    table_title = "项目进度月报"

    def row_count(self, form):
        return form.table_scope().filter(Project.objects.reporting()).count()

    def build(self, form):
        period, scope = form.cleaned_data["period"], form.table_scope()
        return exports.progress_report(period, scope), f"{scope.place}项目进度月报-{period}.xlsx"


class ProposalLedgerExportView(TableExportView):
    model = Proposal
    form_class = forms.SessionTableForm
    table_title = "提案办理台账"

    def row_count(self, form):
        return Proposal.objects.filter(session=form.cleaned_data["session"]).count()

    def build(self, form):
        chosen = get_object_or_404(self.request.user.scope(Session.objects.all()), pk=form.cleaned_data["session"])
        return exports.proposal_ledger(chosen), f"提案办理台账-{chosen.name}.xlsx"


class ProposalStatsExportView(TableExportView):
    model = Proposal
    form_class = forms.SessionTableForm

    def build(self, form):
        chosen = get_object_or_404(self.request.user.scope(Session.objects.all()), pk=form.cleaned_data["session"])
        return exports.proposal_stats(chosen), f"提案办理情况统计表-{chosen.name}.xlsx"


class ExportIndexView(ObjectPermissionMixin, TemplateView):
    """The official tables on one page, each with its choices and a download button."""

    model = Project
    template_name = "reports/exports.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Two forms share field names: their ids must differ on one page.
            plan_form=forms.ProjectPlanTableForm(auto_id="plan-table-%s", user=self.request.user),
            targets_form=forms.TargetsTableForm(auto_id="targets-table-%s", user=self.request.user),
            progress_form=forms.ProgressTableForm(auto_id="progress-table-%s", user=self.request.user),
            ledger_form=forms.SessionTableForm(auto_id="ledger-table-%s", user=self.request.user),
            stats_form=forms.SessionTableForm(auto_id="stats-table-%s", user=self.request.user),
            can_view_proposals=self.request.user.can("view", Proposal),
            **kwargs,
        )
