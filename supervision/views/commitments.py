"""办理承诺: the list with its 落实率, a promise's page with its steps, recording one from an issued reply, and the
proposers' contacts (mobile number and consent to text messages) the committee keeps."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import generic

from common.db import choice_rank
from common.exceptions import ActionForbidden, WorkflowError
from common.views import ObjectListView, ObjectPermissionMixin, parse_pk
from proposals.models import Proposer, Reply
from proposals.views import add_service_errors

from .. import services
from ..choices import CommitmentStatus
from ..filtersets import CommitmentFilterSet
from ..forms import CommitmentForm, ProposerContactForm
from ..models import Commitment, ProposerContact
from ..selectors import commitment_figures, commitments_for
from ..services.contacts import proposer_contact_record
from ..steps import COMMITMENT_STEPS, may_record_promise
from .base import StepsDetailView, StepView


class CommitmentListView(ObjectListView):
    model = Commitment
    template_name = "supervision/commitment_list.html"
    filterset_class = CommitmentFilterSet
    chosen_only_filters = ("project", "proposal")
    ordering_fields = {
        "due_date": "due_date",
        "status": choice_rank("status", CommitmentStatus.values),
    }
    default_ordering = ("due_date", "pk")

    def get_base_queryset(self):
        return commitments_for(self.request.user).select_related("unit", "reply__proposal__session")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # 落实率 over exactly the rows the filters chose.
        context["figures"] = commitment_figures(self.filtered_queryset, timezone.localdate())
        return context


class CommitmentDetailView(StepsDetailView):
    model = Commitment
    template_name = "supervision/commitment_detail.html"
    steps = COMMITMENT_STEPS

    def get_queryset(self):
        return commitments_for(self.request.user).select_related(
            "unit", "recorded_by", "reply__proposal__session", "reply__result_class"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["projects"] = user.scope(self.object.projects.all()).order_by("code")
        context["can_keep_contacts"] = user.has_perm("supervision.add_proposercontact")
        return context


class CommitmentStepView(StepView, CommitmentDetailView):
    pass


class CommitmentCreateView(ObjectPermissionMixin, generic.FormView):
    """``?reply=<pk>``: a promise of that issued reply, by the reply's unit or the committee."""

    model = Commitment
    action = "add"
    template_name = "supervision/commitment_form.html"
    form_class = CommitmentForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            pk = parse_pk(request.GET.get("reply"))
            if pk is None:
                raise Http404
            replies = request.user.scope(
                Reply.objects.issued().select_related("proposal__session", "unit", "result_class")
            )
            self.reply = get_object_or_404(replies, pk=pk)
            if request.user.can("add", Commitment) and not may_record_promise(request.user, self.reply):
                raise PermissionDenied(
                    _("Only the reply's unit or the committee records the promises of a class A or B reply.")
                )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(reply=self.reply, **kwargs)

    def form_valid(self, form):
        try:
            commitment = services.commitment_record(actor=self.request.user, reply=self.reply, **form.cleaned_data)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except WorkflowError as error:
            messages.error(self.request, error.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Promise recorded."))
        return HttpResponseRedirect(commitment.get_absolute_url())

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ProposerContactView(ObjectPermissionMixin, generic.FormView):
    """The proposers of a promise's proposal with their mobile numbers (masked) and consent; the committee records
    one."""

    model = ProposerContact
    template_name = "supervision/proposer_contacts.html"
    form_class = ProposerContactForm

    def get_action(self):
        return "add" if self.request.method == "POST" else "view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            rows = commitments_for(request.user).select_related("reply__proposal__session", "unit")
            self.commitment = get_object_or_404(rows, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def proposers(self):
        proposal = self.commitment.reply.proposal
        return Proposer.objects.filter(pk__in=proposal.signatures.values("proposer")).order_by("name")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "proposers": self.proposers()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contacts = {c.proposer_id: c for c in ProposerContact.objects.filter(proposer__in=self.proposers())}
        context.update(
            commitment=self.commitment,
            rows=[(proposer, contacts.get(proposer.pk)) for proposer in self.proposers()],
        )
        return context

    def form_valid(self, form):
        try:
            contact = proposer_contact_record(actor=self.request.user, **form.cleaned_data)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Contact of %(name)s recorded.") % {"name": contact.proposer})
        return HttpResponseRedirect(self.request.path)

    def form_invalid(self, form):
        messages.error(self.request, _("Nothing was saved. Correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form), status=400)
