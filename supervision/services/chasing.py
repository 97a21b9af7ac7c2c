"""催报: the office reminds a unit of the month's reports it has not filed; the unit's liaisons are notified and the
chase is logged (once a day per unit and month)."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Organization, User
from common.exceptions import ActionForbidden, WorkflowError
from notifications.choices import NotificationKind

from ..models import Chase
from ..selectors import missing_reports, units_to_chase
from .base import send, unit_people


def _require_office(actor: User):
    if not (actor.has_perm("supervision.add_chase") and (actor.is_superuser or actor.has_role(Role.OFFICE))):
        raise ActionForbidden(_("Only smart-city office staff chase reports."))


def report_chase(*, actor: User, unit: Organization, period: str) -> Chase:
    """Chase ``unit`` for its missing reports of ``period`` in the office's own region; refused (409) when nothing is
    missing or the unit was already chased today for that month."""
    _require_office(actor)
    missing = list(missing_reports(actor, period).filter(lead_org=unit).order_by("code"))
    if not missing:
        raise WorkflowError(_("%(unit)s has no missing report for %(period)s.") % {"unit": unit, "period": period})
    today = timezone.localdate()
    try:
        with transaction.atomic():
            chase = Chase.objects.create(
                region=actor.region,
                unit=unit,
                period=period,
                missing=len(missing),
                chased_by=actor,
                chased_on=today,
            )
            names = "、".join(f"{project.code} {project.name}" for project in missing[:10])
            if len(missing) > 10:
                names += _(" and %(count)s more") % {"count": len(missing) - 10}
            send(
                unit_people([unit.pk]),
                actor=actor,
                kind=NotificationKind.CHASE,
                title=_("催报: %(count)s reports for %(period)s are missing")
                % {"count": len(missing), "period": period},
                text=names,
                url=f"{reverse('progress-reporting')}?period={period}",
                key=f"chase:{unit.pk}:{period}:{today.isoformat()}",
            )
    except IntegrityError:
        raise WorkflowError(
            _("%(unit)s was already chased today for %(period)s.") % {"unit": unit, "period": period}
        ) from None
    return chase


def report_chase_overdue(*, actor: User, period: str) -> tuple[list[Chase], int]:
    """Chase every unit whose reports for ``period`` are overdue and that was not chased today: (the chases made,
    how many units were passed over because another chase got there first or nothing is missing any more)."""
    _require_office(actor)
    chased, skipped = [], 0
    for row in units_to_chase(actor, period):
        if not row["overdue"] or row["chased_today"]:
            continue
        try:
            chased.append(report_chase(actor=actor, unit=row["unit"], period=period))
        except WorkflowError:
            skipped += 1
    return chased, skipped
