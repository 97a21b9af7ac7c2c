"""What each role may do with the portfolio's models, registered with ``accounts.roles`` when the app loads.

Writes are further limited per object for everyone who is not office staff (``User.can``): a liaison changes
only what belongs to their own unit.
"""

from accounts.choices import Role
from accounts.roles import ALL_ACTIONS

PORTFOLIO_MODELS = [
    "projects.domain",
    "projects.plan",
    "projects.project",
    "projects.milestone",
    "projects.progressreport",
    "projects.fundingsource",
    "projects.funding",
    "projects.indicator",
    "projects.indicatorvalue",
    "projects.baseline",
    "projects.projectbaseline",
    "projects.baselineevent",
    "projects.projectchangerequest",
    "projects.milestonecompletion",
    "projects.progressreportevent",
]

PORTFOLIO_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OFFICE: {
        **dict.fromkeys(PORTFOLIO_MODELS, ALL_ACTIONS),
        # The office confirms what units ask (completion, acceptance, plan changes); requests and reported milestones
        # are written only through the services (projects.services), never edited as rows.
        "projects.project": (*ALL_ACTIONS, "confirm"),
        "projects.projectchangerequest": ("view",),
        "projects.milestonecompletion": ("view",),
        "projects.progressreportevent": ("view",),
        "projects.progressreport": (*ALL_ACTIONS, "review"),
        # A key-project list is submitted, approved or returned through the services, never edited: frozen rows are
        # the point. "add" marks who takes part in its course (an office); its region decides which part.
        "projects.baseline": ("view", "add"),
        "projects.projectbaseline": ("view",),
        "projects.baselineevent": ("view",),
    },
    Role.LIAISON: {
        **dict.fromkeys(PORTFOLIO_MODELS, ("view",)),
        "projects.project": ("view", "change"),
        "projects.milestone": ALL_ACTIONS,
        "projects.progressreport": ("view", "add", "change"),
        "projects.indicatorvalue": ("view", "add", "change"),
    },
    Role.LEADER: dict.fromkeys(PORTFOLIO_MODELS, ("view",)),
    Role.COMMITTEE: dict.fromkeys(PORTFOLIO_MODELS, ("view",)),
    Role.SIGNER: dict.fromkeys(PORTFOLIO_MODELS, ("view",)),
}
