"""The pages of the annual key-project lists (年度重点项目计划): a district office submits its year's list, the office
of the region above approves or returns it, a region with no office above approves its own. Rules live in
``projects.services.key_lists``; these views only wire them to HTTP."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from common.exceptions import ActionForbidden, WorkflowError
from common.views import ObjectDetailView, ObjectListView, ObjectPermissionMixin

from . import selectors, services
from .choices import KeyListStatus
from .filtersets import BaselineFilterSet
from .forms import BaselineForm, DecisionForm, KeyListReturnForm
from .models import Baseline, BaselineEvent, ProjectBaseline, deciding_region


def refusal(request, error) -> None:
    """A refused move as a message on the page it came from; a refused actor is a 403."""
    if isinstance(error, ActionForbidden):
        raise PermissionDenied(str(error.message)) from error
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


class BaselineListView(ObjectListView):
    """年度重点项目计划: the lists the user reads; the own region's year's list to submit (or, with no office above,
    to approve); the lists of the regions directly below awaiting this office's decision; where they stand this year.
    """

    model = Baseline
    filterset_class = BaselineFilterSet
    template_name = "projects/baseline_list.html"
    default_ordering = ("-year", "region__code", "pk")

    def get_base_queryset(self):
        return Baseline.objects.with_counts().select_related("region", "submitted_by", "decided_by")

    def get_context_data(self, **kwargs):
        user = self.request.user
        region = user.region
        year = timezone.localdate().year
        may_write = user.has_perm("projects.add_baseline")
        form = kwargs.pop("form", None) or BaselineForm(initial={"year": year})
        context = super().get_context_data(**kwargs)
        context.update(
            form=form if may_write else None,
            submits_to=deciding_region(region),
            awaiting=self.awaiting_decision(user),
            below=selectors.key_list_status_below(region, year),
        )
        return context

    def awaiting_decision(self, user):
        """The lists of the regions directly below the user's awaiting its office's decision."""
        if not user.has_perm("projects.add_baseline") or user.region is None:
            return []
        lists = Baseline.objects.awaiting_decision_of(user.region).with_counts()
        return list(lists.select_related("region", "submitted_by").order_by("year", "region__code"))

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("projects.add_baseline"):
            raise PermissionDenied
        form = BaselineForm(request.POST)
        if form.is_valid():
            try:
                if services.may_submit(request.user):
                    baseline = services.key_list_submit(actor=request.user, **form.cleaned_data)
                    message = _("Submitted the %(year)s key-project list: %(count)s project(s) frozen.")
                    count = baseline.entries.count()
                else:
                    baseline, count = services.baseline_approve(actor=request.user, **form.cleaned_data)
                    message = _("Approved the %(year)s project list: %(count)s project(s) frozen in the baseline.")
            except (WorkflowError, ActionForbidden) as error:
                refusal(request, error)
            else:
                messages.success(request, message % {"year": baseline.year, "count": count})
                return HttpResponseRedirect(baseline.get_absolute_url())
        else:
            messages.error(request, _("Nothing was saved. Correct the errors below."))
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data(form=form))


class BaselineDetailView(ObjectDetailView):
    """One list: its projects with their frozen and current plans, its course, and the moves open to the user."""

    model = Baseline
    template_name = "projects/baseline_detail.html"

    def get_queryset(self):
        events = BaselineEvent.objects.select_related("actor__organization")
        return Baseline.objects.select_related("region", "submitted_by", "decided_by").prefetch_related(
            Prefetch("events", events)
        )

    def get_context_data(self, **kwargs):
        baseline, user = self.object, self.request.user
        entries = (
            ProjectBaseline.objects.filter(baseline=baseline)
            .with_slippage()
            .select_related("project", "project__lead_org")
            .order_by("-end_slippage", "project__code")
        )
        awaiting = baseline.status == KeyListStatus.SUBMITTED
        return super().get_context_data(
            entries=entries,
            decided_by_region=deciding_region(baseline.region),
            can_decide=awaiting and services.may_decide(user, baseline),
            can_resubmit=baseline.status == KeyListStatus.RETURNED
            and services.may_submit(user)
            and user.region == baseline.region,
            resubmit_form=BaselineForm(initial={"year": baseline.year, "note": baseline.note}),
            return_form=KeyListReturnForm(),
            **kwargs,
        )


class KeyListDecisionView(ObjectPermissionMixin, View):
    """The office of the region above approves a submitted list (with an optional note) or returns it (with its
    reason)."""

    model = Baseline
    action = "add"

    def post(self, request, pk, decision):
        baseline = get_object_or_404(request.user.scope(Baseline.objects.all()), pk=pk)
        approving = decision == "approve"
        form = (DecisionForm if approving else KeyListReturnForm)(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError([error for errors in form.errors.values() for error in errors])
            if approving:
                services.key_list_approve(actor=request.user, baseline=baseline, note=form.cleaned_data["note"])
                messages.success(request, _("Approved %(list)s.") % {"list": baseline})
            else:
                services.key_list_return(actor=request.user, baseline=baseline, reason=form.cleaned_data["reason"])
                messages.success(request, _("Returned %(list)s with the reason given.") % {"list": baseline})
        except (ValidationError, WorkflowError, ActionForbidden) as error:
            refusal(request, error)
        return HttpResponseRedirect(baseline.get_absolute_url())
