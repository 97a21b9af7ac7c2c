"""The dashboard's filter bar: single choices that become the list pages' own filter parameters."""

from django import forms
from django.db.models import Count, Max, Min, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, Region
from accounts.selectors import region_choices
from common.bounds import years_between
from common.dates import add_months
from common.forms import style_widgets
from projects.choices import DomainGroup, ProjectTier
from projects.models import Plan, Project, period_of, period_validators
from proposals.models import Session
from proposals.selectors import session_choices

from .exports import TableScope
from .selectors import SCOPE_FIELDS

# The filters ProjectFilterSet takes as lists (the list pages allow several); the bar chooses one.
MULTIPLE = ("plan", "domain_group", "tier", "lead_org")


def _blank(label):
    return [("", label)]


class DashboardFilterForm(forms.Form):
    """The filter bar, offering what the user reads (``User.scope``); the region defaults to the user's own, so that a
    district office opens on its district and a city office on its city with the districts rolled up."""

    plan = forms.TypedChoiceField(label=_("plan"), required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label=_("year"), required=False, coerce=int, empty_value=None)
    domain_group = forms.ChoiceField(
        label=_("domain group"), required=False, choices=_blank(_("All groups")) + DomainGroup.choices
    )
    region = forms.TypedChoiceField(label=_("region"), required=False, coerce=int, empty_value=None)
    lead_org = forms.TypedChoiceField(label=_("lead unit"), required=False, coerce=int, empty_value=None)
    tier = forms.ChoiceField(label=_("tier"), required=False, choices=_blank(_("All tiers")) + ProjectTier.choices)
    session = forms.TypedChoiceField(label=_("session"), required=False, coerce=int, empty_value=None)

    def __init__(self, data=None, *, user, **kwargs):
        own_region = user.region_scope.own
        if own_region is not None and not (data or {}).get("region"):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["region"] = str(own_region.pk)
        super().__init__(data, **kwargs)
        projects = user.scope(Project.objects.all())
        # Each plan row also carries the projects' earliest start and latest end (the same two values on every row,
        # computed once), so the year list costs no query of its own.
        plans = list(
            user.scope(Plan.objects.all())
            .order_by("-first_year", "title")
            .values_list(
                "pk",
                "title",
                "first_year",
                "last_year",
                Subquery(projects.order_by("planned_start").values("planned_start")[:1]),
                Subquery(projects.order_by("-planned_end").values("planned_end")[:1]),
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
        units = user.scope(Organization.objects.filter(pk__in=projects.values("lead_org_id")))
        units = list(units.order_by("name").values_list("pk", "name"))
        self.fields["lead_org"].choices = _blank(_("All units")) + units
        regions = region_choices(within=own_region) if own_region is not None else region_choices()
        self.fields["region"].choices = ([] if own_region is not None else _blank(_("All regions"))) + regions
        self.sessions = list(
            user.scope(Session.objects.all())
            .annotate(proposal_count=Count("proposals"))
            .order_by("-year", "-opening_date", "-pk")
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


# The official tables' choices (the exports page and the tables' own addresses), within what the reader reads.


def _plan_choices(user, blank_label=None):
    plans = user.scope(Plan.objects.all()).order_by("-first_year", "title").values_list("pk", "title")
    return ([("", blank_label)] if blank_label else []) + list(plans)


class TableForm(forms.Form):
    """A table's choices for ``user``; tables of projects also choose whose table: a region (the reader's own by
    default, or one below it) and whether the regions below it are taken in."""

    with_region = False

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if self.with_region:
            own = user.region_scope.own
            self.fields["region"] = forms.TypedChoiceField(
                label=_("region"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=region_choices(within=own) if own is not None else _blank(_("All regions")) + region_choices(),
                initial=own.pk if own is not None else None,
            )
            self.fields["with_below"] = forms.BooleanField(
                label=_("with the regions below"), required=False, initial=True
            )

    def table_scope(self) -> TableScope:
        own = self.user.region_scope.own
        region_id = self.cleaned_data.get("region") or (own.pk if own is not None else None)
        region = Region.objects.select_related("office").get(pk=region_id) if region_id else None
        return TableScope(region, self.cleaned_data.get("with_below", False), self.user.region_scope)

    def finish(self):
        style_widgets(self)


class ProjectPlanTableForm(TableForm):
    """重大项目计划表: a year, and optionally one plan's projects only."""

    year = forms.TypedChoiceField(label=_("year"), coerce=int)
    plan = forms.TypedChoiceField(label=_("plan"), required=False, coerce=int, empty_value=None)
    with_region = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        span = self.user.scope(Plan.objects.all()).aggregate(first=Min("first_year"), last=Max("last_year"))
        today = timezone.localdate()
        first, last = span["first"] or today.year, max(span["last"] or today.year, today.year)
        self.fields["year"].choices = [(year, year) for year in years_between(first, last)]
        self.fields["plan"].choices = _plan_choices(self.user, _("All plans"))
        self.finish()


class TargetsTableForm(TableForm):
    """目标责任分解表: one plan's targets."""

    plan = forms.TypedChoiceField(label=_("plan"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices(self.user)
        self.finish()


class ProgressTableForm(TableForm):
    """项目进度月报: a month that has begun (the page offers the last two years'; the address takes any)."""

    period = forms.CharField(label=_("period"), validators=period_validators)
    with_region = True

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


class SessionTableForm(TableForm):
    """提案办理台账 and 提案办理情况统计表: one session of a CPPCC the reader reads (each table is its CPPCC's own; the
    sessions are grouped by CPPCC where the reader reads several)."""

    session = forms.TypedChoiceField(label=_("session"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = session_choices(self.user)
        self.finish()
