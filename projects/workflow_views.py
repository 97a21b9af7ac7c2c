"""The pages of the workflows between the units and the office: monthly reporting and its review, and the requests
units make for the office to confirm (completion, acceptance, plan changes). Rules live in the services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.models import Organization
from attachments.views import skipped_message
from common.db import choice_rank
from common.exceptions import ActionForbidden, StaleVersionError, WorkflowError
from common.views import (
    ObjectListView,
    ObjectPermissionMixin,
    parse_pk,
)

from . import selectors, services
from .choices import ChangeRequestStatus, ReportStatus
from .filtersets import (
    ProgressReportFilterSet,
    ProjectChangeRequestFilterSet,
)
from .forms import (
    ChangeRequestForm,
    DecisionForm,
    PeriodForm,
    ProgressReportForm,
    ReturnReportForm,
)
from .models import ProgressReport, Project, ProjectChangeRequest

# Progress reporting and review


class ProgressReportingView(ObjectPermissionMixin, TemplateView):
    """进度填报: one page for all of a unit's projects in one period; reports stay editable until approved.

    Office staff may file for any unit (``?unit=``); everyone else files for their own unit only. Nothing is saved
    unless every filled report is valid.
    """

    model = ProgressReport
    action = "add"
    template_name = "projects/progress_reporting.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        today = timezone.localdate()
        data = request.GET.copy()
        data.setdefault("period", selectors.current_period(today))
        period_form = PeriodForm(data, today=today)
        self.period_form = period_form
        self.period = period_form.cleaned_data["period"] if period_form.is_valid() else selectors.current_period(today)

    def get_unit(self):
        """Office staff choose the unit they file for; everyone else files for their own."""
        user = self.request.user
        if not user.sees_all_units:
            return user.organization
        unit = parse_pk(self.request.GET.get("unit"))
        return get_object_or_404(Organization, pk=unit) if unit else None

    def get_rows(self, data=None, files=None):
        unit = self.get_unit()
        if unit is None:
            return unit, []
        rows = []
        projects = list(selectors.reporting_projects(unit, self.period))
        selectors.with_evidence(project.period_reports[0] for project in projects if project.period_reports)
        for project in projects:
            report = project.period_reports[0] if project.period_reports else None
            initial = {} if report else {"progress": round(project.progress, 1), "investment_completed": 0}
            editable = report is None or report.status != ReportStatus.APPROVED
            form = None
            if editable:
                form = ProgressReportForm(
                    data,
                    files,
                    instance=report,
                    initial=initial,
                    prefix=f"p{project.pk}",
                    use_required_attribute=False,
                    milestones=project.open_milestones,
                    reached={c.milestone_id: c.actual_date for c in report.completions.all()} if report else None,
                )
            needs_photo = services.report_needs_photo(project)
            rows.append({"project": project, "report": report, "form": form, "needs_photo": needs_photo})
        return unit, rows

    @staticmethod
    def was_filled(form, data) -> bool:
        """A project's report counts when its fields were posted and differ from the blank the page offered."""
        return any(key.startswith(f"{form.prefix}-") for key in data) and form.has_changed()

    def get_context_data(self, **kwargs):
        unit, rows = kwargs.pop("unit_rows", None) or self.get_rows()
        user = self.request.user
        return super().get_context_data(
            unit=unit,
            rows=rows,
            period=self.period,
            period_form=self.period_form,
            units=selectors.reporting_units() if user.sees_all_units else None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        unit, rows = self.get_rows(request.POST, request.FILES)
        filled = [row for row in rows if row["form"] is not None and self.was_filled(row["form"], request.POST)]
        for row in rows:
            if row["form"] is not None and row not in filled:
                # Shown again as offered, not as a bound form complaining about fields nobody filled in.
                form = row["form"]
                row["form"] = ProgressReportForm(
                    instance=form.instance if form.instance.pk else None,
                    initial=form.initial,
                    prefix=form.prefix,
                    use_required_attribute=False,
                    milestones=form.milestones,
                    reached={m.pk: form.fields[f"reached_{m.pk}"].initial for m in form.milestones},
                )
        skipped = skipped_message(request)
        if skipped:
            # A photo over the size limit was dropped as it arrived: nothing is filed rather than filed without it.
            messages.error(request, skipped)
            return self.render_to_response(self.get_context_data(unit_rows=(unit, rows)))
        if not filled:
            messages.warning(request, _("Nothing to save: fill in at least one project's report."))
            return self.render_to_response(self.get_context_data(unit_rows=(unit, rows)))
        if not all(row["form"].is_valid() for row in filled):
            self.nothing_saved(request)
            return self.render_to_response(self.get_context_data(unit_rows=(unit, rows)))
        filings = [
            services.ReportFiling(
                project=row["project"],
                report=row["report"],
                data={name: row["form"].cleaned_data[name] for name in ProgressReportForm.Meta.fields},
                expected_version=row["form"].cleaned_data.get("version"),
                completions=row["form"].completions(),
                photos=row["form"].cleaned_data["photos"],
            )
            for row in filled
        ]
        try:
            services.progress_reports_submit(actor=request.user, period=self.period, filings=filings)
        except ActionForbidden as error:
            raise PermissionDenied(str(error)) from error
        except IntegrityError:
            messages.error(request, _("Someone else filed a report for the same project and month meanwhile."))
            return HttpResponseRedirect(request.get_full_path())
        except services.FilingRefused as refused:
            return self.refused(filled[refused.index]["form"], refused.error, unit_rows=(unit, rows))
        messages.success(
            request,
            _("Submitted %(count)s report(s) for %(period)s; the office will review them.")
            % {"count": len(filled), "period": self.period},
        )
        return HttpResponseRedirect(request.get_full_path())

    @staticmethod
    def nothing_saved(request):
        messages.error(request, _("Nothing was saved. Correct the errors below."))
        if request.FILES:
            # A browser never fills a file input again: the user must know to choose the photos once more.
            messages.warning(request, _("The photos chosen were not kept either: choose them again before submitting."))

    def refused(self, form, error, unit_rows):
        """The page again, nothing saved, with why one report was refused shown on its row."""
        request = self.request
        if isinstance(error, StaleVersionError):
            # Keep what the user typed; the row's version is now the current one, so saving again replaces it.
            form.add_error(None, error.message)
            form.refresh_version(error.current_version)
            self.nothing_saved(request)
            return self.render_to_response(self.get_context_data(unit_rows=unit_rows), status=409)
        if isinstance(error, ValidationError):
            # A rule beyond the form (a lower progress needs its reason; the milestones reached): shown on the row,
            # with what the user typed kept.
            for field, errors in getattr(error, "message_dict", {None: error.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
            self.nothing_saved(request)
            return self.render_to_response(self.get_context_data(unit_rows=unit_rows))
        # Someone else filed or approved the same report meanwhile: say so and show the page as it is now.
        messages.error(request, str(error))
        return HttpResponseRedirect(request.get_full_path())


class ReviewQueueView(ObjectListView):
    """进度审核: submitted reports, oldest first, each with its site photos, approve and return."""

    model = ProgressReport
    filterset_class = ProgressReportFilterSet
    chosen_only_filters = ("project",)
    template_name = "projects/review_queue.html"
    ordering_fields = {"period": "period", "project": "project__code", "submitted_at": "submitted_at"}
    default_ordering = ("submitted_at", "pk")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("projects.review_progressreport"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_base_queryset(self):
        # The last approved figure beside the new one, so that a jump or a standstill shows at a glance.
        previous = ProgressReport.objects.filter(
            project=OuterRef("project"), status=ReportStatus.APPROVED, period__lt=OuterRef("period")
        ).order_by("-period")
        # The own region's reports: each office reviews its own (``RegionScope``).
        waiting = ProgressReport.objects.filter(status=ReportStatus.SUBMITTED, project__archived_at__isnull=True)
        return (
            self.request.user.scope(waiting, "change")
            .select_related("project", "project__lead_org", "submitted_by")
            .prefetch_related(selectors.report_files())
            .annotate(
                previous_progress=Subquery(previous.values("progress")[:1]),
                previous_period=Subquery(previous.values("period")[:1]),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The photos beside the figures, with what the reviewer should doubt: an old photo, a reused one.
        for report in selectors.with_evidence(context["object_list"]):
            # Approval will refuse it (the site-photo rule): said before the reviewer tries.
            report.lacks_photo = services.report_needs_photo(report.project) and not report.photos
        return context

    def post(self, request, *args, **kwargs):
        """Approve the reports ticked (or the one whose button was pressed)."""
        ids = [request.POST["approve"]] if request.POST.get("approve") else request.POST.getlist("selected")
        pks = [pk for pk in map(parse_pk, ids) if pk is not None]
        reports = list(ProgressReport.objects.filter(pk__in=pks))
        # A report refused (already reviewed) is left out, but a failure midway approves none.
        approved, refused = services.progress_reports_approve(actor=request.user, reports=reports)
        if approved:
            messages.success(request, _("Approved %(count)s report(s).") % {"count": len(approved)})
        for report, reason in refused:
            messages.error(request, f"{report}: {reason}")
        if not reports:
            messages.warning(request, _("Tick the reports to approve first."))
        return HttpResponseRedirect(request.get_full_path())


class ReturnReportView(View):
    def post(self, request, pk):
        if not request.user.has_perm("projects.review_progressreport"):
            raise PermissionDenied
        report = get_object_or_404(ProgressReport, pk=pk)
        form = ReturnReportForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give the reason for returning the report."))
        else:
            try:
                services.progress_report_return(actor=request.user, report=report, comment=form.cleaned_data["comment"])
                messages.success(request, _("Returned %(report)s to the unit.") % {"report": report})
            except WorkflowError as error:
                messages.error(request, str(error))
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse("review-queue")
        return HttpResponseRedirect(next_url)


# What units ask the office to confirm


class ChangeRequestListView(ObjectListView):
    """待确认: the completions, acceptances and plan changes units ask for; awaiting ones first, oldest first."""

    model = ProjectChangeRequest
    filterset_class = ProjectChangeRequestFilterSet
    chosen_only_filters = ("project",)
    template_name = "projects/change_request_list.html"
    ordering_fields = {"requested_at": "requested_at", "project": "project__code"}
    default_ordering = (choice_rank("status", ChangeRequestStatus.values), "requested_at", "pk")

    def get_base_queryset(self):
        return ProjectChangeRequest.objects.filter(project__archived_at__isnull=True).select_related(
            "project", "project__lead_org", "requested_by", "decided_by"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for request in context["object_list"]:
            request.lines = selectors.change_request_lines(request)
        context["can_decide"] = services.may_confirm(self.request.user)
        return context


class ChangeRequestCreateView(View):
    """A unit asks the office to confirm its project completed or accepted."""

    def post(self, request, pk):
        project = get_object_or_404(Project.all_objects, pk=pk)
        if not request.user.can("change", project):
            raise PermissionDenied
        form = ChangeRequestForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
        else:
            try:
                made = services.completion_request(actor=request.user, project=project, **form.cleaned_data)
                if made.status == ChangeRequestStatus.CONFIRMED:
                    messages.success(request, _("Recorded: %(request)s.") % {"request": made.get_kind_display()})
                else:
                    messages.success(request, _("Sent to the office for confirmation."))
            except (ValidationError, WorkflowError) as error:
                messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return HttpResponseRedirect(project.get_absolute_url() + "#requests")


class ChangeRequestDecisionView(View):
    """The office confirms or returns a request; the unit withdraws its own."""

    decisions = {
        "confirm": services.change_request_confirm,
        "return": services.change_request_return,
        "withdraw": services.change_request_withdraw,
    }

    def post(self, request, pk, decision):
        change_request = get_object_or_404(ProjectChangeRequest.objects.select_related("project"), pk=pk)
        form = DecisionForm(request.POST)
        form.is_valid()
        note = {} if decision == "withdraw" else {"note": form.cleaned_data.get("note", "")}
        try:
            self.decisions[decision](actor=request.user, request=change_request, **note)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except (ValidationError, WorkflowError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            messages.success(request, _("Done: %(request)s.") % {"request": change_request})
        next_url = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = change_request.get_absolute_url()
        return HttpResponseRedirect(next_url)
