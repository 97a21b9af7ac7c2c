"""The workspace pages. Rules live in the models, querysets, selectors and services; views only wire them to HTTP."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Prefetch, Q
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView
from django.views.generic.detail import SingleObjectMixin

from accounts import todo
from accounts.filtersets import OrganizationFilterSet
from accounts.forms import OrganizationForm
from accounts.models import Organization
from common.db import choice_rank
from common.exceptions import WorkflowError
from common.views import (
    ObjectArchiveView,
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    add_violation,
    parse_pk,
)
from jobs.views import ExportJobMixin

from . import charts, dossier, history, resources, selectors, services
from .choices import ChangeRequestKind, Health, ProjectStatus
from .filtersets import IndicatorFilterSet, MilestoneFilterSet, PlanFilterSet, ProgressReportFilterSet, ProjectFilterSet
from .forms import (
    FundingFormSet,
    IndicatorForm,
    IndicatorValueForm,
    IndicatorValueFormSet,
    MilestoneFormSet,
    PlanForm,
    ProjectForm,
)
from .milestone_template import USUAL_MILESTONES
from .models import (
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    ProgressReportEvent,
    Project,
)


class HomeView(TemplateView):
    """工作台: each role's to-do lists, gathered from every app (``accounts.todo``), then where the portfolio stands."""

    template_name = "projects/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        context = super().get_context_data(**kwargs)
        groups = todo.start_page(self.request)
        # Each group also by its name (``liaison``, ``office``…): its sections by key.
        context.update(groups)
        context["todo_groups"] = [
            (group, todo.group_title(group, user), sections) for group, sections in groups.items()
        ]
        if "liaison" in groups:
            context["own_requests"] = selectors.own_change_requests(user)
        context["summary"] = selectors.portfolio_summary(projects=user.scope(Project.objects.all(), located=False))
        context["attention"] = selectors.projects_needing_attention(user, limit=10)
        return context


# Projects


