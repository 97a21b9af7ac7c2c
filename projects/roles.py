"""The roles as Django groups, and the model permissions each one holds.

Writes are further limited per object for everyone who is not office staff (``User.can``): a liaison changes
only what belongs to their own unit. Apps add their own models to ``ROLE_PERMISSIONS`` as they grow.
"""

from django.contrib.auth.models import Group, Permission

from .choices import Role

PORTFOLIO_MODELS = [
    "projects.organization",
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
    "projects.projectchangerequest",
    "projects.milestonecompletion",
    "projects.progressreportevent",
]

ALL_ACTIONS = ("view", "add", "change", "delete")

ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OFFICE: {
        **dict.fromkeys(PORTFOLIO_MODELS, ALL_ACTIONS),
        # The office confirms what units ask (completion, acceptance, plan changes); requests and reported milestones
        # are written only through the services (projects.services), never edited as rows.
        "projects.project": (*ALL_ACTIONS, "confirm"),
        "projects.projectchangerequest": ("view",),
        "projects.milestonecompletion": ("view",),
        "projects.progressreportevent": ("view",),
        "projects.progressreport": (*ALL_ACTIONS, "review"),
        # A baseline is approved, never edited: frozen rows are the point.
        "projects.baseline": ("view", "add"),
        "projects.projectbaseline": ("view",),
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


def sync_role_groups(**kwargs):
    """Create the role groups and give each the permissions above (adds what is missing, removes nothing)."""
    for role, grants in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = []
        for model_label, actions in grants.items():
            app_label, model_name = model_label.split(".")
            codenames = [f"{action}_{model_name}" for action in actions]
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames).values_list(
                    "pk", flat=True
                )
            )
        group.permissions.add(*wanted)
