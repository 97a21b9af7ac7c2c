"""督办单: the list, a notice's page with its steps, and issuing one from a project's or a proposal's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views import generic

from attachments.views import skipped_message
from common.db import choice_rank
from common.exceptions import ActionForbidden, WorkflowError
from common.views import ObjectListView, ObjectPermissionMixin
from proposals.views import add_service_errors

from .. import services
from ..choices import NoticeLevel, NoticeStatus
from ..filtersets import NoticeFilterSet
from ..forms import NoticeForm
from ..models import Event, Notice
from ..selectors import instructions_for, notices_for
from ..steps import NOTICE_STEPS, may_issue
from .base import StepsDetailView, StepView, subject_from_query, subject_kind


class NoticeListView(ObjectListView):
    model = Notice
    template_name = "supervision/notice_list.html"
    filterset_class = NoticeFilterSet
    chosen_only_filters = ("project", "proposal")
    ordering_fields = {
        "deadline": "deadline",
        "issued_at": "issued_at",
        "status": choice_rank("status", NoticeStatus.values),
        "level": choice_rank("level", NoticeLevel.values),
    }
    default_ordering = ("-issued_at", "-pk")

    def get_base_queryset(self):
        return notices_for(self.request.user).select_related("unit", "project", "proposal__session")


class NoticeDetailView(StepsDetailView):
    model = Notice
    template_name = "supervision/notice_detail.html"
    steps = NOTICE_STEPS

    def get_queryset(self):
        return notices_for(self.request.user).select_related(
            "unit", "project", "proposal__session", "issued_by", "red_leader"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["instructions"] = (
            instructions_for(user).filter(notice=self.object).select_related("leader", "recorded_by")
        )
        context["can_instruct"] = user.has_perm("supervision.add_instruction") and self.object.is_open
        # The instructions given on the notice are steps of its course too: one timeline shows them all.
        context["events"] = (
            Event.objects.filter(Q(notice=self.object) | Q(instruction__in=context["instructions"]))
            .select_related("actor__organization", "on_behalf_of")
            .order_by("at", "pk")
        )
        return context


class NoticeStepView(StepView, NoticeDetailView):
    pass


class NoticeCreateView(ObjectPermissionMixin, generic.FormView):
    """Issue a notice on ``?project=<pk>`` (office staff) or ``?proposal=<pk>`` (the committee)."""

    model = Notice
    action = "add"
    template_name = "supervision/notice_form.html"
    form_class = NoticeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.subject = subject_from_query(request, "project", "proposal")
            if request.user.can("add", Notice) and not may_issue(request.user, self.subject):
                raise PermissionDenied(
                    _("Only the office (a project) or the committee (a proposal) of its region issues notices.")
                )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subject": self.subject}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(subject=self.subject, kind=subject_kind(self.subject))
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        status = 400
        skipped = skipped_message(request)
        if skipped:
            form.add_error(None, skipped)
        elif form.is_valid():
            try:
                notice = services.notice_issue(
                    actor=request.user, **{subject_kind(self.subject): self.subject}, **form.cleaned_data
                )
            except ActionForbidden as error:
                raise PermissionDenied(str(error.message)) from error
            except WorkflowError as error:
                messages.error(request, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Supervision notice %(number)s issued.") % {"number": notice.number})
                return HttpResponseRedirect(notice.get_absolute_url())
        if status == 400:
            messages.error(request, _("Nothing was saved. Correct the errors below."))
        return self.render_to_response(self.get_context_data(form=form), status=status)
