"""Each region's cached figures last until its own data changes: a write in 镇海区 moves the versions of 镇海区,
宁波市 and 浙江省 (their figures roll it up), and leaves 象山县's, 东莞市's and 广东省's — and the figures cached for
them — as they were. The city's own rows (its plans, the projects it builds in its districts) are read below it, and the
rows of no region everywhere: their writes move those keys too."""

import datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.choices import RegionLevel, Role
from accounts.models import Organization, Region
from projects.models import Milestone, Project
from reports.models import RegionVersion
from reports.versioning import cached, data_version, figure_regions
from tests.factories import (
    DomainFactory,
    FundingFactory,
    FundingSourceFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    ProposerFactory,
    SessionFactory,
    UserFactory,
)

DASHBOARD = "/reports/dashboard/"


@pytest.fixture
def tree(db):
    def region(name, level, code, parent=None):
        return Region.objects.create(name=name, level=level, code=code, parent=parent)

    zhejiang = region("浙江省", RegionLevel.PROVINCE, "330000")
    ningbo = region("宁波市", RegionLevel.CITY, "330200", zhejiang)
    guangdong = region("广东省", RegionLevel.PROVINCE, "440000")
    regions = {
        "浙江省": zhejiang,
        "宁波市": ningbo,
        "镇海区": region("镇海区", RegionLevel.COUNTY, "330211", ningbo),
        "象山县": region("象山县", RegionLevel.COUNTY, "330225", ningbo),
        "广东省": guangdong,
        "东莞市": region("东莞市", RegionLevel.CITY, "441900", guangdong),
    }
    units = {name: OrganizationFactory(name=f"{name}经信局", region=place) for name, place in regions.items()}
    # Reference data, shared by every region, made before any test measures.
    DomainFactory(code="domain"), FundingSourceFactory(code="source")
    return regions, units


def project_of(unit, **fields):
    return ProjectFactory(lead_org=unit, domain=DomainFactory(code="domain"), **fields)


def versions(regions: dict) -> dict[str, str]:
    keys = {name: data_version([place]) for name, place in regions.items()}
    return {**keys, "no region": data_version([]), "all": data_version()}


def moved(regions: dict, write) -> set[str]:
    before = versions(regions)
    write()
    after = versions(regions)
    return {name for name, version in after.items() if version != before[name]}


ZHENHAI_AND_ABOVE = {"镇海区", "宁波市", "浙江省", "all"}


def test_a_write_in_a_district_moves_its_city_and_province_and_leaves_the_rest(tree):
    regions, units = tree
    assert moved(regions, lambda: project_of(units["镇海区"])) == ZHENHAI_AND_ABOVE
    assert moved(regions, lambda: project_of(units["东莞市"])) == {"东莞市", "广东省", "all"}


def raw_delete_milestones(project):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM projects_milestone WHERE project_id = %s", [project.pk])


WRITES = {
    "milestone": lambda project: MilestoneFactory(project=project),
    "bulk created milestone": lambda project: Milestone.objects.bulk_create(
        [Milestone(project=project, name="批量", weight=5, planned_date=datetime.date(2026, 9, 30))]
    ),
    "raw SQL delete of milestones": raw_delete_milestones,
    "progress report": lambda project: ProgressReportFactory(project=project),
    "funding": lambda project: FundingFactory(project=project, source=FundingSourceFactory(code="source")),
    "queryset update": lambda project: Project.objects.filter(pk=project.pk).update(name="改名"),
    "project deleted": lambda project: Project.objects.filter(pk=project.pk).delete(),
    "proposal of the district's session": lambda project: ProposalFactory(
        session=SessionFactory(name="镇海区政协十五届四次", region=project.region),
        proposers=[ProposerFactory(name="镇海区委员", region=project.region).name],
    ),
}


@pytest.mark.parametrize("write", WRITES)
def test_every_kind_of_write_moves_the_region_its_row_belongs_to(tree, write):
    regions, units = tree
    project = project_of(units["镇海区"])
    MilestoneFactory(project=project)
    assert moved(regions, lambda: WRITES[write](project)) == ZHENHAI_AND_ABOVE


def test_a_link_row_moves_the_regions_of_the_rows_it_links(tree):
    regions, units = tree
    project = project_of(units["镇海区"])
    dongguan_plan = PlanFactory(region=regions["东莞市"])
    assert moved(regions, lambda: project.plans.add(dongguan_plan)) == ZHENHAI_AND_ABOVE | {"东莞市", "广东省"}


