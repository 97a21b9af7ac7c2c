"""Every move of the proposal workflow, one function each. Pages, the API, imports and commands all call these.

Each move checks the actor's role (``ActionForbidden``, 403), then the proposal's current status
(``WorkflowError``, 409), then its data (``ValidationError``, 400); it locks the proposal row so that two people can
never move the same proposal twice, records an ``Event`` and runs in one transaction. Only the proposal's own CPPCC
acts on it — its region's committee and units (``base.require_own_cppcc``, 403 when the lock is taken): its units are
that region's (``querysets.handling_units``), its category, proposers and result classes that CPPCC's.

The committee (``handle_proposal``) registers, files, merges, assigns, extends, records feedback, records a paper
reply on a unit's behalf (代录), publishes replies and closes; it also keeps the list of handling units. The assigned
unit's liaison (``reply_proposal``) drafts its reply, sends a co-handling opinion and asks for re-assignment; the
unit's signer (``sign_reply``) signs off or returns its unit's draft. Everyone acts for their own unit only.

- ``base``: the shared checks, against each step's declaration in ``proposals.steps``;
- ``workflow``: the proposal's own moves;
- ``replies``: drafting, sign-off, return, 代录, publication;
- ``handling_units``: the committee's list of handling units (承办单位名录).
"""

from .base import (
    available_moves,
    default_due_date,
    latest_due_date,
    opinion_due_date,
)
from .handling_units import handling_units_set
from .replies import (
    missing_opinions,
    reply_publish,
    reply_record,
    reply_return,
    reply_save_draft,
    reply_set_public,
    reply_sign_off,
    reply_withdraw,
    sign_off_warnings,
)
from .workflow import (
    assignment_extend,
    feedback_parties,
    proposal_archive,
    proposal_assign,
    proposal_close,
    proposal_extend,
    proposal_feedback,
    proposal_file,
    proposal_merge,
    proposal_not_file,
    proposal_opinion,
    proposal_request_reassign,
    proposal_restore,
    proposal_signers,
    proposal_submit,
    proposal_update,
    proposers_from_names,
    set_proposers,
)

__all__ = [
    "assignment_extend",
    "available_moves",
    "default_due_date",
    "feedback_parties",
    "handling_units_set",
    "latest_due_date",
    "missing_opinions",
    "opinion_due_date",
    "proposal_archive",
    "proposal_assign",
    "proposal_close",
    "proposal_extend",
    "proposal_feedback",
    "proposal_file",
    "proposal_merge",
    "proposal_not_file",
    "proposal_opinion",
    "proposal_request_reassign",
    "proposal_restore",
    "proposal_signers",
    "proposal_submit",
    "proposal_update",
    "proposers_from_names",
    "reply_publish",
    "reply_record",
    "reply_return",
    "reply_save_draft",
    "reply_set_public",
    "reply_sign_off",
    "reply_withdraw",
    "set_proposers",
    "sign_off_warnings",
]
