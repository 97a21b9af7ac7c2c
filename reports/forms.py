"""The dashboard's filter bar: single choices that become the list pages' own filter parameters."""

from django import forms
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from common.forms import style_widgets
from projects.choices import DomainGroup, OrganizationKind, ProjectTier
from projects.models import Organization, Plan, Project
from proposals.models import Session

from .selectors import SCOPE_FIELDS

# The filters ProjectFilterSet takes as lists (the list pages allow several); the bar chooses one.
MULTIPLE = ("plan", "domain_group", "tier", "lead_org")


def _blank(label):
    return [("", label)]


class DashboardFilterForm(forms.Form):
    plan = forms.TypedChoiceField(label=_("plan"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)
    domain_group = forms.ChoiceField(
        label=_("domain group"), required=False, choices=_blank(_("All groups")) + DomainGroup.choices
    )
    district = forms.TypedChoiceField(label=_("district"), required=False, coerce=int, empty_value=None)
    lead_org = forms.TypedChoiceField(label=_("lead unit"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=_("tier"), required=False, choices=_blank(_("All tiers")) + ProjectTier.choices)
    session = forms.TypedChoiceField(label=_("session"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plans = list(
            Plan.objects.order_by("-first_year", "title").values_list("pk", "title", "first_year", "last_year")
        )
        self.fields["plan"].choices = _blank(_("All plans")) + [(pk, title) for pk, title, _first, _last in plans]
        # The years the plans cover, newest first.
        first = min((row[2] for row in plans), default=None)
        last = max((row[3] for row in plans), default=None)
        years = range(last, first - 1, -1) if plans else []
        self.fields["year"].choices = _blank(_("All years")) + [(year, year) for year in years]
        # One query for both unit lists: districts, and every unit that leads a project.
        units = list(
            Organization.objects.filter(
                Q(kind=OrganizationKind.DISTRICT) | Q(pk__in=Project.objects.values("lead_org_id"))
            )
            .order_by("name")
            .values_list("pk", "name", "kind")
        )
        self.fields["district"].choices = _blank(_("All districts")) + [
            (pk, name) for pk, name, kind in units if kind == OrganizationKind.DISTRICT
        ]
        self.fields["lead_org"].choices = _blank(_("All units")) + [(pk, name) for pk, name, _kind in units]
        self.sessions = list(
            Session.objects.annotate(proposal_count=Count("proposals")).order_by("-year", "-opening_date", "-pk")
        )
        self.fields["session"].choices = [(session.pk, session.name) for session in self.sessions]
        style_widgets(self)

    def chosen_session(self) -> Session | None:
        """The session chosen, else the latest one with proposals, else the latest one."""
        chosen = self.cleaned_data.get("session") if self.is_bound and self.errors is not None else None
        by_pk = {session.pk: session for session in self.sessions}
        if chosen in by_pk:
            return by_pk[chosen]
        with_proposals = [session for session in self.sessions if session.proposal_count]
        return (with_proposals or self.sessions or [None])[0]

    def scope_params(self) -> dict:
        """The chosen filters as ProjectFilterSet takes them (only those chosen; lists where it takes several)."""
        self.is_valid()  # a filter the form rejects is left out and shown with its error
        data = self.cleaned_data
        return {
            name: [data[name]] if name in MULTIPLE else data[name]
            for name in SCOPE_FIELDS
            if data.get(name) not in (None, "")
        }
