"""The supervision API. A notice, an instruction or a promise is created by ``POST`` and moved by its steps
(``POST …/{id}/acknowledge/``…), each calling its service: who may (403), in which state (409), with which data (400).
Lists hold what the caller reads: a unit's people their own unit's, the office, committee and leaders their regions'.
Evidence goes up through ``…/{id}/attachments/``."""

from django.db import transaction
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from attachments.api.views import AttachmentsActionMixin

from .. import selectors, services
from ..filtersets import CommitmentFilterSet, InstructionFilterSet, NoticeFilterSet
from ..models import Commitment, Event, Instruction, Notice
from . import serializers

EVENTS = Prefetch("events", queryset=Event.objects.select_related("actor", "on_behalf_of"))


class StepViewSet(AttachmentsActionMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema's anonymous reading
            return self.queryset.none()
        return self.rows(self.request.user)

    def step(self, request, service, input_serializer=None, **extra):
        obj = self.get_object()
        data = {}
        if input_serializer is not None:
            form = input_serializer(data=request.data, context=self.get_serializer_context())
            form.is_valid(raise_exception=True)
            data = form.validated_data
        with transaction.atomic():
            service(actor=request.user, **{self.service_name: obj}, **data, **extra)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    def created(self, obj):
        shown = self.get_queryset().get(pk=obj.pk)
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)


class NoticeViewSet(StepViewSet):
    """督办单. ``POST`` (office on a project, committee on a proposal) issues one to a responsible unit; the unit
    ``acknowledge/``s and ``answer/``s; the issuing side ``accept/``s or ``return/``s it; a leader ``hang-red/``s it
    (staff naming the ``leader``). ``level`` is ``blue``, ``yellow`` (by the daily run) or ``red``."""

    queryset = Notice.objects.all()  # the model whose permissions the role needs
    serializer_class = serializers.NoticeSerializer
    service_name = "notice"
    filterset_class = NoticeFilterSet
    ordering_fields = ["deadline", "issued_at"]

    def rows(self, user):
        return selectors.notices_for(user).select_related("unit").prefetch_related(EVENTS)

    @extend_schema(request=serializers.NoticeCreateSerializer, responses={201: serializers.NoticeSerializer})
    def create(self, request):
        form = serializers.NoticeCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        with transaction.atomic():
            notice = services.notice_issue(actor=request.user, **form.validated_data)
        return self.created(notice)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self.step(request, services.notice_acknowledge)

    @extend_schema(request=serializers.SupervisionTextSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self.step(request, services.notice_answer, serializers.SupervisionTextSerializer)

    @extend_schema(request=serializers.SupervisionNoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.step(request, services.notice_accept, serializers.SupervisionNoteSerializer)

    @extend_schema(request=serializers.SupervisionReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        return self.step(request, services.notice_return, serializers.SupervisionReasonSerializer)

    @extend_schema(request=serializers.HangRedSerializer)
    @action(detail=True, methods=["post"], url_path="hang-red")
    def hang_red(self, request, pk=None):
        return self.step(request, services.notice_hang_red, serializers.HangRedSerializer)


class InstructionViewSet(StepViewSet):
    """领导批示 on a project, a proposal or a notice. A leader ``POST``s his own; staff record one naming the
    ``leader`` (代录). The named units ``report/``; the office (the committee, on a proposal) ``carry-out/``s it."""

    queryset = Instruction.objects.all()
    serializer_class = serializers.InstructionSerializer
    service_name = "instruction"
    filterset_class = InstructionFilterSet
    ordering_fields = ["given_on", "due_date"]

    def rows(self, user):
        return selectors.instructions_for(user).select_related("leader").prefetch_related(EVENTS, "units")

    @extend_schema(request=serializers.InstructionCreateSerializer, responses={201: serializers.InstructionSerializer})
    def create(self, request):
        form = serializers.InstructionCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        with transaction.atomic():
            instruction = services.instruction_give(actor=request.user, **form.validated_data)
        return self.created(instruction)

    @extend_schema(request=serializers.SupervisionTextSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self.step(request, services.instruction_report, serializers.SupervisionTextSerializer)

    @extend_schema(request=serializers.SupervisionNoteSerializer)
    @action(detail=True, methods=["post"], url_path="carry-out")
    def carry_out(self, request, pk=None):
        return self.step(request, services.instruction_carry_out, serializers.SupervisionNoteSerializer)


class CommitmentViewSet(StepViewSet):
    """办理承诺 of class A/B replies. The reply's unit (or the committee) ``POST``s one; the unit ``report/``s it
    kept; only the committee ``confirm/``s it fulfilled or ``return/``s the report."""

    queryset = Commitment.objects.all()
    serializer_class = serializers.CommitmentSerializer
    service_name = "commitment"
    filterset_class = CommitmentFilterSet
    ordering_fields = ["due_date", "created_at"]

    def rows(self, user):
        return selectors.commitments_for(user).select_related("unit", "reply").prefetch_related(EVENTS, "projects")

    @extend_schema(request=serializers.CommitmentCreateSerializer, responses={201: serializers.CommitmentSerializer})
    def create(self, request):
        form = serializers.CommitmentCreateSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        with transaction.atomic():
            commitment = services.commitment_record(actor=request.user, **form.validated_data)
        return self.created(commitment)

    @extend_schema(request=serializers.SupervisionTextSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self.step(request, services.commitment_report, serializers.SupervisionTextSerializer)

    @extend_schema(request=serializers.SupervisionNoteSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.step(request, services.commitment_confirm, serializers.SupervisionNoteSerializer)

    @extend_schema(request=serializers.SupervisionReasonSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        return self.step(request, services.commitment_return, serializers.SupervisionReasonSerializer)
