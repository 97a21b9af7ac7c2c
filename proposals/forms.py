"""Forms of the proposal pages. A step's form (``proposals.steps``) gathers what its service takes: the page calls the
service with the form's cleaned data. The services check role, status and data again, so a form is a convenience,
never the rule."""

import re

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organization
from common.bounds import DOCUMENT_MAX, TEXT_MAX, date_validators
from common.forms import BootstrapMixin
from projects.models import Project

from . import services
from .choices import AssignmentRole, ProposalStatus, Satisfaction
from .models import Assignment, Category, Proposal, Proposer, Reply, ResultClass, Session
from .querysets import handling_unit_candidates, handling_units

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

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The committee's own CPPCC's sessions and categories (a proposal keeps its CPPCC), the projects it reads.
        sessions, categories = user.scope(Session.objects.all(), "change"), user.scope(Category.objects.all(), "change")
        if self.instance.pk:
            region = self.instance.session.region_id
            sessions, categories = sessions.filter(region=region), categories.filter(region=region)
        self.fields["session"].queryset = sessions
        self.fields["category"].queryset = categories
        # The projects the committee reads, and those linked already (a district's proposal may concern the city's).
        linked = Q(pk__in=self.instance.related_projects.values("pk")) if self.instance.pk else Q(pk__in=[])
        self.fields["related_projects"].queryset = Project.objects.filter(
            Q(pk__in=user.scope(Project.objects.all()).values("pk")) | linked
        ).order_by("code")
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


class CppccReferenceForm(BootstrapMixin, forms.ModelForm):
    """A CPPCC's own sessions, categories, result classes: a new one is the committee's region's (``User.region``),
    never a region the form is told; only the superuser chooses the region, when adding."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not (user.is_superuser and self.instance.pk is None):
            del self.fields["region"]
            if self.instance.pk is None:
                self.instance.region = user.region

    def _get_validation_exclusions(self):
        # The region is set here, not by the form: the name is still checked as unique within it.
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("region")
        return exclusions


class SessionForm(CppccReferenceForm):
    class Meta:
        model = Session
        fields = ["region", "name", "year", "opening_date"]
        widgets = {"opening_date": DateInput()}


class CategoryForm(CppccReferenceForm):
    class Meta:
        model = Category
        fields = ["region", "name", "order"]


class ResultClassForm(CppccReferenceForm):
    class Meta:
        model = ResultClass
        fields = ["region", "code", "name", "description", "order"]


class MoveForm(BootstrapMixin, forms.Form):
    """A step's form, bound to the proposal and the acting user. Its fields are the step's service's arguments."""

    def __init__(self, *args, proposal: Proposal, user, **kwargs):
        self.proposal = proposal
        self.user = user
        super().__init__(*args, **kwargs)


class NoteForm(MoveForm):
    """Filing and closing: an optional note on the timeline."""

    note = forms.CharField(
        label=_("note"), required=False, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class NotFileForm(MoveForm):
    reason = forms.CharField(label=_("reason"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}))


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


