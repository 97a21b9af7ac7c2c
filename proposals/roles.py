"""What each role may do with proposals; merged into ``projects.roles.ROLE_PERMISSIONS`` when the app loads.

The moves themselves are checked in ``proposals.services``: ``handle_proposal`` for the committee's moves,
``reply_proposal`` (and the unit's own assignment, for a liaison) for the units' moves.
"""

from projects.choices import Role

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
]
REFERENCE_MODELS = ["proposals.session", "proposals.category", "proposals.resultclass", "proposals.proposer"]
VIEW = ("view",)

PROPOSAL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.COMMITTEE: {
        **dict.fromkeys(PROPOSAL_MODELS, VIEW),
        **dict.fromkeys(REFERENCE_MODELS, ("view", "add", "change", "delete")),
        "proposals.proposal": ("view", "add", "change", "delete", "handle"),
        # Publishing a reply (or taking it down) is the committee's call.
        "proposals.reply": ("view", "change"),
    },
    Role.OFFICE: {**dict.fromkeys(PROPOSAL_MODELS, VIEW), "proposals.proposal": ("view", "reply")},
    Role.LIAISON: {**dict.fromkeys(PROPOSAL_MODELS, VIEW), "proposals.proposal": ("view", "reply")},
    Role.LEADER: dict.fromkeys(PROPOSAL_MODELS, VIEW),
}


def register():
    from projects.roles import ROLE_PERMISSIONS

    for role, grants in PROPOSAL_PERMISSIONS.items():
        ROLE_PERMISSIONS.setdefault(role, {}).update(grants)
