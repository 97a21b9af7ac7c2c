"""What the supervision pages share: a detail page that shows the steps the user may make now, each step's POST
through its service (403, 409 and 400 answered on the page with the reason), and the subject a new row is about."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from attachments.views import skipped_message
from common.exceptions import ActionForbidden, WorkflowError
from common.views import ObjectDetailView, parse_pk
from projects.models import Project
from proposals.models import Proposal
from proposals.views import add_service_errors

from ..models import Notice
from ..selectors import notices_for


class StepsDetailView(ObjectDetailView):
    """A notice, an instruction or a promise with its timeline; ``steps`` maps a slug to its ``steps.Step``. A POST
    to ``…/<pk>/<step>/`` makes the step (``StepView``)."""

    steps: dict = {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, obj = self.request.user, self.object
        bound = kwargs.get("bound_form")
        forms = []
        for step in self.steps.values():
            if bound is not None and bound[0] is step:
                forms.append((step, bound[1]))
            elif step.offered(user, obj):
                forms.append((step, step.make_form(obj=obj, user=user)))
        context["step_forms"] = forms
        context["events"] = obj.events.select_related("actor__organization", "on_behalf_of")
        return context


class StepView(StepsDetailView):
    """POST only: one step through its service; refusals come back on the object's page with the service's reason
    (403 role, 409 state, 400 data), never as a server error."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        step = self.steps.get(kwargs["step"])
        if step is None:
            raise Http404
        if not step.allowed(request.user):
            raise PermissionDenied
        self.object = obj = self.get_object()
        form = step.make_form(request.POST, request.FILES, obj=obj, user=request.user)
        status = 400
        skipped = skipped_message(request)
        if skipped:
            form.add_error(None, skipped)
        elif form.is_valid():
            try:
                step.run(request.user, obj, form.cleaned_data)
            except ActionForbidden as error:
                messages.error(request, error.message)
                status = 403
            except WorkflowError as error:
                messages.error(request, error.message)
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, step.done % {"number": getattr(obj, "number", "")})
                return HttpResponseRedirect(obj.get_absolute_url())
        if status == 400:
            messages.error(request, _("Nothing was saved. Correct the errors below."))
        self.object = self.get_object()  # as it is now, for the page
        context = self.get_context_data(object=self.object, bound_form=(step, form))
        return self.render_to_response(context, status=status)


def subject_from_query(request, *names: str):
    """The project, proposal or notice (``?project=<pk>`` …) a new row is about, among those the user reads; 404 for
    anything else."""
    user = request.user
    sources = {
        "project": lambda: user.scope(Project.objects.all()),
        "proposal": lambda: user.scope(Proposal.objects.select_related("session")),
        "notice": lambda: notices_for(user).select_related("project", "proposal"),
    }
    for name in names:
        if name in request.GET:
            pk = parse_pk(request.GET[name])
            if pk is None:
                raise Http404
            return get_object_or_404(sources[name](), pk=pk)
    raise Http404


def subject_kind(subject) -> str:
    if isinstance(subject, Notice):
        return "notice"
    return "project" if isinstance(subject, Project) else "proposal"
