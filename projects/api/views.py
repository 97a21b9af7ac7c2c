from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from accounts.filtersets import OrganizationFilterSet
from accounts.models import Organization
from attachments.api.views import AttachmentsActionMixin
from attachments.views import skipped_message
from common.api.views import ArchivableViewSetMixin, ScopedModelViewSet

from .. import filtersets, services
from ..choices import ChangeRequestKind
from ..dossier import dossier_response
from ..models import (
    Baseline,
    BaselineEvent,
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectChangeRequest,
)
from . import serializers


class ProjectArchiveMixin(ArchivableViewSetMixin):
    def archive(self, obj):
        services.archive(actor=self.request.user, obj=obj)

    def restore_object(self, obj):
        return services.restore(actor=self.request.user, obj=obj)


class OrganizationViewSet(ProjectArchiveMixin, ScopedModelViewSet):
    """Units. ``DELETE`` archives a unit that leads no listed project; ``…/restore/`` brings it back."""

    queryset = Organization.objects.all()
    serializer_class = serializers.OrganizationSerializer
    filterset_class = OrganizationFilterSet
    ordering_fields = ["name", "kind"]

    def get_queryset(self):
        return self.get_manager().all()


class DomainViewSet(ScopedModelViewSet):
    queryset = Domain.objects.all()
    serializer_class = serializers.DomainSerializer
    filterset_class = filtersets.DomainFilterSet
    ordering_fields = ["code", "name", "group"]


class PlanViewSet(ScopedModelViewSet):
    queryset = Plan.objects.all()
    serializer_class = serializers.PlanSerializer
    filterset_class = filtersets.PlanFilterSet
    ordering_fields = ["title", "issue_date", "first_year", "last_year"]


