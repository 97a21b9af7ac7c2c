"""The supervision pages' forms: they check the input's shape only (lengths, dates, choices among the rows offered);
``supervision.services`` checks every rule again and writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, User
from attachments.forms import MultipleFileField
from common.bounds import date_validators
from common.forms import BootstrapMixin
from projects.models import Project, period_validators
from proposals.forms import DateInput
from proposals.models import Proposer
from workdays.working_days import add_working_days

from .models import TEXT_MAX
from .services.base import leaders_of, units_of_region
from .services.notices import responsible_units

# A notice's deadline when the office does not choose one.
DEFAULT_NOTICE_WORKING_DAYS = 5
MOBILE_REGEX = r"^1[3-9][0-9]{9}$"


def text_field(label, *, required=True):
    return forms.CharField(
        label=label, required=required, max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )


def date_field(label, *, required=True, initial=None):
    return forms.DateField(
        label=label, required=required, initial=initial, validators=date_validators, widget=DateInput()
    )


def files_field():
    return MultipleFileField(
        label=_("Evidence (files or photos)"), required=False, help_text=_("Optional; several files may be chosen.")
    )


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StepForm(BootstrapMixin, forms.Form):
    """A step with nothing to say (签收)."""


class NoteForm(StepForm):
    note = text_field(_("Note"), required=False)


class ReasonForm(StepForm):
    reason = text_field(_("Reason"))


class AnswerForm(StepForm):
    text = text_field(_("What the unit did"))
    files = files_field()


class HangRedForm(StepForm):
    """挂牌督办: a leader decides with one click; staff name the leader who decided it."""

    leader = LeaderChoiceField(label=_("Decided by leader"), queryset=User.objects.none(), required=False)
    note = text_field(_("Note"), required=False)

    def __init__(self, *args, notice, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_perm("supervision.escalate_notice"):
            del self.fields["leader"]
        else:
            self.fields["leader"].required = True
            self.fields["leader"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders_of(notice.region)])


class NoticeForm(BootstrapMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organization.objects.none())
    text = text_field(_("What must be done"))
    deadline = date_field(_("Answer by"))
    files = files_field()

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Organization.all_objects.filter(pk__in=responsible_units(subject))
        self.fields["deadline"].initial = add_working_days(timezone.localdate(), DEFAULT_NOTICE_WORKING_DAYS)


class InstructionForm(BootstrapMixin, forms.Form):
    """A leader writes his own; office or committee staff record one naming the leader (代录)."""

    leader = LeaderChoiceField(label=_("Leader"), queryset=User.objects.none())
    units = forms.ModelMultipleChoiceField(label=_("Units"), queryset=Organization.objects.none())
    text = text_field(_("Instruction"))
    given_on = date_field(_("Given on"))
    due_date = date_field(_("To be carried out by"))

    def __init__(self, *args, region, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.has_perm("supervision.escalate_notice"):  # a leader: the instruction is his own
            del self.fields["leader"]
        else:
            self.fields["leader"].queryset = User.objects.filter(pk__in=[u.pk for u in leaders_of(region)])
        self.fields["units"].queryset = Organization.objects.filter(units_of_region(region)).order_by("name")
        self.fields["units"].widget.attrs["size"] = 8
        self.fields["given_on"].initial = timezone.localdate()


class CommitmentForm(BootstrapMixin, forms.Form):
    text = text_field(_("What was promised"))
    due_date = date_field(_("Promised by"))
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects that carry it out"), queryset=Project.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = user.scope(Project.objects.all()).order_by("code")
        self.fields["projects"].widget.attrs["size"] = 8


class ProposerContactForm(BootstrapMixin, forms.Form):
    proposer = forms.ModelChoiceField(label=_("Proposer"), queryset=Proposer.objects.none())
    mobile = forms.RegexField(
        label=_("Mobile number"),
        regex=MOBILE_REGEX,
        max_length=11,
        error_messages={"invalid": _("Give an 11-digit mainland mobile number, such as 13812341234.")},
    )
    consent_on = date_field(_("Consent to text messages given on"), required=False)

    def __init__(self, *args, proposers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposer"].queryset = proposers
        self.fields["consent_on"].help_text = _("Leave empty to record the number without consent (no messages).")


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("Month"), max_length=7, validators=period_validators)
