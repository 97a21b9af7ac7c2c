"""Reads of the portfolio that several pages share; figures come from the database in a fixed number of queries."""

from django.db.models import Count, Q, Sum

from .choices import Health, ProjectStatus
from .models import Project


def portfolio_summary(*, projects=None) -> dict:
    """Headline figures of a set of projects (all of them by default): counts by status and health, investment."""
    projects = projects if projects is not None else Project.objects.all()
    figures = projects.with_figures().aggregate(
        total=Count("pk"),
        investment=Sum("total_investment"),
        **{f"status_{status}": Count("pk", filter=Q(status=status)) for status in ProjectStatus.values},
        **{f"health_{health}": Count("pk", filter=Q(health=health)) for health in Health.values},
    )
    return {
        "total": figures["total"],
        "investment": figures["investment"] or 0,
        "by_status": [(ProjectStatus(s), figures[f"status_{s}"]) for s in ProjectStatus.values],
        "by_health": [(Health(h), figures[f"health_{h}"]) for h in Health.values],
    }


def projects_needing_attention(*, limit: int = 20):
    """Red before yellow ("red" sorts first), the furthest behind first."""
    return (
        Project.objects.with_figures()
        .filter(health__in=[Health.RED, Health.YELLOW])
        .select_related("lead_org", "domain")
        .order_by("health", "-progress_lag", "code")[:limit]
    )
