"""Pages of the proposal workflow: the committee's ledger, the proposal page with its moves, the units' inbox, the
reference data, and the public pages of published replies."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from accounts.models import Region
from attachments.views import skipped_message
from common.db import choice_rank
from common.exceptions import ActionForbidden, WorkflowError
from common.views import (
    ObjectArchiveView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    ObjectPermissionMixin,
    parse_pk,
)
from jobs.views import ExportJobMixin
from projects.models import Project

from . import forms, resources, services, votes
from .choices import ProposalMove, ProposalStatus
from .filtersets import ProposalFilterSet
from .models import Assignment, Category, Event, HandlingUnit, Proposal, Reply, ResultClass, Session
from .querysets import handling_unit_candidates, handling_units
from .selectors import (
    cppcc_name,
    cppcc_published_replies,
    inbox_assignments,
    inbox_is_own_unit,
    ledger_proposals,
    public_cppccs,
    published_replies,
    readable_cppcc_regions,
    sessions_with_published_replies,
    unit_inbox,
)
from .steps import BY_SLUG, STEPS


def add_service_errors(form, error: ValidationError):
    """Show a service's validation errors beside the form's fields (on top for fields the form does not have; a form
    names the fields it gives other names in ``service_fields``)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renamed = getattr(form, "service_fields", {})
    for field, field_errors in error.message_dict.items():
        field = renamed.get(field, field)
        form.add_error(field if field in form.fields else None, field_errors)


class ProposalListView(ExportJobMixin, ObjectListView):
    """提案台账: every proposal, filtered by the FilterSet the API uses."""

    model = Proposal
    template_name = "proposals/proposal_list.html"
    filterset_class = ProposalFilterSet
    export_resource_class = resources.ProposalResource
    export_title = "提案台账"
    ordering_fields = {
        "number": "number",
        "title": "title",
        "submitted_on": "submitted_on",
        "status": choice_rank("status", ProposalStatus.values),
        "due_date": "due_date",
        "days_left": "days_left",
    }
    default_ordering = ("-session__year", "session__name", "number")

    def get_base_queryset(self):
        return ledger_proposals(proposals=self.rows())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filtered = self.filtered_queryset
        context["overdue_count"] = filtered.filter(overdue=True).count()
        context["key_count"] = filtered.filter(is_key=True).count()
        return context


