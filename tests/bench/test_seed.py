"""``bench.seed``: the synthetic portfolio for load tests has the promised shape, respects the constraints, and
``--clear`` replaces it without touching real data."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.choices import Role
from accounts.models import Organization, User
from bench.seed import SeedCommand
from projects.models import Domain, Funding, Milestone, ProgressReport, Project
from proposals.models import Proposal, Reply
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def seed(projects: int, **options) -> str:
    out = io.StringIO()
    call_command(SeedCommand(), projects=projects, stdout=out, **options)
    return out.getvalue()


def synthetic_projects():
    return Project.objects.filter(code__startswith="SC-")


def test_builds_the_requested_portfolio():
    output = seed(20)

    projects = synthetic_projects()
    assert projects.count() == 20
    assert "20 projects" in output
    milestones = Counter(projects.annotate(n=Count("milestones")).values_list("n", flat=True))
    assert set(milestones) <= {4, 5, 6}
    assert 4.5 <= Milestone.objects.count() / 20 <= 5.5
    assert set(projects.annotate(n=Count("progress_reports")).values_list("n", flat=True)) == {12}
    assert set(projects.annotate(n=Count("fundings")).values_list("n", flat=True)) == {3}
    assert Proposal.objects.count() == 10
    assert ProgressReport.objects.filter(status="returned", review_comment="").count() == 0


def test_figures_evaluate_and_health_is_spread():
    seed(20)

    health = Counter(synthetic_projects().with_figures().values_list("health", flat=True))
    assert sum(health.values()) == 20
    assert len(health) >= 2
    assert all(
        funding.planned >= funding.allocated >= funding.disbursed >= 0
        for funding in Funding.objects.filter(project__code__startswith="SC-")
    )
    assert Reply.objects.filter(result_class__isnull=True).count() == 0


def test_same_seed_same_portfolio():
    seed(8, seed=7)
    first = list(synthetic_projects().values_list("code", "name", "status", "planned_start"))
    seed(8, seed=7, clear=True)
    assert list(synthetic_projects().values_list("code", "name", "status", "planned_start")) == first


def test_refuses_to_add_to_existing_synthetic_data():
    seed(5)
    with pytest.raises(CommandError, match="--clear"):
        seed(5)
    assert synthetic_projects().count() == 5


def test_clear_replaces_synthetic_data_and_leaves_real_data():
    real = ProjectFactory(code="P-REAL", name="真实项目")
    seed(20)
    seed(7, clear=True)

    assert synthetic_projects().count() == 7
    assert Proposal.objects.count() == 3
    assert Project.objects.exclude(code__startswith="SC-").get() == real
    assert Organization.objects.exclude(name__endswith="(合成)").get() == real.lead_org
    assert Domain.objects.filter(pk=real.domain_id).exists()


def test_bench_leader_is_a_leader_without_password():
    seed(1)

    user = User.objects.get(username="bench-leader")
    assert user.has_role(Role.LEADER)
    assert not user.has_usable_password()
