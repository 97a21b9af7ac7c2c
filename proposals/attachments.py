"""Which of the proposals' objects take files, of which kinds, and who adds them (``attachments.registry``).

- A proposal: its original as a scan, added by the committee of its own CPPCC while it is not archived.
- A reply: the letter as signed and stamped, added by the reply's own unit (its liaison while drafting, its signer
  when signing off) until it is issued; from then on its files are what went out and stay as they are, with the
  server's PDF of the letter (made before the files are listed if the issuing step left it due). A draft's
  files are read by those who read the draft: its own unit.
- A co-handling unit's assignment: its opinion's letter, added by that unit until the opinion is sent.

The steps that take files with them (``reply_sign_off``, ``proposal_opinion``) attach them within the step, after
their own checks.
"""

import logging

from attachments.choices import AttachmentKind
from attachments.registry import register

from .choices import AssignmentRole, ProposalStatus
from .models import Assignment, Proposal, Reply
from .services.letter_files import make_letter_pdf

logger = logging.getLogger(__name__)

# The permissions of the units' people who answer a proposal: the liaison drafts, the signer signs off.
ANSWERING_PERMISSIONS = ("proposals.reply_proposal", "proposals.sign_reply")


def proposal_takes_files(user, proposal: Proposal) -> bool:
    """Who may change the proposal: the committee of its own CPPCC (``User.can`` applies the region rule of
    ``services.base.require_own_cppcc``), while it is not archived."""
    return user.is_authenticated and not proposal.is_archived and user.can("change", proposal)


def answers_now(user, proposal: Proposal, unit_id: int) -> bool:
    """``user`` is of ``unit_id``, answers proposals, and the proposal is its own CPPCC's and open to answers."""
    return (
        user.is_authenticated
        and user.organization_id is not None
        and user.organization_id == unit_id
        and any(user.has_perm(permission) for permission in ANSWERING_PERMISSIONS)
        and not proposal.is_archived
        and proposal.status in ProposalStatus.answering()
        and user.region_scope.allows(proposal, "change")
    )


def reply_takes_files(user, reply: Reply) -> bool:
    """The reply's own unit, until the reply is issued (the record then holds exactly what went out)."""
    proposal = reply.proposal
    return not reply.is_issued and reply.round == proposal.round and answers_now(user, proposal, reply.unit_id)


def reply_files_readable(user, reply: Reply) -> bool:
    """Those who read the reply: an issued one everyone who reads proposals, a draft its own unit
    (``ReplyQuerySet.visible_to``)."""
    return Reply.objects.visible_to(user).filter(pk=reply.pk).exists()


def opinion_takes_files(user, assignment: Assignment) -> bool:
    """The co-handling unit itself, until its opinion is sent (``services.proposal_opinion``)."""
    return (
        assignment.role == AssignmentRole.CO
        and assignment.opinion_on is None
        and answers_now(user, assignment.proposal, assignment.unit_id)
    )


def letter_pdf_before_listing(reply: Reply):
    """Make a due letter PDF before the reply's files are listed. A failure of the printer (a font missing on the
    server) must not take the proposal's page down: it is logged, the PDF stays due (its claim rolled back with it)
    and ``make_letter_pdfs`` tries again."""
    try:
        make_letter_pdf(reply)
    except Exception:
        logger.exception("The letter PDF of reply %s could not be made; it stays due.", reply.pk)


def register_targets():
    register(
        Proposal,
        kinds=(AttachmentKind.PROPOSAL_SCAN, AttachmentKind.OTHER),
        may_add=proposal_takes_files,
    )
    register(
        Reply,
        kinds=(AttachmentKind.REPLY_LETTER, AttachmentKind.OTHER),
        may_add=reply_takes_files,
        may_view=reply_files_readable,
        before_listing=letter_pdf_before_listing,
    )
    register(Assignment, kinds=(AttachmentKind.OPINION_LETTER,), may_add=opinion_takes_files)
