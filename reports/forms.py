"""The dashboard's filter bar: single choices that become the list pages' own filter parameters."""

from django import forms
from django.db.models import Count, Max, Min, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganizationKind
from accounts.models import Organization
from accounts.selectors import region_choices
from common.bounds import years_between
from common.dates import add_months
from common.forms import style_widgets
from projects.choices import DomainGroup, ProjectTier
from projects.models import Plan, Project, period_of, period_validators
from proposals.models import Session
from proposals.selectors import session_choices

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
    region = forms.TypedChoiceField(label=_("region"), required=False, coerce=int, empty_value=None)
    district = forms.TypedChoiceField(label=_("district"), required=False, coerce=int, empty_value=None)
    lead_org = forms.TypedChoiceField(label=_("lead unit"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=_("tier"), required=False, choices=_blank(_("All tiers")) + ProjectTier.choices)
    session = forms.TypedChoiceField(label=_("session"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each plan row also carries the projects' earliest start and latest end (the same two values on every row,
        # computed once), so the year list costs no query of its own.
        plans = list(
            Plan.objects.order_by("-first_year", "title").values_list(
                "pk",
                "title",
                "first_year",
                "last_year",
                Subquery(Project.objects.order_by("planned_start").values("planned_start")[:1]),
                Subquery(Project.objects.order_by("-planned_end").values("planned_end")[:1]),
            )
        )
        self.fields["plan"].choices = _blank(_("All plans")) + [(row[0], row[1]) for row in plans]
        # The years the plans and the projects cover, and this year, newest first (``years_between`` keeps the list
        # within the years a plan may name, whatever is stored).
        this_year = timezone.localdate().year
        first = min([this_year, *(row[2] for row in plans), *(row[4].year for row in plans if row[4])])
        last = max([this_year, *(row[3] for row in plans), *(row[5].year for row in plans if row[5])])
        years = years_between(first, last)
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
        self.fields["region"].choices = _blank(_("All regions")) + region_choices()
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


# The official tables' choices (the exports page and the tables' own addresses).


def _plan_choices(blank_label=None):
    plans = Plan.objects.order_by("-first_year", "title").values_list("pk", "title")
    return ([("", blank_label)] if blank_label else []) + list(plans)


class ProjectPlanTableForm(forms.Form):
    """重大项目计划表: a year, and optionally one plan's projects only."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int)
    plan = forms.TypedChoiceField(label=_("plan"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        span = Plan.objects.aggregate(first=Min("first_year"), last=Max("last_year"))
        today = timezone.localdate()
        first, last = span["first"] or today.year, max(span["last"] or today.year, today.year)
        self.fields["year"].choices = [(year, year) for year in years_between(first, last)]
        self.fields["plan"].choices = _plan_choices(_("All plans"))
        style_widgets(self)


class TargetsTableForm(forms.Form):
    """目标责任分解表: one plan's targets."""

    plan = forms.TypedChoiceField(label=_("plan"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices()
        style_widgets(self)


class ProgressTableForm(forms.Form):
    """项目进度月报: a month that has begun (the page offers the last two years'; the address takes any)."""

    period = forms.CharField(label=_("period"), validators=period_validators)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        months = [period_of(add_months(today.replace(day=1), -offset)) for offset in range(24)]
        self.fields["period"].widget = forms.Select(choices=[(month, month) for month in months])
        # Early in a month the reports of the month before are the ones being filed and reviewed.
        self.fields["period"].initial = months[1] if today.day <= 10 else months[0]
        style_widgets(self)

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period > period_of(timezone.localdate()):
            raise forms.ValidationError(_("This month has not begun yet."))
        return period


class SessionTableForm(forms.Form):
    """提案办理台账 and 提案办理情况统计表: one session of a CPPCC the user reads (each table is its CPPCC's own)."""

    session = forms.TypedChoiceField(label=_("session"), coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = session_choices(user)
        style_widgets(self)