class ProjectListView(ExportJobMixin, ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    export_resource_class = resources.ProjectResource
    export_title = "项目库"
    ordering_fields = {
        "code": "code",
        "name": "name",
        "lead_org": "lead_org__name",
        "status": choice_rank("status", ProjectStatus.values),
        "investment": "total_investment",
        "planned_end": "planned_end",
        "progress": "progress",
        "lag": "progress_lag",
        "health": choice_rank("health", Health.values),
        "slippage": "slippage_days",
    }
    default_ordering = ("code",)

    def get_base_queryset(self):
        rows = self.rows()
        # The list's rows are the projects that count (the phase rule), each with its phases beneath it; asked for
        # a project's phases (``?parent=``) or for the file that imports back, it lists phases as rows of their own.
        if not (self.request.GET.get("parent") or self.request.GET.get("export")):
            rows = rows.top_level()
        return rows.with_stored_figures().with_slippage().select_related("lead_org", "domain")

    def get_ordering(self):
        if self.request.GET.get("export") and not self.request.GET.get("ordering"):
            # Each phase right after its parent, so the file reads as the list does.
            return (Coalesce("parent__code", "code"), F("parent_id").asc(nulls_first=True), "code")
        return super().get_ordering()

    def get_context_data(self, **kwargs):
        # The filters have been read: the parent filter's menu offers only the projects that have sub-projects
        # (any other lists nothing), not all 10,000, whose options took a second to render.
        chosen = parse_pk(self.request.GET.get("parent"))
        self.filterset.form.fields["parent"].queryset = selectors.parent_projects(chosen=chosen)
        summary = self.cached_for_list("totals", lambda: selectors.portfolio_summary(projects=self.filtered_queryset))
        context = super().get_context_data(summary=dict(summary), **kwargs)
        if not chosen:
            context["summary"]["phases"] = selectors.attach_phases(context["object_list"], self.filtered_queryset)
        return context


class ProjectDetailView(ObjectDetailView):
    model = Project
    template_name = "projects/project_detail.html"

    def get_queryset(self):
        return selectors.project_page_queryset()

    def get_context_data(self, **kwargs):
        project = self.object
        user = self.request.user
        series = selectors.progress_series(project)
        requests = self.change_requests(project)
        context = super().get_context_data(**kwargs)
        context.update(
            children=project.children.with_figures().select_related("lead_org"),
            milestones=project.milestones.with_lateness(),
            reports=project.progress_reports.select_related("submitted_by", "reviewer")
            .prefetch_related(Prefetch("events", ProgressReportEvent.objects.select_related("actor__organization")))
            .order_by("-period")[:24],
            funding=selectors.funding_table(project),
            documents=selectors.project_documents(project),
            indicators=project.indicators.with_attainment().select_related("plan", "responsible_org"),
            baselines=project.baselines.approved().select_related("baseline").order_by("-baseline__year"),
            changes=history.change_log(project),
            photo_timeline=selectors.photo_timeline(project),
            chart=json.loads(charts.progress_figure(series).to_json()) if series["periods"] else None,
            can_edit_funding=user.can("change", Funding(project=project)),
            can_report=user.can("add", ProgressReport(project=project)) and not project.parent_id,
            warnings=selectors.plausibility_warnings(project),
            early_warnings=selectors.early_warnings(project),
            change_requests=requests,
            can_request=user.can("change", project) and not project.is_archived,
            can_decide=services.may_confirm(user),
            request_kinds=[(kind, ChangeRequestKind(kind).label) for kind in services.requestable_kinds(project)],
        )
        return context

    @staticmethod
    def change_requests(project):
        requests = list(project.change_requests.select_related("requested_by", "decided_by")[:20])
        for request in requests:
            request.lines = selectors.change_request_lines(request)
        return requests


class ProjectDossierView(ObjectPermissionMixin, SingleObjectMixin, View):
    """项目档案: the project's documents, reports' and milestones' files and figures as one ZIP, for whoever may read
    its page (archived projects too); outside the user's regions, 404 as the page."""

    model = Project
    http_method_names = ["get", "head"]

    def get_queryset(self):
        return Project.all_objects.all()

    def get(self, request, *args, **kwargs):
        return dossier.dossier_response(self.get_object())


class ProjectEditView(ObjectEditView):
    """Office staff edit a project as a whole. A unit's liaison edits its own projects: what the unit may change is
    saved; changes to the confirmed plan go to the office as one plan change (调整申请) with the reason given."""

    model = Project
    form_class = ProjectForm
    formset_classes = {"milestones": MilestoneFormSet}
    template_name = "projects/project_form.html"
    list_url = reverse_lazy("project-list")

    @property
    def for_office(self) -> bool:
        return services.may_confirm(self.request.user)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_office": self.for_office}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["usual_milestones"] = [usual._asdict() for usual in USUAL_MILESTONES]
        return context

    def get_formsets(self):
        data = self.request.POST if self.request.method == "POST" else None
        instance = self.object if self.object is not None else Project()
        return {
            "milestones": MilestoneFormSet(
                data, instance=instance, prefix="milestones", form_kwargs={"for_office": self.for_office}
            )
        }

    def instance_to_check(self, form):
        # A unit may propose handing its project to another unit; what it may write is checked on the project as it
        # stands (the form has already put the proposed values on ``self.object``), and the office confirms the rest.
        return form.instance if self.for_office else Project.all_objects.get(pk=self.object.pk)

    def save_as_office(self, form, formsets):
        """The project as the form put it together, with its milestones, in one transaction."""
        fields = [name for name in form.fields if name in form.Meta.fields]
        m2m = {name: form.cleaned_data[name] for name in ("plans", "participating_orgs")}
        # The values as the form set them on its instance (a field the page left out keeps its default).
        data = {name: getattr(form.instance, name) for name in fields if name not in m2m}
        try:
            with transaction.atomic():
                self.object = services.project_save(
                    actor=self.request.user,
                    project=form.instance,
                    data=data,
                    m2m=m2m,
                    expected_version=form.cleaned_data.get("version"),
                )
                formsets["milestones"].instance = self.object
                formsets["milestones"].save()
        except ValidationError as error:  # a rule of the service's (acceptance needs its report)
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            messages.error(self.request, _("Nothing was saved. Correct the errors below."))
            return self.render_to_response(self.get_context_data(form=form, formsets=formsets))
        messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        for warning in selectors.plausibility_warnings(self.object):
            messages.warning(self.request, warning)
        return HttpResponseRedirect(self.get_success_url())

    def save(self, form, formsets):
        if self.for_office:
            return self.save_as_office(form, formsets)
        data = {name: form.cleaned_data[name] for name in form.fields if name in form.Meta.fields}
        m2m = {name: data.pop(name) for name in ("plans", "participating_orgs")}
        try:
            request = services.project_edit_by_unit(
                actor=self.request.user,
                project=self.object,
                data=data,
                m2m=m2m,
                milestones=milestone_operations(formsets["milestones"]),
                reason=form.cleaned_data.get("change_reason", ""),
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                if field == "milestones":
                    formsets["milestones"]._non_form_errors.extend(errors)
                else:
                    field = {"reason": "change_reason"}.get(field, field)
                    form.add_error(field if field in form.fields else None, errors)
            messages.error(self.request, _("Nothing was saved. Correct the errors below."))
            return self.render_to_response(self.get_context_data(form=form, formsets=formsets))
        except WorkflowError as error:
            form.add_error(None, error.message)
            messages.error(self.request, _("Nothing was saved. Correct the errors below."))
            return self.render_to_response(self.get_context_data(form=form, formsets=formsets), status=409)
        if request is not None:
            messages.success(
                self.request,
                _("Saved %(object)s; the plan change awaits the office's confirmation.") % {"object": self.object},
            )
        else:
            messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


def milestone_operations(formset) -> list[dict]:
    """What a milestone formset asks for, as the plan-change service takes it."""
    operations = []
    for form in formset.forms:
        milestone = form.instance
        if milestone.pk and form in formset.deleted_forms:
            operations.append({"action": "delete", "id": milestone.pk})
        elif form in formset.deleted_forms or not form.has_changed():
            continue
        elif milestone.pk:
            to = {name: form.cleaned_data[name] for name in form.changed_data if not form.fields[name].disabled}
            if to:
                operations.append({"action": "change", "id": milestone.pk, "to": to})
        else:
            fields = ("name", "weight", "planned_date", "note")
            operations.append({"action": "add", "to": {name: form.cleaned_data.get(name) for name in fields}})
    return operations


class ProjectFundingView(ObjectEditView):
    """The project's money by year and source, edited as one table."""

    model = Project
    fields = []
    formset_classes = {"fundings": FundingFormSet}
    template_name = "projects/project_funding_form.html"

    def get_action(self):
        return "change"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.can("change", Funding):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def save(self, form, formsets):
        # Only the funding rows change; saving the project itself would log an empty change in its history.
        with transaction.atomic():
            formsets["fundings"].save()
        messages.success(self.request, _("Saved the funding of %(project)s.") % {"project": self.object})
        return HttpResponseRedirect(reverse("project-detail", args=[self.object.pk]) + "#funding")


class ArchiveView(ObjectArchiveView):
    def archive(self, obj):
        services.archive(actor=self.request.user, obj=obj)

    def restore(self, obj):
        services.restore(actor=self.request.user, obj=obj)


class ProjectArchiveView(ArchiveView):
    model = Project


class MilestoneListView(ExportJobMixin, ObjectListView):
    """里程碑: every project's checkpoints, late ones and those falling due, for the office and the dashboard."""

    model = Milestone
    filterset_class = MilestoneFilterSet
    chosen_only_filters = ("project",)
    template_name = "projects/milestone_list.html"
    export_resource_class = resources.MilestoneResource
    export_title = "里程碑"
    ordering_fields = {
        "planned_date": "planned_date",
        "project": "project__code",
        "lead_org": "project__lead_org__name",
        "days_late": "days_late",
    }
    # Within a date by project in the order they were entered (the column 项目 sorts by code): an index walks this
    # order and stops at the page, where ordering by code sorted every milestone at a province's size (0.3 s).
    default_ordering = ("planned_date", "project_id", "pk")

    def get_base_queryset(self):
        # Milestones and reports of archived projects leave the lists with their projects.
        return (
            Milestone.objects.with_lateness()
            .filter(project__archived_at__isnull=True)
            .select_related("project", "project__lead_org")
        )


class ProgressReportListView(ExportJobMixin, ObjectListView):
    """进度月报: every report as filed, with its review state; the dashboard's trend links here."""

    model = ProgressReport
    filterset_class = ProgressReportFilterSet
    chosen_only_filters = ("project",)
    template_name = "projects/report_list.html"
    export_resource_class = resources.ProgressReportResource
    export_title = "进度月报"
    ordering_fields = {
        "period": "period",
        "project": "project__code",
        "progress": "progress",
        "investment": "investment_completed",
        "submitted_at": "submitted_at",
    }
    # Within a month by project in the order they were entered (the column 项目 sorts by code): an index walks this
    # order and stops at the page, where ordering by code sorted a million reports at a province's size (1 s).
    default_ordering = ("-period", "project_id", "pk")

    def get_base_queryset(self):
        return ProgressReport.objects.filter(project__archived_at__isnull=True).select_related(
            "project", "project__lead_org", "submitted_by"
        )


# Plans and organisations


class PlanListView(ObjectListView):
    model = Plan
    filterset_class = PlanFilterSet
    template_name = "projects/plan_list.html"
    ordering_fields = {"title": "title", "kind": "kind", "first_year": "first_year", "projects": "project_count"}
    default_ordering = ("-first_year", "title")

    def get_base_queryset(self):
        return Plan.objects.annotate(
            project_count=Count("projects", distinct=True), indicator_count=Count("indicators", distinct=True)
        )


class PlanDetailView(ObjectDetailView):
    model = Plan
    template_name = "projects/plan_detail.html"

    def get_context_data(self, **kwargs):
        in_plan = self.request.user.scope(Project.objects.filter(plans=self.object))
        projects = list(in_plan.top_level().with_figures().select_related("lead_org", "domain").order_by("code"))
        summary = selectors.portfolio_summary(projects=in_plan)
        selectors.attach_phases(projects, in_plan.top_level())
        return super().get_context_data(
            projects=projects,
            summary=summary,
            indicators=self.object.indicators.with_attainment().select_related("responsible_org"),
            **kwargs,
        )


class PlanEditView(ObjectEditView):
    model = Plan
    form_class = PlanForm
    template_name = "generic/object_form.html"
    list_url = reverse_lazy("plan-list")


class PlanDeleteView(ObjectDeleteView):
    model = Plan
    success_url = reverse_lazy("plan-list")


class OrganizationListView(ObjectListView):
    model = Organization
    filterset_class = OrganizationFilterSet
    template_name = "projects/organization_list.html"
    ordering_fields = {"name": "name", "kind": "kind", "projects": "project_count", "users": "user_count"}
    default_ordering = ("name",)

    def get_base_queryset(self):
        return (
            self.rows()
            .select_related("parent", "region")
            .annotate(
                project_count=Count("led_projects", filter=Q(led_projects__archived_at__isnull=True), distinct=True),
                user_count=Count("users", distinct=True),
            )
        )


class OrganizationDetailView(ObjectDetailView):
    model = Organization
    template_name = "projects/organization_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            projects=user.scope(Project.objects.with_figures().filter(lead_org=self.object)).select_related("domain"),
            participating=user.scope(Project.objects.filter(participating_orgs=self.object)).select_related("lead_org"),
            indicators=user.scope(self.object.indicators.with_attainment()).select_related("plan"),
            children=user.scope(self.object.children.all()),
            **kwargs,
        )


class OrganizationEditView(ObjectEditView):
    model = Organization
    form_class = OrganizationForm
    template_name = "generic/object_form.html"
    list_url = reverse_lazy("organization-list")


class OrganizationArchiveView(ArchiveView):
    model = Organization


# Targets


class IndicatorListView(ExportJobMixin, ObjectListView):
    """目标指标: targets by plan with baseline, target, the latest actual and attainment."""

    model = Indicator
    filterset_class = IndicatorFilterSet
    template_name = "projects/indicator_list.html"
    export_resource_class = resources.IndicatorResource
    export_title = "目标指标"
    ordering_fields = {"name": "name", "attainment": "attainment", "deadline": "deadline"}
    default_ordering = ("plan__first_year", "plan__title", "pk")
    paginate_by = 100

    def get_base_queryset(self):
        return Indicator.objects.with_attainment().select_related("plan", "responsible_org")

    def get_ordering(self):
        # Rows are grouped by plan, so the plan always sorts first.
        return ("-plan__first_year", "plan__title", *super().get_ordering())


class IndicatorDetailView(ObjectDetailView):
    model = Indicator
    template_name = "projects/indicator_detail.html"

    def get_queryset(self):
        return (
            Indicator.objects.with_attainment()
            .select_related("plan", "responsible_org")
            .prefetch_related(
                "cooperating_orgs",
                Prefetch("projects", self.request.user.scope(Project.objects.only("pk", "code", "name"))),
            )
        )

    def get_context_data(self, **kwargs):
        value = IndicatorValue(indicator=self.object)
        can_record = self.request.user.can("add", value)
        return super().get_context_data(
            values=self.object.values.order_by("-period"),
            can_record=can_record,
            can_change_values=self.request.user.can("change", value),
            value_form=kwargs.pop("value_form", None) or (IndicatorValueForm() if can_record else None),
            **kwargs,
        )


class IndicatorValueCreateView(ObjectPermissionMixin, View):
    """Record a new actual value from the target's page."""

    model = IndicatorValue
    action = "add"

    def post(self, request, pk):
        indicator = get_object_or_404(Indicator, pk=pk)
        form = IndicatorValueForm(request.POST, instance=IndicatorValue(indicator=indicator))
        if not request.user.can("add", form.instance):
            raise PermissionDenied
        if form.is_valid():
            try:
                with transaction.atomic():  # the value with its history, or neither
                    form.save()
            except IntegrityError as error:  # the same month recorded by someone else meanwhile
                if not add_violation(form, error):
                    raise
            else:
                messages.success(request, _("Recorded %(value)s for %(period)s.") % form.cleaned_data)
                return HttpResponseRedirect(indicator.get_absolute_url())
        messages.error(request, _("Nothing was saved. Correct the errors below."))
        view = IndicatorDetailView(request=request, kwargs={"pk": pk})
        view.object = view.get_object()
        return view.render_to_response(view.get_context_data(value_form=form))


class IndicatorValueEditView(ObjectEditView):
    """Correct one recorded value; the responsible unit may, not only the office."""

    model = IndicatorValue
    form_class = IndicatorValueForm
    template_name = "generic/object_form.html"

    def get_action(self):
        return "change"


class IndicatorEditView(ObjectEditView):
    model = Indicator
    form_class = IndicatorForm
    formset_classes = {"values": IndicatorValueFormSet}
    template_name = "projects/indicator_form.html"
    list_url = reverse_lazy("indicator-list")


class IndicatorDeleteView(ObjectDeleteView):
    model = Indicator
    success_url = reverse_lazy("indicator-list")
