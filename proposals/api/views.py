"""The proposal API: reference data, proposals with their workflow steps and timeline, and the replies.

Every step of ``proposals.steps`` is a ``POST`` on the proposal (``/proposals/{id}/file/``…) that validates the
step's input, calls its service and answers with the proposal as ``GET`` shows it. The services check who may make
the step (403), whether the proposal's status allows it (409) and the data (400).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from attachments.api.views import AttachmentsActionMixin
from attachments.views import skipped_message
from common.api.views import ArchivableViewSetMixin, ScopedModelViewSet

from .. import filtersets, services
from ..models import Category, HandlingUnit, Proposal, Proposer, Reply, ResultClass, Session
from ..querysets import handling_units
from ..selectors import ledger_proposals
from ..steps import STEPS, Step
from ..views import cppcc_region
from . import serializers


class SessionViewSet(ScopedModelViewSet):
    queryset = Session.objects.all()
    serializer_class = serializers.SessionSerializer
    filterset_class = filtersets.SessionFilterSet
    ordering_fields = ["name", "year", "opening_date"]


class CategoryViewSet(ScopedModelViewSet):
    queryset = Category.objects.all()
    serializer_class = serializers.CategorySerializer
    ordering_fields = ["order", "name"]


class ResultClassViewSet(ScopedModelViewSet):
    queryset = ResultClass.objects.all()
    serializer_class = serializers.ResultClassSerializer
    ordering_fields = ["order", "code"]


class ProposerViewSet(ScopedModelViewSet):
    queryset = Proposer.objects.all()
    serializer_class = serializers.ProposerSerializer
    filterset_class = filtersets.ProposerFilterSet
    ordering_fields = ["name", "kind", "sector"]


class ProposalViewSet(AttachmentsActionMixin, ArchivableViewSetMixin, ScopedModelViewSet):
    """CPPCC proposals. The committee registers and edits them; the status only changes through the moves.
    ``attachments/``: the proposal's original as a scan (``proposals.attachments``)."""

    queryset = Proposal.objects.all()
    serializer_class = serializers.ProposalSerializer
    filterset_class = filtersets.ProposalFilterSet
    ordering_fields = ["number", "submitted_on", "due_date", "days_left", "status"]

    def get_queryset(self):
        if self.action in ("list", "retrieve", "create", "update", "partial_update"):
            return self.proposals()
        # The moves, the timeline and archiving need the row only (the services read and lock it themselves); the
        # figures stay because the filters expect them.
        return self.get_manager().with_figures()

    def proposals(self):
        """The proposals as the API shows them: derived figures, proposers and units in a constant number of
        queries. The list shows the active ones; a read by id finds archived ones too."""
        return ledger_proposals(proposals=self.get_manager().all()).prefetch_related("related_projects")

    def perform_create(self, serializer):
        self.check_write("add", serializer)
        data = dict(serializer.validated_data)
        serializer.instance = services.proposal_submit(
            actor=self.request.user,
            data=data,
            proposers=data.pop("proposers"),
            related_projects=data.pop("related_projects", []),
        )
        self.reload(serializer)

    def perform_update(self, serializer):
        self.check_write("change", serializer)
        data = dict(serializer.validated_data)
        serializer.instance = services.proposal_update(
            actor=self.request.user,
            proposal=serializer.instance,
            data=data,
            proposers=data.pop("proposers", None),
            related_projects=data.pop("related_projects", None),
        )
        self.reload(serializer)

    def archive(self, obj):
        services.proposal_archive(actor=self.request.user, proposal=obj)

    def restore_object(self, obj):
        return services.proposal_restore(actor=self.request.user, proposal=obj)

    def make(self, request, step: Step):
        """Validate the step's input, call its service with it, and answer with the proposal as ``GET`` shows it
        (with the step's ``warnings``, for a step that has some)."""
        proposal = self.get_object()
        form = step.serializer(data=request.data, context={**self.get_serializer_context(), "proposal": proposal})
        renamed = getattr(form, "service_fields", {})
        skipped = skipped_message(request._request)
        if skipped:
            # A letter dropped on the way for its size would otherwise leave the move made without it.
            raise APIValidationError({renamed.get("files", "files"): [skipped]})
        form.is_valid(raise_exception=True)
        try:
            result = step.service(actor=request.user, proposal=proposal, **form.validated_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict") or not renamed:
                raise
            raise APIValidationError(
                {renamed.get(field, field): messages for field, messages in error.message_dict.items()}
            ) from None
        shown = self.proposals().get(pk=proposal.pk)
        if step.warnings is None:
            return Response(self.get_serializer(shown).data)
        shown.warnings = step.warnings(result)
        return Response(serializers.SignedOffProposalSerializer(shown, context=self.get_serializer_context()).data)

    @extend_schema(responses=serializers.EventSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def events(self, request, pk=None):
        """The proposal's timeline: every step with who made it, when, the status before and after, and a note."""
        proposal = self.get_object()
        events = proposal.events.select_related("actor").order_by("at", "pk")
        return Response(serializers.EventSerializer(events, many=True).data)


def step_action(step: Step):
    """The API action of a step: ``POST /proposals/{id}/<slug>/`` with the step's input."""

    def make_step(self, request, pk=None):
        return self.make(request, step)

    make_step.__name__ = step.action
    make_step.__doc__ = step.description
    response = serializers.SignedOffProposalSerializer if step.warnings else serializers.ProposalSerializer
    made = action(detail=True, methods=["post"], url_path=step.slug)(make_step)
    return extend_schema(request=step.serializer, responses=response, summary=step.summary)(made)


# One action per step, named after it (``file``, ``not_file``, ``sign_off``…, as URL names ``api:proposal-file``…).
for declared in STEPS.values():
    setattr(ProposalViewSet, declared.action, step_action(declared))


class ReplyViewSet(AttachmentsActionMixin, ScopedModelViewSet):
    """The units' reply letters, drafted, signed off and recorded by the proposal's moves. A draft is seen only by its
    own unit's people. Publishing is the committee's decision: ``publish/`` and ``withdraw/`` (or ``is_public`` in a
    ``PATCH``), each a step on the proposal's timeline. ``attachments/``: the letter as signed and stamped, added by
    the unit until the reply is issued, and the server's PDF of the issued letter."""

    queryset = Reply.objects.select_related("unit", "result_class", "signed_off_by", "proposal")
    serializer_class = serializers.ReplySerializer
    filterset_class = filtersets.ReplyFilterSet
    ordering_fields = ["issued_on", "signed_off_on", "round", "support_count", "oppose_count"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        raise MethodNotAllowed(request.method)  # replies come from the proposal's moves

    def perform_update(self, serializer):
        self.check_write("change", serializer)
        if "is_public" in serializer.validated_data:
            services.reply_set_public(
                actor=self.request.user, reply=serializer.instance, is_public=serializer.validated_data["is_public"]
            )
        self.reload(serializer)

    def answer(self, reply):
        return Response(self.get_serializer(self.get_queryset().get(pk=reply.pk)).data)

    @extend_schema(request=None, responses=serializers.ReplySerializer, summary=gettext_lazy("Publish (the committee)"))
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """The committee publishes an issued reply of the current round (without the contact)."""
        reply = self.get_object()
        return self.answer(services.reply_publish(actor=request.user, reply=reply))

    @extend_schema(
        request=serializers.WithdrawSerializer,
        responses=serializers.ReplySerializer,
        summary=gettext_lazy("Withdraw from the public pages (the committee)"),
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The committee takes a published reply off the public pages."""
        reply = self.get_object()
        form = serializers.WithdrawSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self.answer(services.reply_withdraw(actor=request.user, reply=reply, **form.validated_data))


class HandlingUnitViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """承办单位名录: the units of the caller's region that its CPPCC's proposals may be assigned to, by organisation id.
    The committee puts one of its region's units on the list (``POST`` with ``organization``) or takes it off
    (``DELETE``); a CPPCC body, a democratic party, a proposer or another region's unit is refused. The superuser
    reads a region's list with ``?region=``."""

    queryset = HandlingUnit.objects.all()  # the permission's model; the rows shown are organisations
    serializer_class = serializers.HandlingUnitSerializer
    lookup_value_regex = "[0-9]+"
    pagination_class = None
    filter_backends = []

    def get_queryset(self):
        # The caller's own region's CPPCC's list (the superuser names the region: ``?region=``).
        return handling_units(cppcc_region(self.request)).select_related("handling_unit").order_by("kind", "name")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    @extend_schema(request=serializers.HandlingUnitAddSerializer, responses={201: serializers.HandlingUnitSerializer})
    @transaction.atomic
    def create(self, request, *args, **kwargs):
        form = serializers.HandlingUnitAddSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        organization = form.validated_data["organization"]
        services.handling_units_set(actor=request.user, add=[organization], note=form.validated_data.get("note", ""))
        shown = self.get_queryset().get(pk=organization.pk)
        return Response(self.get_serializer(shown).data, status=status.HTTP_201_CREATED)

    @transaction.atomic
    def destroy(self, request, *args, **kwargs):
        services.handling_units_set(actor=request.user, remove=[self.get_object()])
        return Response(status=status.HTTP_204_NO_CONTENT)
