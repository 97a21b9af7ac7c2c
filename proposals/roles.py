"""What each role may do with proposals, registered with ``accounts.roles`` when the app loads.

The moves themselves are checked in ``proposals.services``: ``handle_proposal`` for the committee's moves,
``reply_proposal`` (drafting, opinions, re-assignment requests) and ``sign_reply`` (sign-off) for the units' moves,
always for the user's own unit. Office staff of the smart-city office no longer reply for units: a reply is drafted
by the unit's liaison and issued by the unit's signer (单位签发人), or recorded by the committee (代录).
"""

from accounts.choices import Role

PROPOSAL_MODELS = [
    "proposals.session",
    "proposals.category",
    "proposals.resultclass",
    "proposals.proposer",
    "proposals.proposal",
    "proposals.signature",
    "proposals.assignment",
    "proposals.reply",
    "proposals.feedback",
    "proposals.event",
    "proposals.handlingunit",
]
REFERENCE_MODELS = [
    "proposals.session",
    "proposals.category",
    "proposals.resultclass",
    "proposals.proposer",
    "proposals.handlingunit",
]
VIEW = ("view",)

PROPOSAL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.COMMITTEE: {
        **dict.fromkeys(PROPOSAL_MODELS, VIEW),
        **dict.fromkeys(REFERENCE_MODELS, ("view", "add", "change", "delete")),
        "proposals.proposal": ("view", "add", "change", "delete", "handle"),
        # Publishing a reply (or taking it down) is the committee's call.
        "proposals.reply": ("view", "change"),
    },
    Role.OFFICE: dict.fromkeys(PROPOSAL_MODELS, VIEW),
    Role.LIAISON: {**dict.fromkeys(PROPOSAL_MODELS, VIEW), "proposals.proposal": ("view", "reply")},
    # The unit's signer may also correct the draft before signing it off.
    Role.SIGNER: {
        **dict.fromkeys(PROPOSAL_MODELS, VIEW),
        "proposals.proposal": ("view", "reply"),
        "proposals.reply": ("view", "sign"),
    },
    Role.LEADER: dict.fromkeys(PROPOSAL_MODELS, VIEW),
}
