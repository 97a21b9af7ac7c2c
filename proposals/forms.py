"""Forms of the proposal pages. Each move's form knows which service function it feeds (``perform``); the services
check role, status and data again, so a form is a convenience, never the rule."""

import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.bounds import DOCUMENT_MAX, TEXT_MAX, date_validators
from common.forms import BootstrapMixin
from projects.models import Organization, Project

from . import services
from .choices import AssignmentRole, ProposalStatus, Satisfaction
from .models import Assignment, Category, Proposal, Proposer, ResultClass, Session

NAME_SEPARATORS = re.compile(r"[\n\r,，、;；]+")
# The proposal's own fields that the form edits; proposers and related projects are set by the services.
PROPOSAL_DATA_FIELDS = [
    "session",
    "number",
    "title",
    "category",
    "submitted_on",
    "content",
    "suggestions",
    "is_key",
    "supervising_leader",
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProposalForm(BootstrapMixin, forms.ModelForm):
    proposer_names = forms.CharField(
        label=_("proposers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line (or separated by 、), the lead proposer first. New names are added."),
    )

    class Meta:
        model = Proposal
        fields = [
            "session",
            "number",
            "title",
            "proposer_names",
            "category",
            "submitted_on",
            "content",
            "suggestions",
            "is_key",
            "supervising_leader",
            "related_projects",
        ]
        widgets = {
            "submitted_on": DateInput(),
            "content": forms.Textarea(attrs={"rows": 8}),
            "suggestions": forms.Textarea(attrs={"rows": 8}),
            "related_projects": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related_projects"].queryset = Project.objects.order_by("code")
        self.fields["related_projects"].label_from_instance = lambda project: f"{project.code} {project.name}"
        if self.instance.pk:
            self.initial["proposer_names"] = "\n".join(
                signature.proposer.name for signature in self.instance.ordered_signatures
            )

    def clean_proposer_names(self):
        names = [name.strip() for name in NAME_SEPARATORS.split(self.cleaned_data["proposer_names"]) if name.strip()]
        if not names:
            raise forms.ValidationError(_("Name at least one proposer."))
        if any(len(name) > Proposer._meta.get_field("name").max_length for name in names):
            raise forms.ValidationError(_("A proposer's name is at most 100 characters."))
        return names

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_key") is False:
            cleaned["supervising_leader"] = ""
        return cleaned

    def save_with(self, actor) -> Proposal:
        data = {name: self.cleaned_data[name] for name in PROPOSAL_DATA_FIELDS}
        proposers = self.cleaned_data["proposer_names"]
        projects = self.cleaned_data["related_projects"]
        if self.instance.pk:
            return services.proposal_update(
                actor=actor, proposal=self.instance, data=data, proposers=proposers, related_projects=projects
            )
        return services.proposal_submit(actor=actor, data=data, proposers=proposers, related_projects=projects)


class SessionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Session
        fields = ["name", "year", "opening_date"]
        widgets = {"opening_date": DateInput()}


class CategoryForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name", "order"]


class ResultClassForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ResultClass
        fields = ["code", "name", "description", "order"]


class MoveForm(BootstrapMixin, forms.Form):
    """A move's form, bound to the proposal and the acting user."""

    def __init__(self, *args, proposal: Proposal, user, **kwargs):
        self.proposal = proposal
        self.user = user
        super().__init__(*args, **kwargs)

    def perform(self):
        raise NotImplementedError


class UnitChoiceMixin:
    """Office staff act for a unit they choose among those assigned in suitable roles; a liaison for their own."""

    unit_roles: tuple[str, ...] = tuple(AssignmentRole.values)

    def add_unit_field(self):
        if not self.user.sees_all_units:
            return
        units = Organization.objects.filter(
            proposal_assignments__proposal=self.proposal, proposal_assignments__role__in=self.unit_roles
        )
        self.fields = {
            "unit": forms.ModelChoiceField(
                label=_("for unit"), queryset=units, widget=forms.Select(attrs={"class": "form-select"})
            ),
            **self.fields,
        }
        if units.count() == 1:
            self.initial["unit"] = units.first()

    def acting_unit(self):
        return self.cleaned_data.get("unit")


class NoteForm(MoveForm):
    note = forms.CharField(
        label=_("note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class FileForm(NoteForm):
    def perform(self):
        return services.proposal_file(actor=self.user, proposal=self.proposal, note=self.cleaned_data["note"])


class CloseForm(NoteForm):
    def perform(self):
        return services.proposal_close(actor=self.user, proposal=self.proposal, note=self.cleaned_data["note"])


class NotFileForm(MoveForm):
    reason = forms.CharField(label=_("reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))

    def perform(self):
        return services.proposal_not_file(actor=self.user, proposal=self.proposal, reason=self.cleaned_data["reason"])


class MergeForm(MoveForm):
    into = forms.ModelChoiceField(label=_("merge into"), queryset=Proposal.objects.none())
    note = forms.CharField(label=_("note"), required=False, max_length=TEXT_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = (
            Proposal.objects.filter(session=self.proposal.session_id)
            .exclude(pk=self.proposal.pk)
            .exclude(status__in=[*ProposalStatus.terminal(), ProposalStatus.SUBMITTED])
            .order_by("number")
        )
        self.fields["into"].label_from_instance = lambda proposal: f"{proposal.number} {proposal.title}"

    def perform(self):
        data = self.cleaned_data
        return services.proposal_merge(actor=self.user, proposal=self.proposal, into=data["into"], note=data["note"])


class AssignForm(MoveForm):
    lead_unit = forms.ModelChoiceField(
        label=pgettext_lazy("proposal handling", "lead unit"), queryset=Organization.objects.all(), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("co-handling units"), queryset=Organization.objects.all(), required=False
    )
    separate_units = forms.ModelMultipleChoiceField(
        label=_("separate handling units"),
        queryset=Organization.objects.all(),
        required=False,
        help_text=_("Units that each reply on their own (分办), instead of or besides a lead unit."),
    )
    due_date = forms.DateField(
        label=_("due date"),
        required=False,
        widget=DateInput(),
        validators=date_validators,
        help_text=_("Empty: the default time limit."),
    )
    note = forms.CharField(
        label=_("note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {assignment.role: [] for assignment in self.proposal.assignments.all()}
        for assignment in self.proposal.assignments.all():
            current[assignment.role].append(assignment.unit_id)
        if current:
            self.initial.setdefault("lead_unit", (current.get(AssignmentRole.LEAD) or [None])[0])
            self.initial.setdefault("co_units", current.get(AssignmentRole.CO, []))
            self.initial.setdefault("separate_units", current.get(AssignmentRole.SEPARATE, []))
        self.fields["due_date"].help_text = _("Empty: %(date)s, the default time limit.") % {
            "date": services.default_due_date(timezone.localdate()).isoformat()
        }

    def perform(self):
        data = self.cleaned_data
        return services.proposal_assign(
            actor=self.user,
            proposal=self.proposal,
            lead_unit=data["lead_unit"],
            co_units=list(data["co_units"]),
            separate_units=list(data["separate_units"]),
            due_date=data["due_date"],
            note=data["note"],
        )


class RequestReassignForm(UnitChoiceMixin, MoveForm):
    reason = forms.CharField(
        label=_("reason"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this proposal is not your unit's business, and which unit it belongs to."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_unit_field()

    def perform(self):
        return services.proposal_request_reassign(
            actor=self.user, proposal=self.proposal, reason=self.cleaned_data["reason"], unit=self.acting_unit()
        )


class OpinionForm(UnitChoiceMixin, MoveForm):
    unit_roles = (AssignmentRole.CO,)
    opinion = forms.CharField(label=_("opinion"), max_length=DOCUMENT_MAX, widget=forms.Textarea(attrs={"rows": 8}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_unit_field()

    def perform(self):
        return services.proposal_opinion(
            actor=self.user, proposal=self.proposal, opinion=self.cleaned_data["opinion"], unit=self.acting_unit()
        )


class ReplyForm(UnitChoiceMixin, MoveForm):
    unit_roles = tuple(AssignmentRole.replying())
    result_class = forms.ModelChoiceField(label=_("result class"), queryset=ResultClass.objects.all())
    doc_number = forms.CharField(label=_("document number"), required=False, max_length=50)
    text = forms.CharField(label=_("text"), max_length=DOCUMENT_MAX, widget=forms.Textarea(attrs={"rows": 14}))
    issued_on = forms.DateField(label=_("issued on"), widget=DateInput(), validators=date_validators)
    signer = forms.CharField(label=_("signed by"), required=False, max_length=50)
    cc = forms.CharField(label=_("copy to"), required=False, max_length=300)
    contact_person = forms.CharField(label=_("contact person"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("contact phone"), required=False, max_length=30)
    is_public = forms.BooleanField(
        label=_("publish"),
        required=False,
        help_text=_("Shown on the public pages, without the contact person and phone."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_unit_field()
        self.initial.setdefault("issued_on", timezone.localdate())
        self.initial.setdefault("cc", _("CPPCC proposal committee"))
        if self.user.phone:
            self.initial.setdefault("contact_person", self.user.display_name)
            self.initial.setdefault("contact_phone", self.user.phone)
        self.fields["result_class"].label_from_instance = lambda result: f"{result.code} {result.name}"

    def perform(self):
        data = dict(self.cleaned_data)
        data.pop("unit", None)
        return services.proposal_reply(actor=self.user, proposal=self.proposal, unit=self.acting_unit(), **data)


class ExtendForm(MoveForm):
    assignment = forms.ModelChoiceField(label=_("unit"), queryset=Assignment.objects.none())
    due_date = forms.DateField(label=_("new due date"), widget=DateInput(), validators=date_validators)
    reason = forms.CharField(
        label=_("reason"),
        max_length=Assignment._meta.get_field("extension_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = self.proposal.assignments.select_related("unit")
        self.fields["assignment"].label_from_instance = lambda assignment: (
            _("%(unit)s (%(role)s), due %(date)s")
            % {
                "unit": assignment.unit,
                "role": assignment.get_role_display(),
                "date": assignment.due_date.isoformat(),
            }
        )

    def perform(self):
        data = self.cleaned_data
        return services.assignment_extend(
            actor=self.user, assignment=data["assignment"], due_date=data["due_date"], reason=data["reason"]
        )


class FeedbackForm(MoveForm):
    proposer = forms.ModelChoiceField(label=_("proposer"), queryset=Proposer.objects.none())
    satisfaction = forms.ChoiceField(label=_("satisfaction"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("comment"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    given_on = forms.DateField(label=_("date"), widget=DateInput(), validators=date_validators)
    due_date = forms.DateField(
        label=_("new due date"),
        required=False,
        widget=DateInput(),
        validators=date_validators,
        help_text=_("Only when unsatisfied: when the units must have replied again (empty: the default)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = services.proposal_signers(self.proposal)
        leads = services.feedback_parties(self.proposal)
        answered = set(self.proposal.feedbacks.filter(round=self.proposal.round).values_list("proposer_id", flat=True))
        waiting = [party for party in leads if party.pk not in answered]
        if waiting:
            self.initial.setdefault("proposer", waiting[0])
        self.initial.setdefault("given_on", timezone.localdate())
        self.fields["satisfaction"].widget.attrs["class"] = "form-check-input"

    def perform(self):
        data = self.cleaned_data
        return services.proposal_feedback(
            actor=self.user,
            proposal=self.proposal,
            proposer=data["proposer"],
            satisfaction=data["satisfaction"],
            comment=data["comment"],
            given_on=data["given_on"],
            due_date=data["due_date"],
        )
