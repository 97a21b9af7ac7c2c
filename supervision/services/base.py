"""What every supervision step shares: who is on which side, the event row, the notifications."""

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organization, Region, User
from common.exceptions import ActionForbidden
from notifications.services import notify
from projects.models import Project
from proposals.models import Proposal

from ..models import Event

# How far ahead a deadline may be set: a notice or an instruction is about this year's work.
MAX_DAYS_AHEAD = 366
# A promise may run longer (a class-B reply plans work over years).
MAX_PROMISE_YEARS = 5


def subject_region(subject) -> Region | None:
    """The region a project or a proposal belongs to (a notice's own region)."""
    if isinstance(subject, Project):
        return subject.region
    if isinstance(subject, Proposal):
        return subject.session.region
    return subject.region


def unit_people(unit_ids) -> list[User]:
    """The people who act for a unit in supervision: its liaisons and signers."""
    return list(
        User.objects.filter(
            is_active=True, organization_id__in=list(unit_ids), groups__name__in=[Role.LIAISON, Role.SIGNER]
        ).distinct()
    )


def issuing_side(region: Region | None, *, proposal: bool) -> list[User]:
    """Who issued or tracks a region's supervision: its office's staff for projects, its CPPCC's committee for
    proposals (a deployment without regions: every such person)."""
    role = Role.COMMITTEE if proposal else Role.OFFICE
    people = User.objects.filter(is_active=True, groups__name=role)
    if region is None:
        return list(people.filter(organization__region__isnull=True).distinct())
    organization_id = region.cppcc_id if proposal else region.office_id
    if organization_id is None:
        return list(people.filter(organization__region=region).distinct())
    return list(people.filter(organization_id=organization_id).distinct())


def leaders_of(region: Region | None) -> list[User]:
    people = User.objects.filter(is_active=True, groups__name=Role.LEADER)
    return list(
        people.filter(organization__region=region).distinct()
        if region
        else people.filter(organization__region__isnull=True).distinct()
    )


def is_issuing_side(actor: User, subject) -> bool:
    """Office staff (a project) or the committee (a proposal) of the subject's own region."""
    if isinstance(subject, Proposal):
        allowed = actor.has_perm("proposals.handle_proposal")
    else:
        allowed = actor.is_superuser or actor.has_role(Role.OFFICE)
    return allowed and actor.region_scope.allows(subject, "change")


def require_issuing_side(actor: User, subject):
    if not is_issuing_side(actor, subject):
        if isinstance(subject, Proposal):
            raise ActionForbidden(_("Only the committee of the proposal's own CPPCC may do this."))
        raise ActionForbidden(_("Only the smart-city office of the project's own region may do this."))


def require_unit(actor: User, unit_ids, permission: str):
    if not actor.has_perm(permission) or actor.organization_id not in set(unit_ids):
        raise ActionForbidden(_("Only the named unit's liaison or signer may do this."))


def check_deadline(value: datetime.date | None, field: str, *, start: datetime.date | None = None, years: int = 0):
    """A date from ``start`` (today) to a year ahead (or ``years`` ahead)."""
    today = timezone.localdate()
    start = start or today
    if value is None:
        raise ValidationError({field: _("Give the date.")})
    if value < start:
        raise ValidationError({field: _("The date cannot be before %(date)s.") % {"date": start.isoformat()}})
    latest = start + datetime.timedelta(days=365 * years if years else MAX_DAYS_AHEAD)
    if value > latest:
        raise ValidationError({field: _("The date cannot be after %(date)s.") % {"date": latest.isoformat()}})


def required_text(value: str, field: str, message: str) -> str:
    value = (value or "").replace("\x00", "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > 2000:
        raise ValidationError({field: _("At most 2,000 characters.")})
    return value


def record(*, actor: User | None, step: str, note: str = "", on_behalf_of: User | None = None, **subject) -> Event:
    return Event.objects.create(actor=actor, step=step, note=(note or "").strip(), on_behalf_of=on_behalf_of, **subject)


def send(recipients, *, actor: User | None, kind: str, title: str, text: str = "", url: str = "", key: str = ""):
    """Notify, leaving out whoever made the step (nobody is told what they did themselves)."""
    others = [user for user in recipients if actor is None or user.pk != actor.pk]
    return notify(others, kind=kind, title=title, text=text, url=url, key=key)


def units_of_region(region: Region | None) -> Q:
    """The organisations a region's supervision may address: its own and those of the regions below."""
    if region is None:
        return Q(region__isnull=True)
    return Q(region__in=Region.objects.within(region))


def check_units(units, region: Region | None) -> list[Organization]:
    units = list(dict.fromkeys(units))
    if not units:
        raise ValidationError({"units": _("Name at least one unit.")})
    if len(units) > 50:
        raise ValidationError({"units": _("At most 50 units.")})
    allowed = set(Organization.objects.filter(units_of_region(region)).values_list("pk", flat=True))
    foreign = [unit.name for unit in units if unit.pk not in allowed]
    if foreign:
        raise ValidationError({"units": _("Not units of this region: %(names)s.") % {"names": "、".join(foreign)}})
    return units