class AssignForm(MoveForm):
    """The units are chosen from the committee's list of handling units (承办单位名录); the service checks it too."""

    lead_unit = forms.ModelChoiceField(
        label=pgettext_lazy("proposal handling", "lead unit"), queryset=Organization.objects.none(), required=False
    )
    co_units = forms.ModelMultipleChoiceField(
        label=_("co-handling units"), queryset=Organization.objects.none(), required=False
    )
    separate_units = forms.ModelMultipleChoiceField(
        label=_("separate handling units"),
        queryset=Organization.objects.none(),
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
        units = handling_units(self.proposal.session.region_id).order_by("kind", "name")
        for name in ("lead_unit", "co_units", "separate_units"):
            self.fields[name].queryset = units


class RequestReassignForm(MoveForm):
    reason = forms.CharField(
        label=_("reason"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this proposal is not your unit's business, and which unit it belongs to."),
    )


def letter_field(label, help_text) -> forms.FileField:
    """A letter sent with a step, as a file: a PDF or OFD (the service checks its content)."""
    return forms.FileField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.ofd,application/pdf,application/ofd"}),
    )


class LetterFileMixin(forms.Form):
    """A step that takes a letter as a file: the form's ``letter`` is the service's ``files``."""

    # Where the service's errors about ``files`` are shown (``views.add_service_errors``).
    service_fields = {"files": "letter"}

    def clean(self):
        cleaned = super().clean()
        letter = cleaned.pop("letter", None)
        cleaned["files"] = [letter] if letter else []
        return cleaned


class OpinionForm(LetterFileMixin, MoveForm):
    opinion = forms.CharField(label=_("opinion"), max_length=DOCUMENT_MAX, widget=forms.Textarea(attrs={"rows": 8}))
    letter = letter_field(
        _("opinion letter"), _("Optional: the opinion as a letter signed and stamped, a PDF or OFD file.")
    )


class LetterForm(MoveForm):
    """The letter's own fields, as the unit's draft and the committee's record of a paper reply have them."""

    result_class = forms.ModelChoiceField(label=_("result class"), queryset=ResultClass.objects.none())
    doc_number = forms.CharField(label=_("document number"), required=False, max_length=50)
    text = forms.CharField(label=_("text"), max_length=DOCUMENT_MAX, widget=forms.Textarea(attrs={"rows": 14}))
    issued_on = forms.DateField(
        label=_("letter date"),
        required=False,
        widget=DateInput(),
        validators=date_validators,
        help_text=_("The date printed on the letter; empty: the day it is signed off."),
    )
    signer = forms.CharField(
        label=_("signed by"), required=False, max_length=50, help_text=_("签发人 as printed; empty: the signer.")
    )
    cc = forms.CharField(label=_("copy to"), required=False, max_length=300)
    contact_person = forms.CharField(label=_("contact person"), required=False, max_length=50)
    contact_phone = forms.CharField(label=_("contact phone"), required=False, max_length=30)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result_class"].queryset = ResultClass.objects.filter(region=self.proposal.session.region_id)
        self.fields["result_class"].label_from_instance = lambda result: f"{result.code} {result.name}"


class ReplyForm(LetterForm):
    """The unit's draft (起草): saved for the unit's signer, who signs it off or returns it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = own_reply(self.proposal, self.user)
        if self.draft is not None and not self.draft.is_issued:
            for name in self.fields:
                self.initial.setdefault(name, getattr(self.draft, name))
        self.initial.setdefault("cc", _("CPPCC proposal committee"))
        if self.user.phone:
            self.initial.setdefault("contact_person", self.user.display_name)
            self.initial.setdefault("contact_phone", self.user.phone)


def own_reply(proposal: Proposal, user) -> Reply | None:
    """The user's unit's reply of the proposal's current round, issued or not."""
    if not user.organization_id:
        return None
    return (
        proposal.replies.filter(unit_id=user.organization_id, round=proposal.round)
        .select_related("unit", "result_class")
        .first()
    )


class SignerForm(MoveForm):
    """The signer's steps: the unit's draft is shown above the button."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = own_reply(self.proposal, self.user)


class SignOffForm(LetterFileMixin, SignerForm):
    """签发: the signer issues the draft shown above the button, with the letter as signed and stamped if it has one
    (the server keeps its own PDF of the letter in any case)."""

    letter = letter_field(
        _("letter as signed and stamped"),
        _("Optional: the letter as it goes out, a PDF or OFD file. The system also keeps its own PDF of the letter."),
    )


class ReturnReplyForm(SignerForm):
    note = forms.CharField(
        label=_("note to the drafter"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What to change before the reply can be signed off."),
    )


class RecordReplyForm(LetterFileMixin, LetterForm):
    """代录: the committee records the reply a unit answered on paper, with its scan if it has one."""

    unit = forms.ModelChoiceField(label=_("replying unit"), queryset=Organization.objects.none())
    signed_off_on = forms.DateField(
        label=_("signed off on"),
        widget=DateInput(),
        help_text=_("The date the unit signed the paper reply off: it decides whether the reply came on time."),
    )

    letter = letter_field(
        _("paper reply as scanned"),
        _("Optional: the unit's letter as scanned, a PDF or OFD file. The system also keeps its own PDF of the reply."),
    )

    field_order = ["unit", "signed_off_on", "result_class", "doc_number", "issued_on", "text"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        issued = Reply.objects.issued().filter(proposal=self.proposal, round=self.proposal.round).values("unit")
        units = Organization.objects.filter(
            proposal_assignments__proposal=self.proposal,
            proposal_assignments__role__in=AssignmentRole.replying(),
        ).exclude(pk__in=issued)
        self.fields["unit"].queryset = units
        if units.count() == 1:
            self.initial["unit"] = units.first()
        self.fields["issued_on"].help_text = _("The date printed on the letter; empty: the sign-off date.")
        self.fields["signer"].help_text = _("签发人, as printed on the paper reply.")
        self.initial.setdefault("cc", _("CPPCC proposal committee"))


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
                "date": assignment.deadline.isoformat(),
            }
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


class HandlingUnitsForm(BootstrapMixin, forms.Form):
    """A region's committee's list of handling units: every unit of the region that may be on it, ticked when it
    is."""

    units = forms.ModelMultipleChoiceField(
        label=_("on the list"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("note"), required=False, max_length=200)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["units"].queryset = handling_unit_candidates(region).order_by("kind", "name")
        self.initial.setdefault("units", list(handling_units(region).values_list("pk", flat=True)))

    def perform(self, actor):
        chosen = set(self.cleaned_data["units"])
        listed = set(handling_units(self.region))
        return services.handling_units_set(
            actor=actor,
            add=sorted(chosen - listed, key=str),
            remove=sorted(listed - chosen, key=str),
            note=self.cleaned_data["note"],
        )