class ProposalDetailView(ObjectDetailView):
    model = Proposal
    template_name = "proposals/proposal_detail.html"

    def get_queryset(self):
        return (
            Proposal.all_objects.with_figures()
            .select_related("session", "category", "merged_into")
            .prefetch_related(
                "signatures__proposer",
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.with_state().select_related("unit").order_by("role", "unit__name"),
                ),
                Prefetch("replies", queryset=Reply.objects.select_related("unit", "result_class", "signed_off_by")),
                "feedbacks__proposer",
                Prefetch(
                    "merged_proposals",
                    queryset=Proposal.objects.prefetch_related("signatures__proposer").order_by("number"),
                ),
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        proposal = self.object
        handling = proposal.handling_proposal
        if handling.pk != proposal.pk:
            handling = self.get_queryset().get(pk=handling.pk)
        user = self.request.user
        # Issued replies for everyone; a draft only for its own unit's people (``ReplyQuerySet.visible_to``).
        replies = sorted(
            (r for r in handling.replies.all() if r.is_issued or r.unit_id == user.organization_id),
            key=lambda reply: (reply.round, reply.signed_off_on or timezone.localdate(), reply.pk),
        )
        context.update(
            handling=handling,
            replies=replies,
            feedbacks=sorted(handling.feedbacks.all(), key=lambda feedback: (feedback.round, feedback.given_on)),
            events=Event.objects.filter(proposal=proposal).select_related("actor__organization"),
            related_projects=user.scope(Project.objects.with_figures())
            .filter(proposals=proposal)
            .select_related("lead_org", "domain")
            .order_by("code"),
            steps=[STEPS[move] for move in services.available_moves(self.request.user, proposal)],
            can_publish=user.has_perm("proposals.handle_proposal") and not proposal.is_archived,
            addressees=[signature.proposer for signature in proposal.ordered_signatures],
            # Only a proposal registered by mistake (still just submitted) is archived (services.proposal_archive).
            can_archive=context["can_delete"]
            and not proposal.is_archived
            and proposal.status == ProposalStatus.SUBMITTED,
            can_restore=context["can_delete"] and proposal.is_archived,
        )
        return context


class ProposalArchiveView(ObjectArchiveView):
    model = Proposal

    def archive(self, obj):
        services.proposal_archive(actor=self.request.user, proposal=obj)

    def restore(self, obj):
        services.proposal_restore(actor=self.request.user, proposal=obj)


class UserFormMixin:
    """The form chooses among what the user may write (``forms.ProposalForm``, ``forms.CppccReferenceForm``)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ProposalEditView(UserFormMixin, ObjectEditView):
    model = Proposal
    form_class = forms.ProposalForm
    template_name = "generic/object_form.html"

    @property
    def list_url(self):
        return reverse("proposal-list")

    def save(self, form, formsets):
        try:
            self.object = form.save_with(self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            messages.error(self.request, _("Nothing was saved. Correct the errors below."))
            return self.render_to_response(self.get_context_data(form=form))
        messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        return HttpResponseRedirect(self.object.get_absolute_url())


class ProposalMoveView(ObjectPermissionMixin, generic.DetailView):
    """One step of the workflow (``proposals.steps``): GET shows its form, POST makes it through its service, which
    checks everything."""

    model = Proposal
    template_name = "proposals/proposal_move.html"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["move"] not in BY_SLUG:
            raise Http404
        self.step = BY_SLUG[kwargs["move"]]
        # A role that can never make this step gets 403 at once; the rest is for the service to judge.
        if request.user.is_authenticated and not request.user.has_perm(f"proposals.{self.step.permission}"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Proposal.objects.select_related("session").prefetch_related(
            "signatures__proposer", "assignments__unit", "replies"
        )

    def get_form(self):
        if self.request.method != "POST":
            return self.step.form(None, proposal=self.object, user=self.request.user)
        return self.step.form(self.request.POST, self.request.FILES, proposal=self.object, user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context.setdefault("form", self.get_form())
        context["step"] = self.step
        context["allowed"] = self.step.move in services.available_moves(self.request.user, self.object)
        draft = getattr(form, "draft", None)
        context["draft"] = draft
        if draft is not None and isinstance(form, forms.SignerForm):
            context["addressees"] = [signature.proposer for signature in self.object.ordered_signatures]
            context["warnings"] = services.sign_off_warnings(draft) if not draft.is_issued else []
        return context

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = self.get_form()
        skipped = skipped_message(request)
        if skipped:
            # A letter dropped on the way for its size would otherwise leave the step made without it.
            form.add_error(None, skipped)
        elif form.is_valid():
            try:
                result = self.step.service(actor=request.user, proposal=self.object, **form.cleaned_data)
            except ActionForbidden as error:
                raise PermissionDenied(str(error.message)) from error
            except WorkflowError as error:
                messages.error(request, error.message)
                response = self.render_to_response(self.get_context_data(form=form))
                response.status_code = 409
                return response
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                label = ProposalMove(self.step.move).label
                messages.success(request, _("%(move)s: %(proposal)s") % {"move": label, "proposal": self.object.number})
                if self.step.warnings is not None:
                    for warning in self.step.warnings(result):
                        messages.warning(request, warning)
                return HttpResponseRedirect(self.object.get_absolute_url())
        messages.error(request, _("Nothing was saved. Correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form))


class ReplyLetterView(ObjectPermissionMixin, generic.DetailView):
    """A reply letter on its own, laid out for printing. A draft is shown only to its own unit's people (and marked
    as a draft); the committee publishes or withdraws an issued reply here."""

    model = Reply
    template_name = "proposals/reply_letter.html"

    def get_queryset(self):
        return (
            Reply.objects.visible_to(self.request.user)
            .select_related("unit", "result_class", "proposal__session", "signed_off_by")
            .prefetch_related("proposal__signatures__proposer")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["addressees"] = [signature.proposer for signature in self.object.proposal.ordered_signatures]
        context["can_publish"] = self.request.user.has_perm("proposals.handle_proposal")
        return context


class ReplyPublicationView(ObjectPermissionMixin, generic.DetailView):
    """发布 / 撤回: the committee publishes an issued reply on the public pages, or takes it down (a POST; GET shows
    the letter's page)."""

    model = Reply
    actions = {"publish": services.reply_publish, "withdraw": services.reply_withdraw}

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in self.actions:
            raise Http404
        if request.user.is_authenticated and not request.user.has_perm("proposals.handle_proposal"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return Reply.objects.visible_to(self.request.user).select_related("proposal", "unit", "result_class")

    def get(self, request, *args, **kwargs):
        return HttpResponseRedirect(reverse("reply-letter", args=[kwargs["pk"]]))

    def post(self, request, *args, **kwargs):
        reply = self.get_object()
        try:
            self.actions[kwargs["action"]](actor=request.user, reply=reply)
        except ActionForbidden as error:
            raise PermissionDenied(str(error.message)) from error
        except WorkflowError as error:
            messages.error(request, error.message)
        else:
            label = ProposalMove.PUBLISH_REPLY if kwargs["action"] == "publish" else ProposalMove.WITHDRAW_REPLY
            messages.success(request, ProposalMove(label).label)
        return HttpResponseRedirect(reverse("reply-letter", args=[reply.pk]))


class HandlingUnitsView(ObjectPermissionMixin, generic.FormView):
    """承办单位名录: the units of the user's region that its CPPCC's proposals may be assigned to; its committee ticks
    them on and off. A reader of several CPPCCs opens each one's (``?region=``, ``cppcc_region``)."""

    model = HandlingUnit
    template_name = "proposals/handling_units.html"
    form_class = forms.HandlingUnitsForm

    @cached_property
    def region(self) -> Region | None:
        return cppcc_region(self.request)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "region": self.region}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        listed = set(handling_units(self.region).values_list("pk", flat=True))
        candidates = handling_unit_candidates(self.region).order_by("kind", "name")
        entries = {entry.organization_id: entry for entry in HandlingUnit.objects.filter(organization__in=candidates)}
        rows = [(org, org.pk in listed, entries.get(org.pk)) for org in candidates]
        context.update(
            region=self.region,
            cppcc_regions=readable_cppcc_regions(self.request.user),
            rows=sorted(rows, key=lambda row: not row[1]),  # the list first, then the units that may be added
            listed_count=len(listed),
            can_edit=self.request.user.has_perm("proposals.change_handlingunit"),
        )
        return context

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("proposals.change_handlingunit"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            added, removed = form.perform(self.request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The list of handling units is saved: %(added)d added, %(removed)d taken off.")
            % {"added": len(added), "removed": len(removed)},
        )
        return HttpResponseRedirect(self.request.get_full_path())


def cppcc_region(request) -> Region | None:
    """The region whose CPPCC's list of handling units a page or the API shows: the user's own, or a CPPCC's the user
    reads (``?region=``; the superuser names any region). Only its own committee changes it (the service's rule)."""
    user = request.user
    pk = parse_pk(request.GET.get("region"))
    if pk is None:
        return user.region
    return get_object_or_404(Region.objects.all() if user.is_superuser else readable_cppcc_regions(user), pk=pk)


class InboxView(ObjectPermissionMixin, generic.TemplateView):
    """承办单位待办: what a unit still owes (reply, or opinion to the lead unit), the most urgent first; office staff
    and the committee see every unit's."""

    model = Proposal
    template_name = "proposals/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assignments = inbox_assignments(user)
        context["own_unit"] = inbox_is_own_unit(user)
        context["pending"] = unit_inbox(user)
        context["can_sign"] = user.has_perm("proposals.sign_reply")
        context["reassign_requested"] = (
            assignments.filter(proposal__status=ProposalStatus.REASSIGN_REQUESTED)
            .order_by("proposal__number")
            .distinct()
        )
        context["done"] = (
            assignments.filter(pending=False)
            .exclude(proposal__status=ProposalStatus.REASSIGN_REQUESTED)
            .order_by("-proposal__last_updated")[:20]
        )
        return context


class ReferenceDataView(ObjectPermissionMixin, generic.TemplateView):
    """Sessions, categories and result classes: reference data each CPPCC's committee keeps for itself. A reader of
    several regions sees each row's region."""

    model = Session
    template_name = "proposals/reference.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        sessions = user.scope(Session.objects.select_related("region"))
        categories = user.scope(Category.objects.select_related("region"))
        result_classes = user.scope(ResultClass.objects.select_related("region"))
        regions = {row.region_id for rows in (sessions, categories, result_classes) for row in rows}
        context.update(
            sessions=sessions,
            categories=categories,
            result_classes=result_classes,
            show_region=len(regions) > 1,
            handling_unit_count=handling_units(user.region).count(),
            can_edit=user.can("change", Session),
        )
        return context


class ReferenceEditView(UserFormMixin, ObjectEditView):
    template_name = "generic/object_form.html"

    @property
    def list_url(self):
        return reverse("proposal-reference")

    def get_success_url(self):
        return reverse("proposal-reference")


class SessionEditView(ReferenceEditView):
    model = Session
    form_class = forms.SessionForm


class CategoryEditView(ReferenceEditView):
    model = Category
    form_class = forms.CategoryForm


class ResultClassEditView(ReferenceEditView):
    model = ResultClass
    form_class = forms.ResultClassForm


def public_list_url(region: Region | None) -> str:
    """A CPPCC's public list of replies (a deployment without regions has only the one at ``/public/proposals/``)."""
    return reverse("public-cppcc-replies", args=[region.pk]) if region else reverse("public-reply-list")


@method_decorator(login_not_required, name="dispatch")
class PublicReplyListView(generic.ListView):
    """One CPPCC's published replies by session, for the public: no contact details, nothing unpublished.

    ``/public/proposals/cppcc/<region>/`` is a CPPCC's list. ``/public/proposals/`` lists the CPPCCs that have
    published replies, or leads to the only one; without regions it is the list itself. Its old links still work:
    ``?session=`` leads to that session's CPPCC, ``?cppcc=<region>`` to that CPPCC."""

    template_name = "proposals/public_list.html"
    paginate_by = 20

    region: Region | None = None

    def get(self, request, *args, **kwargs):
        if "region" in kwargs:
            self.region = get_object_or_404(Region.objects.select_related("cppcc"), pk=kwargs["region"])
            return super().get(request, *args, **kwargs)
        session = Session.objects.filter(pk=parse_pk(request.GET.get("session"))).first()
        if session is not None and session.region_id is not None:
            return HttpResponseRedirect(f"{public_list_url(session.region)}?session={session.pk}")
        if "cppcc" in request.GET:  # ``?cppcc=`` without a region: the CPPCC of no region, listed here
            chosen = parse_pk(request.GET["cppcc"])
            if chosen is not None:
                return HttpResponseRedirect(public_list_url(get_object_or_404(Region, pk=chosen)))
        elif session is None:
            cppccs = public_cppccs()
            if len(cppccs) > 1:
                return TemplateResponse(request, "proposals/public_cppccs.html", {"cppccs": cppccs})
            if cppccs and cppccs[0]["region"] is not None:
                return HttpResponseRedirect(public_list_url(cppccs[0]["region"]))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        region_id = self.region.pk if self.region else None
        session_pk = parse_pk(self.request.GET.get("session"))
        self.session = sessions_with_published_replies(region_id).filter(pk=session_pk).first()
        replies = cppcc_published_replies(region_id, session_id=session_pk)
        return replies.prefetch_related("proposal__signatures__proposer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            cppcc=cppcc_name(self.region) if self.region else None,
            sessions=sessions_with_published_replies(self.region.pk if self.region else None),
            session=self.session,
            list_url=public_list_url(self.region),
            several_cppccs=len(public_cppccs()) > 1,
        )
        return context


@method_decorator(login_not_required, name="dispatch")
class PublicReplyDetailView(generic.DetailView):
    template_name = "proposals/public_detail.html"
    context_object_name = "reply"

    def get_queryset(self):
        return published_replies().prefetch_related("proposal__signatures__proposer")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.object.proposal.session.region
        context["addressees"] = [signature.proposer for signature in self.object.proposal.ordered_signatures]
        context["voted"] = self.object.pk in self.request.session.get("proposal_votes", [])
        context["cppcc"] = cppcc_name(region) if region else None
        context["list_url"] = public_list_url(region)
        return context


@method_decorator(login_not_required, name="dispatch")
class PublicVoteView(generic.View):
    """支持 / 反对: once per reply per browser session, and at most ``VOTES_PER_HOUR`` votes an hour per address."""

    http_method_names = ["post"]

    def post(self, request, pk):
        reply = get_object_or_404(published_replies(), pk=pk)
        choice = request.POST.get("choice")
        if choice not in ("support", "oppose"):
            return HttpResponse(_("Choose support or oppose."), status=400)
        back = reverse("public-reply-detail", args=[reply.pk])
        voted = request.session.get("proposal_votes", [])
        if reply.pk in voted:
            messages.info(request, _("You have already given your view on this reply."))
            return HttpResponseRedirect(back)
        # The visitor's address as the login lockout reads it: behind the reverse proxy, from X-Forwarded-For.
        address = get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "")
        if not votes.public_vote(reply=reply, choice=choice, address=address):
            return HttpResponse(_("Too many votes from your address; try again later."), status=429)
        request.session["proposal_votes"] = [*voted, reply.pk]
        messages.success(request, _("Thank you: your view has been counted."))
        return HttpResponseRedirect(back)