class ProjectViewSet(AttachmentsActionMixin, ProjectArchiveMixin, ScopedModelViewSet):
    """Projects with their derived figures. ``DELETE`` archives a project; ``…/restore/`` brings it back."""

    queryset = Project.objects.all()
    serializer_class = serializers.ProjectSerializer
    filterset_class = filtersets.ProjectFilterSet
    ordering_fields = [
        "code",
        "name",
        "total_investment",
        "planned_start",
        "planned_end",
        "status",
        "progress",
        "planned_progress",
        "progress_lag",
        "days_late",
        "health",
    ]

    def get_queryset(self):
        projects = self.get_manager().with_stored_figures().with_plausibility()
        return projects.prefetch_related("plans", "participating_orgs")

    def perform_create(self, serializer):
        self.save(serializer, Project())

    def perform_update(self, serializer):
        # The version was checked (and the row locked) by get_object.
        self.save(serializer, serializer.instance)

    def save(self, serializer, project):
        """Through the service the form and the import save with: what the office confirms (the plan, completion,
        publication) is not written by the unit being scored."""
        data = dict(serializer.validated_data)
        m2m = {name: data.pop(name) for name in ("plans", "participating_orgs") if name in data}
        serializer.instance = services.project_save(actor=self.request.user, project=project, data=data, m2m=m2m)
        self.reload(serializer)

    @extend_schema(responses={(200, "application/zip"): bytes})
    @action(detail=True, methods=["get"])
    def dossier(self, request, pk=None):
        """项目档案: the project's documents, its reports' and milestones' files and 项目数据.xlsx (figures, funding,
        change log) as one ZIP."""
        return dossier_response(self.get_object())

    def request_response(self, made, status_code=status.HTTP_201_CREATED):
        return Response(serializers.ChangeRequestSerializer(made).data, status=status_code)

    @extend_schema(request=serializers.PlanChangeSerializer, responses={201: serializers.ChangeRequestSerializer})
    @action(detail=True, methods=["post"], url_path="plan-changes")
    @transaction.atomic
    def plan_change(self, request, pk=None):
        """调整申请: propose changes to the confirmed plan (fields and milestones) with the reason; the office confirms
        them (office staff's own are confirmed at once)."""
        body = serializers.PlanChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.plan_change_request(
            actor=request.user,
            project=self.get_object(),
            fields=body.validated_data["fields"],
            milestones=body.validated_data["milestones"],
            reason=body.validated_data["reason"],
        )
        return self.request_response(made)

    def _completion(self, request, kind):
        body = serializers.CompletionRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = services.completion_request(
            actor=request.user, project=self.get_object(), kind=kind, **body.validated_data
        )
        return self.request_response(made)

    @extend_schema(
        request=serializers.CompletionRequestSerializer, responses={201: serializers.ChangeRequestSerializer}
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic
    def completion(self, request, pk=None):
        """Ask the office to confirm the project completed (竣工) on a date."""
        return self._completion(request, ChangeRequestKind.COMPLETION)

    @extend_schema(
        request=serializers.CompletionRequestSerializer, responses={201: serializers.ChangeRequestSerializer}
    )
    @action(detail=True, methods=["post"])
    @transaction.atomic
    def acceptance(self, request, pk=None):
        """Ask the office to confirm the completed project accepted (验收) on a date."""
        return self._completion(request, ChangeRequestKind.ACCEPTANCE)


class ProjectChangeRequestViewSet(viewsets.ReadOnlyModelViewSet):
    """Completions, acceptances and plan changes units asked for; the office confirms or returns them, the unit may
    withdraw its own while they wait."""

    queryset = ProjectChangeRequest.objects.select_related("project")
    serializer_class = serializers.ChangeRequestSerializer
    filterset_class = filtersets.ProjectChangeRequestFilterSet
    ordering_fields = ["requested_at", "decided_at"]

    def decide(self, request, decision, **extra):
        made = decision(actor=request.user, request=self.get_object(), **extra)
        return Response(self.get_serializer(made).data)

    @extend_schema(request=serializers.DecisionSerializer, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    @transaction.atomic
    def confirm(self, request, pk=None):
        """Confirm (office staff): the project changes as asked."""
        body = serializers.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.decide(request, services.change_request_confirm, note=body.validated_data["note"])

    @extend_schema(request=serializers.DecisionSerializer, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    @transaction.atomic
    def return_request(self, request, pk=None):
        """Return with a reason (office staff): the project stays as it was."""
        body = serializers.DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.decide(request, services.change_request_return, note=body.validated_data["note"])

    @extend_schema(request=None, responses=serializers.ChangeRequestSerializer)
    @action(detail=True, methods=["post"])
    @transaction.atomic
    def withdraw(self, request, pk=None):
        """Withdraw (the project's unit) while it waits."""
        return self.decide(request, services.change_request_withdraw)


class MilestoneViewSet(AttachmentsActionMixin, ScopedModelViewSet):
    """Milestones. A unit changes their names and notes; adding, deleting and moving them (planned date, weight) is a
    plan change (``POST /projects/{id}/plan-changes/``), and a milestone reached is reported with the monthly report."""

    queryset = Milestone.objects.all()
    serializer_class = serializers.MilestoneSerializer
    filterset_class = filtersets.MilestoneFilterSet
    ordering_fields = ["planned_date", "actual_date", "weight", "days_late"]

    def get_queryset(self):
        return Milestone.objects.with_lateness().select_related("project")

    def perform_create(self, serializer):
        candidate = Milestone(project=serializer.validated_data["project"])
        services.check_milestone_write(actor=self.request.user, milestone=candidate, data=serializer.validated_data)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        services.check_milestone_write(
            actor=self.request.user, milestone=serializer.instance, data=serializer.validated_data
        )
        super().perform_update(serializer)

    def perform_destroy(self, instance):
        services.check_milestone_write(actor=self.request.user, milestone=instance, data=None, deleting=True)
        super().perform_destroy(instance)


class ProgressReportViewSet(AttachmentsActionMixin, ScopedModelViewSet):
    """Monthly progress reports. Units file and revise them; the office approves or returns them."""

    queryset = ProgressReport.objects.select_related("project").prefetch_related("completions")
    serializer_class = serializers.ProgressReportSerializer
    filterset_class = filtersets.ProgressReportFilterSet
    ordering_fields = ["period", "progress", "submitted_at", "reviewed_at"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.progress_report_submit(
            actor=self.request.user, data=data, completions=self.completions(data), photos=self.photos(data)
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.progress_report_submit(
            actor=self.request.user,
            report=serializer.instance,
            data=data,
            completions=self.completions(data),
            photos=self.photos(data),
        )

    def photos(self, data: dict) -> list:
        """The ``photos`` parts of a multipart request; a photo over the size limit was dropped while it arrived, and
        the filing is refused rather than made without it."""
        skipped = skipped_message(self.request._request)
        if skipped:
            raise APIValidationError({"photos": [skipped]})
        return data.pop("photos", None) or []

    @staticmethod
    def completions(data: dict):
        given = data.pop("completions", None)
        return None if given is None else {row["milestone"]: row["actual_date"] for row in given}

    @extend_schema(request=serializers.ReviewSerializer, responses=serializers.ProgressReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted report (office staff); the project's progress follows it."""
        review = serializers.ReviewSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        report = services.progress_report_approve(
            actor=request.user, report=self.get_object(), comment=review.validated_data["comment"]
        )
        return Response(self.get_serializer(report).data)

    @extend_schema(
        operation_id="progress_reports_approve_many",
        request=serializers.BulkApprovalSerializer,
        responses=serializers.BulkApprovalResultSerializer,
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request):
        """Approve several submitted reports at once (office staff), as the review queue approves the ticked ones:
        ``{"ids": [...]}``, at most 500. A report not awaiting review (or not found) is refused with the reason and
        the others are approved; if anything else fails, none is."""
        body = serializers.BulkApprovalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        ids = list(dict.fromkeys(body.validated_data["ids"]))
        reports = list(ProgressReport.objects.filter(pk__in=ids))
        approved, refused = services.progress_reports_approve(
            actor=request.user, reports=reports, comment=body.validated_data["comment"]
        )
        reasons = {report.pk: reason for report, reason in refused}
        found = {report.pk for report in reports}
        missing = _("No such report.")
        answer = {
            "approved": [report.pk for report in approved],
            "refused": [
                {"id": pk, "detail": reasons.get(pk, missing)} for pk in ids if pk in reasons or pk not in found
            ],
        }
        return Response(serializers.BulkApprovalResultSerializer(answer).data)

    @extend_schema(request=serializers.ReturnSerializer, responses=serializers.ProgressReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        """Return a submitted report to its unit with a reason (office staff)."""
        review = serializers.ReturnSerializer(data=request.data)
        review.is_valid(raise_exception=True)
        report = services.progress_report_return(
            actor=request.user, report=self.get_object(), comment=review.validated_data["comment"]
        )
        return Response(self.get_serializer(report).data)


class FundingSourceViewSet(ScopedModelViewSet):
    queryset = FundingSource.objects.all()
    serializer_class = serializers.FundingSourceSerializer
    filterset_class = filtersets.FundingSourceFilterSet
    ordering_fields = ["code", "name"]


class FundingViewSet(ScopedModelViewSet):
    queryset = Funding.objects.select_related("project")
    serializer_class = serializers.FundingSerializer
    filterset_class = filtersets.FundingFilterSet
    ordering_fields = ["year", "planned", "allocated", "disbursed"]


class IndicatorViewSet(ScopedModelViewSet):
    queryset = Indicator.objects.all()
    serializer_class = serializers.IndicatorSerializer
    filterset_class = filtersets.IndicatorFilterSet
    ordering_fields = ["name", "deadline", "attainment"]

    def get_queryset(self):
        return Indicator.objects.with_attainment().prefetch_related("cooperating_orgs", "projects")


class IndicatorValueViewSet(ScopedModelViewSet):
    queryset = IndicatorValue.objects.select_related("indicator")
    serializer_class = serializers.IndicatorValueSerializer
    filterset_class = filtersets.IndicatorValueFilterSet
    ordering_fields = ["period", "value"]


class KeyListViewSet(viewsets.ReadOnlyModelViewSet):
    """年度重点项目计划: each region's annual key-project list. A district office submits its region's list for a year
    (``POST …/submit/``) to the office of the region above, which approves (``…/{id}/approve/``) or returns it with a
    reason (``…/{id}/return/``); a returned list is submitted again. Approved lists are the regions' baselines."""

    queryset = Baseline.objects.all()
    serializer_class = serializers.KeyListSerializer
    filterset_class = filtersets.BaselineFilterSet
    ordering_fields = ["year", "submitted_at", "decided_at"]

    def get_queryset(self):
        events = Prefetch("events", BaselineEvent.objects.order_by("at", "pk"))
        return Baseline.objects.with_counts().prefetch_related(events).order_by("-year", "pk")

    def get_serializer_class(self):
        return serializers.KeyListDetailSerializer if self.action == "retrieve" else serializers.KeyListSerializer

    def answer(self, baseline, status_code=status.HTTP_200_OK):
        baseline = self.get_queryset().get(pk=baseline.pk)
        return Response(serializers.KeyListDetailSerializer(baseline).data, status=status_code)

    @extend_schema(request=serializers.KeyListSubmitSerializer, responses=serializers.KeyListDetailSerializer)
    @action(detail=False, methods=["post"])
    def submit(self, request):
        """Submit the caller's region's list for ``year`` to the office of the region above (office staff of a
        region that has one), or submit a returned list again: the region's projects planned to run in that year
        are frozen as they stand now. 403 for a region with no office above (it approves its own on the page);
        409 while the year's list awaits a decision or once it is approved."""
        body = serializers.KeyListSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self.answer(services.key_list_submit(actor=request.user, **body.validated_data))

    @extend_schema(request=serializers.ReviewSerializer, responses=serializers.KeyListDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a list awaiting approval (office staff of the region directly above): it becomes the region's
        baseline for its year. 409 for a list not awaiting a decision (approved or returned meanwhile)."""
        body = serializers.ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        baseline = services.key_list_approve(
            actor=request.user, baseline=self.get_object(), note=body.validated_data["comment"]
        )
        return self.answer(baseline)

    @extend_schema(request=serializers.KeyListReturnSerializer, responses=serializers.KeyListDetailSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_list(self, request, pk=None):
        """Return a list awaiting approval to its district with a reason (office staff of the region directly
        above); the district submits it again. 409 for a list not awaiting a decision."""
        body = serializers.KeyListReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        baseline = services.key_list_return(
            actor=request.user, baseline=self.get_object(), reason=body.validated_data["reason"]
        )
        return self.answer(baseline)
