"""What each role may do in supervision, registered with ``accounts.roles``. The steps check more in
``supervision.services``: the unit's own notices, the issuing side's region, the leader's own decision."""

from accounts.choices import Role

MODELS = [
    "supervision.notice",
    "supervision.instruction",
    "supervision.commitment",
    "supervision.event",
    "supervision.chase",
]
VIEW = ("view",)

SUPERVISION_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    # The office issues and closes notices on projects, records leaders' instructions and chases reports.
    Role.OFFICE: {
        **dict.fromkeys(MODELS, VIEW),
        "supervision.notice": ("view", "add", "change"),
        "supervision.instruction": ("view", "add", "change"),
        "supervision.chase": ("view", "add"),
    },
    # The committee does the same on proposals, and confirms the promises of replies.
    Role.COMMITTEE: {
        **dict.fromkeys(MODELS, VIEW),
        "supervision.notice": ("view", "add", "change"),
        "supervision.instruction": ("view", "add", "change"),
        "supervision.commitment": ("view", "add", "confirm"),
        "supervision.proposercontact": ("view", "add", "change", "delete"),
    },
    Role.LEADER: {
        **dict.fromkeys(MODELS, VIEW),
        "supervision.notice": ("view", "escalate"),
        "supervision.instruction": ("view", "add"),
    },
    # A unit answers its own notices and instructions, and records the promises of its replies.
    Role.LIAISON: {
        **dict.fromkeys(MODELS, VIEW),
        "supervision.notice": ("view", "answer"),
        "supervision.instruction": ("view", "report"),
        "supervision.commitment": ("view", "add"),
    },
    Role.SIGNER: {
        **dict.fromkeys(MODELS, VIEW),
        "supervision.notice": ("view", "answer"),
        "supervision.instruction": ("view", "report"),
        "supervision.commitment": ("view", "add"),
    },
}
