"""The committee's list of handling units (承办单位名录): which organisations proposals may be assigned to.

Government departments and district governments are on it unless the committee takes one off; the committee adds the
courts, procuratorates, people's organisations and state-owned companies (供电, 电信, 水务 …) that handle proposals
too. A CPPCC body, a democratic party or a proposer can never be put on it. The rule itself is
``proposals.querysets.handling_units``.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from common.exceptions import ActionForbidden

from ..models import HandlingUnit
from ..querysets import DEFAULT_HANDLING_KINDS, handling_unit_candidates, handling_units


def handling_units_set(
    *, actor: User, add: Iterable[Organization] = (), remove: Iterable[Organization] = (), note: str = ""
) -> tuple[list[Organization], list[Organization]]:
    """Put ``add`` on the list and take ``remove`` off it; answers what actually changed (added, removed). Each unit
    is on its own region's CPPCC's list, which only that region's committee keeps."""
    if not actor.has_perm("proposals.change_handlingunit"):
        raise ActionForbidden(_("Only the proposal committee keeps the list of handling units."))
    add, remove = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
    foreign = [org.label for org in [*add, *remove] if not actor.region_scope.allows(org, "change")]
    if foreign:
        raise ValidationError(
            {
                "organization": _("Each region's committee keeps its own list: %(units)s are another region's.")
                % {"units": "、".join(foreign)}
            }
        )
    with transaction.atomic():
        allowed, listed = set(), set()
        for region in {org.region_id for org in [*add, *remove]}:
            allowed |= set(
                handling_unit_candidates(region).filter(pk__in=[o.pk for o in add]).values_list("pk", flat=True)
            )
            listed |= set(handling_units(region).values_list("pk", flat=True))
        refused = [org.label for org in add if org.pk not in allowed]
        if refused:
            raise ValidationError(
                {
                    "organization": _(
                        "A CPPCC body, a democratic party or a proposer cannot handle proposals: %(units)s."
                    )
                    % {"units": "、".join(refused)}
                }
            )
        added, removed = [], []
        for org in add:
            if org.pk in listed:
                continue
            entry, _created = HandlingUnit.objects.select_for_update().get_or_create(organization=org)
            entry.listed = True
            entry.note = (note or entry.note).strip()
            entry.save()
            added.append(org)
        for org in remove:
            if org.pk not in listed:
                continue
            if org.kind in DEFAULT_HANDLING_KINDS:
                HandlingUnit.objects.update_or_create(organization=org, defaults={"listed": False})
            else:
                HandlingUnit.objects.filter(organization=org).delete()
            removed.append(org)
    return added, removed
