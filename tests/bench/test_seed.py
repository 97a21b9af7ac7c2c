"""``bench.seed``: the synthetic portfolio for load tests has the promised shape, respects the constraints, and
``--clear`` replaces it without touching real data; with ``--regions`` it lies in the regions of a province, each
project in its lead unit's region, each city's proposals in its CPPCC's."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from accounts.choices import Role
from accounts.models import Organization, Region, User
from bench.seed import SeedCommand
from projects.models import Domain, Funding, Milestone, ProgressReport, Project
from proposals.models import Category, Proposal, Proposer, Reply, ResultClass, Session
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


def test_regions_place_the_portfolio_in_a_province_of_11_cities_and_90_districts():
    output = seed(40, regions=True)

    assert "102 regions" in output
    province = Region.objects.get(code="990000")
    cities = Region.objects.filter(parent=province)
    counties = Region.objects.filter(parent__in=cities)
    assert (cities.count(), counties.count()) == (11, 90)
    for region in Region.objects.filter(code__startswith="99"):
        region.full_clean()  # codes within the parent's, the office and the CPPCC units of the region itself
        assert region.office is not None
    assert all(city.cppcc is not None for city in cities)
    projects = synthetic_projects()
    assert not projects.exclude(region=F("lead_org__region")).exists()
    assert projects.filter(region__in=counties).exists() and projects.filter(region__in=cities).exists()
    for model in (Session, Proposer, ResultClass, Category):
        assert set(model.objects.filter(region__isnull=False).values_list("region__level", flat=True)) == {"city"}
    assert not Proposal.objects.exclude(signatures__proposer__region=F("session__region")).exists()
    assert not Reply.objects.exclude(result_class__region=F("proposal__session__region")).exists()
    assert not Proposal.objects.exclude(category__region=F("session__region")).exists()


def test_the_regions_accounts_read_their_own_region_and_those_below():
    seed(40, regions=True)

    city_user = User.objects.get(username="bench-office-990100")
    district_user = User.objects.get(username="bench-office-990101")
    assert city_user.has_role(Role.OFFICE) and User.objects.get(username="bench-leader-990100").has_role(Role.LEADER)
    assert User.objects.get(username="bench-admin").is_superuser
    within_city = synthetic_projects().filter(region__code__startswith="9901")
    assert set(city_user.scope(synthetic_projects())) == set(within_city)
    assert set(district_user.scope(synthetic_projects())) == set(within_city.filter(region__code="990101"))
    assert User.objects.filter(username__startswith="bench-office-").count() == 102


def test_clear_removes_the_regions_and_their_accounts():
    real = ProjectFactory(code="P-REAL", name="真实项目")
    seed(10, regions=True)
    seed(5, clear=True)

    assert not Region.objects.exists()
    assert not User.objects.filter(username__startswith="bench-office-").exists()
    assert synthetic_projects().filter(region__isnull=True).count() == 5
    assert Project.objects.exclude(code__startswith="SC-").get() == real