def test_the_citys_own_rows_move_the_keys_of_its_districts_which_read_them(tree):
    regions, _ = tree
    # A plan of 宁波市 guides 镇海区 and 象山县: their figures read it.
    assert moved(regions, lambda: PlanFactory(region=regions["宁波市"])) == {
        "宁波市",
        "镇海区",
        "象山县",
        "浙江省",
        "all",
    }


def test_a_project_moved_to_another_region_moves_both(tree):
    regions, units = tree
    project = project_of(units["镇海区"])

    def move():
        project.lead_org = units["东莞市"]
        project.save()

    assert moved(regions, move) == ZHENHAI_AND_ABOVE | {"东莞市", "广东省"}


ROWS_OF_NO_REGION = {
    "domain": lambda units: DomainFactory(code="new-domain"),
    "unit renamed (its name shows in other regions)": lambda units: Organization.objects.filter(
        pk=units["镇海区"].pk
    ).update(short_name="镇海经信"),
    "project of a unit of no region": lambda units: ProjectFactory(),
}


@pytest.mark.parametrize("write", ROWS_OF_NO_REGION)
def test_rows_of_no_region_move_every_key(tree, write):
    regions, units = tree
    assert moved(regions, lambda: ROWS_OF_NO_REGION[write](units)) == {*regions, "no region", "all"}


def test_figures_cached_for_another_city_stay_valid_after_a_write_in_a_district(tree):
    regions, units = tree
    computed = []

    def figures_of(name):
        return cached("test", (name,), lambda: computed.append(name) or {"region": name}, regions=[regions[name]])

    for name in ("宁波市", "东莞市", "象山县"):
        figures_of(name)
    project_of(units["镇海区"])
    for name in ("宁波市", "东莞市", "象山县"):
        assert figures_of(name)["region"] == name
    assert computed == ["宁波市", "东莞市", "象山县", "宁波市"]


def test_the_version_of_a_region_is_one_query(tree):
    regions, units = tree
    project_of(units["镇海区"])
    with CaptureQueriesContext(connection) as queries:
        data_version([regions["镇海区"], regions["东莞市"]])
    assert len(queries) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite moves the versions at each row")
def test_a_transaction_moves_each_region_once_at_its_commit():
    zhejiang = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    ningbo = Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=zhejiang)
    unit = OrganizationFactory(name="宁波市经信局", region=ningbo)
    before = data_version([ningbo])
    with transaction.atomic():
        for project in ProjectFactory.create_batch(3, lead_org=unit):
            MilestoneFactory.create_batch(2, project=project)
        assert data_version([ningbo]) == before
    assert data_version([ningbo]) != before
    # One project, then its milestones, six statements and one commit: the city's versions moved once.
    assert RegionVersion.objects.filter(region=ningbo).values_list("version", "own_version").get() == (1, 1)


def test_the_figures_of_a_user_are_keyed_by_the_region_the_user_reads_or_the_one_chosen(tree):
    regions, units = tree
    district_office = UserFactory(organization=units["镇海区"])
    assert figure_regions(district_office) == [regions["镇海区"]]
    assert figure_regions(district_office, chosen=regions["宁波市"].pk) == [regions["宁波市"].pk]
    assert figure_regions(UserFactory(is_superuser=True)) is None
    assert figure_regions(UserFactory()) == []  # a unit of no region


def test_the_dashboard_of_another_city_is_served_from_the_cache_after_a_write_in_a_district(client, tree):
    _, units = tree
    for name in ("镇海区", "东莞市"):
        project_of(units[name])
    client.force_login(UserFactory(organization=units["东莞市"], role=Role.OFFICE))
    client.get(DASHBOARD)
    project_of(units["镇海区"])
    with CaptureQueriesContext(connection) as after_a_write_elsewhere:
        assert client.get(DASHBOARD).context["headline"]["projects"][0] == 1
    project_of(units["东莞市"])
    with CaptureQueriesContext(connection) as after_a_write_in_the_city:
        assert client.get(DASHBOARD).context["headline"]["projects"][0] == 2
    assert len(after_a_write_elsewhere) < len(after_a_write_in_the_city)
