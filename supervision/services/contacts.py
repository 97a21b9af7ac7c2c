"""A proposer's mobile number and consent to text messages about the promises made on their proposals, recorded by
the committee (proposers have no accounts); clearing the consent date withdraws it, the number stays."""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from common.exceptions import ActionForbidden
from proposals.models import Proposer

from ..models import ProposerContact

MOBILE = re.compile(r"^1[3-9][0-9]{9}$")


def proposer_contact_record(
    *, actor: User, proposer: Proposer, mobile: str, consent_on: datetime.date | None
) -> ProposerContact:
    if not actor.has_perm("supervision.add_proposercontact") or not actor.region_scope.allows(proposer, "change"):
        raise ActionForbidden(_("Only the committee of the proposer's own CPPCC records a proposer's contact."))
    mobile = (mobile or "").strip()
    if not MOBILE.match(mobile):
        raise ValidationError({"mobile": _("Give an 11-digit mainland mobile number, such as 13812341234.")})
    if consent_on is not None and consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("Consent cannot be given in the future.")})
    with transaction.atomic():
        contact, _created = ProposerContact.objects.select_for_update().update_or_create(
            proposer=proposer, defaults={"mobile": mobile, "consent_on": consent_on, "recorded_by": actor}
        )
    return contact
