"""领导批示: the list, an instruction's page with the units' reports, and recording one on a project, a proposal or a
notice (the leader's own, or 代录 by office or committee staff)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic

from common.db import choice_rank
from common.exceptions import ActionForbidden
from common.views import ObjectListView, ObjectPermissionMixin
from proposals.views import add_service_errors

from .. import services
from ..choices import InstructionStatus
from ..filtersets import InstructionFilterSet
from ..forms import InstructionForm
from ..models import Instruction
from ..selectors import instructions_for
from ..services.base import subject_region
from ..steps import INSTRUCTION_STEPS, may_instruct
from .base import StepsDetailView, StepView, subject_from_query, subject_kind


class InstructionListView(ObjectListView):
    model = Instruction
    template_name = "supervision/instruction_list.html"
    filterset_class = InstructionFilterSet
    chosen_only_filters = ("project", "proposal")
    ordering_fields = {
        "given_on": "given_on",
        "due_date": "due_date",
        "status": choice_rank("status", InstructionStatus.values),
    }
    default_ordering = ("-given_on", "-pk")

    def get_base_queryset(self):
        return (
            instructions_for(self.request.user)
            .select_related("leader", "recorded_by", "project", "proposal", "notice")
            .prefetch_related("units")
        )


class InstructionDetailView(StepsDetailView):
    model = Instruction
    template_name = "supervision/instruction_detail.html"
    steps = INSTRUCTION_STEPS

    def get_queryset(self):
        return (
            instructions_for(self.request.user)
            .select_related("leader", "recorded_by", "project", "proposal__session", "notice")
            .prefetch_related("units")
        )


class InstructionStepView(StepView, InstructionDetailView):
    pass


class InstructionCreateView(ObjectPermissionMixin, generic.FormView):
    """``?project=``, ``?proposal=`` or ``?notice=<pk>``: what the instruction is about."""

    model = Instruction
    action = "add"
    template_name = "supervision/instruction_form.html"
    form_class = InstructionForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.subject = subject_from_query(request, "project", "proposal", "notice")
            if request.user.can("add", Instruction) and not may_instruct(request.user, self.subject):
                raise PermissionDenied(
                    _("Only a leader, or office or committee staff of its region, records instructions.")
                )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "region": subject_region(self.subject), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(subject=self.subject, kind=subject_kind(self.subject))
        return context

    def form_valid(self, form):
        data = dict(form.cleaned_data)
        data.setdefault("leader", self.request.user)
        try:
            instruction = services.instruction_give(actor=self.request.user, subject=self.subject, **data)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Instruction recorded."))
        return HttpResponseRedirect(instruction.get_absolute_url())

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)
