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
from ..selectors import missing_reports
from .base import send, unit_people


def report_chase(*, actor: User, unit: Organization, period: str) -> Chase:
    """Chase ``unit`` for its missing reports of ``period`` in the office's own region; refused (409) when nothing is
    missing or the unit was already chased today for that month."""
    if not (actor.has_perm("supervision.add_chase") and (actor.is_superuser or actor.has_role(Role.OFFICE))):
        raise ActionForbidden(_("Only smart-city office staff chase reports."))
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
