"""Every page costs a constant number of queries, however long its lists grow.

Each test builds a small portfolio, counts the queries of the page, grows the portfolio about five times and checks
the page does not ask more. The data is the kind a district's portfolio holds: several units' projects with done,
late and coming milestones, approved, returned and submitted monthly reports, funding from several sources,
targets with values, a frozen annual baseline and a change history.
"""

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import OrganizationKind
from accounts.models import Organization
from attachments import services as attachments
from projects import services
from projects.choices import ProjectStatus, ReportStatus
from projects.models import Baseline, Plan, Project
from tests.attachments import pictures
from tests.factories import (
    DomainFactory,
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

SMALL, GROWTH = 1, 4  # the second data set adds four times the first: five times as long in all


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def period_of(day: datetime.date, months_back: int = 0) -> str:
    month = day.year * 12 + day.month - 1 - months_back
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


@dataclass
class Portfolio:
    """A growing portfolio: each ``grow(n)`` adds ``n`` of everything a page lists."""

    units: list
    office_user: object
    liaison: object
    today: datetime.date = field(default_factory=timezone.localdate)
    counter: itertools.count = field(default_factory=itertools.count)
    plan: Plan | None = None
    years: itertools.count = field(default_factory=lambda: itertools.count(2026, -1))

    def __post_init__(self):
        self.domains = [
            DomainFactory(code="smart-traffic", name="智慧交通", group="city_services"),
            DomainFactory(code="smart-water", name="智慧水务", group="city_services"),
            DomainFactory(code="e-government", name="数字政府", group="data_resources"),
        ]
        self.sources = [
            FundingSourceFactory(code="city-budget", name="市级财政资金", is_government=True),
            FundingSourceFactory(code="district-budget", name="区级财政资金", is_government=True),
            FundingSourceFactory(code="social-capital", name="社会资本", is_government=False),
        ]
        self.plan = PlanFactory(
            title="镇海区新型智慧城市建设三年行动计划（2026—2028年）", first_year=2026, last_year=2028
        )

    def next(self) -> int:
        return next(self.counter)

    def grow(self, n: int):
        for _ in range(n):
            for unit in self.units:
                self.add_project(unit)
            self.add_plan()
            self.add_unit()
        for _ in range(n):
            services.baseline_approve(actor=self.office_user, year=next(self.years), note="区政府常务会议审定")
        services.baseline_approve(actor=self.office_user, year=2026)  # freezes the projects added since

    def add_project(self, unit, **kwargs) -> Project:
        i = self.next()
        today = self.today
        status = [
            ProjectStatus.IN_PROGRESS,
            ProjectStatus.IN_PROGRESS,
            ProjectStatus.PREPARING,
            ProjectStatus.COMPLETED,
        ][i % 4]
        project = ProjectFactory(
            code=f"ZH-{today.year}-{i:03d}",
            name=f"智慧城市项目{i}",
            domain=self.domains[i % len(self.domains)],
            lead_org=unit,
            status=status,
            total_investment=Decimal(500 + 100 * i),
            planned_start=datetime.date(2024 + i % 3, 3, 1),
            planned_end=today + datetime.timedelta(days=90 + 30 * i),
            **kwargs,
        )
        project.plans.add(self.plan)
        project.participating_orgs.add(*[other for other in self.units if other != unit][:1])
        self.add_milestones(project, 3)
        self.add_reports(project, 3)
        FundingFactory(project=project, source=self.sources[i % len(self.sources)], year=today.year)
        indicator = IndicatorFactory(
            plan=self.plan,
            name=f"指标{i}",
            unit="%",
            baseline=Decimal("40"),
            target=Decimal("90"),
            responsible_org=unit,
        )
        indicator.projects.add(project)
        indicator.cooperating_orgs.add(*self.units[:2])
        IndicatorValueFactory(indicator=indicator, period=period_of(today, 6), value=Decimal("55"))
        IndicatorValueFactory(indicator=indicator, period=period_of(today, 1), value=Decimal("71.5"))
        return project

    def add_milestones(self, project, n):
        today = self.today
        for _ in range(n):
            i = self.next()
            kind = i % 3
            if kind == 0:  # done on time
                planned = today - datetime.timedelta(days=120 + i)
                MilestoneFactory(project=project, name=f"完成招投标{i}", planned_date=planned, actual_date=planned)
            elif kind == 1:  # late, some of them seriously
                MilestoneFactory(
                    project=project, name=f"完成系统部署{i}", planned_date=today - datetime.timedelta(days=10 + 15 * i)
                )
            else:  # still to come
                MilestoneFactory(
                    project=project, name=f"完成竣工验收{i}", planned_date=today + datetime.timedelta(days=30 + i)
                )

    def add_reports(self, project, n):
        """Monthly reports going back from this month: submitted, returned, approved, approved, …"""
        taken = set(project.progress_reports.values_list("period", flat=True))
        periods = (period_of(self.today, back) for back in itertools.count())
        for _ in range(n):
            period = next(p for p in periods if p not in taken)
            taken.add(period)
            status = [ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.APPROVED][min(len(taken) - 1, 2)]
            ProgressReportFactory(
                project=project,
                period=period,
                progress=Decimal(10 * (self.next() % 9)),
                status=status,
                submitted_by=self.liaison,
                submitted_at=timezone.now(),
                reviewer=self.office_user if status != ReportStatus.SUBMITTED else None,
                reviewed_at=timezone.now() if status != ReportStatus.SUBMITTED else None,
                review_comment="请补充资金到位情况。" if status == ReportStatus.RETURNED else "",
            )

    def add_plan(self):
        i = self.next()
        plan = PlanFactory(title=f"镇海区数字化改革专项方案（{i}）", issuer="镇海区人民政府", first_year=2026)
        IndicatorFactory(plan=plan, name=f"数据共享率{i}", target=Decimal("95"), responsible_org=self.units[0])

    def add_unit(self):
        i = self.next()
        OrganizationFactory(
            name=f"镇海区{i}街道办事处", short_name=f"{i}街道", kind=OrganizationKind.DISTRICT, parent=self.units[0]
        )


@pytest.fixture
def portfolio(unit, other_unit, office_user, liaison):
    third = OrganizationFactory(name="镇海区交通运输局", short_name="区交通局")
    return Portfolio(units=[unit, other_unit, third], office_user=office_user, liaison=liaison)


def count_queries(client, path) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries), response


def assert_constant(client, path, grow, rows, django_assert_max_num_queries):
    """Count the queries of ``path``, ``grow()`` the data, and check the page lists more for no more queries."""
    client.get(path)  # caches that fill once per process (content types, translations) are not the page's cost
    cache.clear()  # both requests compute their counts and totals (cached under the data version otherwise)
    small, response = count_queries(client, path)
    small_rows = rows(response)
    assert small_rows > 0
    grow()
    cache.clear()
    with django_assert_max_num_queries(small):
        response = client.get(path)
    assert response.status_code == 200
    assert rows(response) > small_rows


def listed(response) -> int:
    return len(response.context["object_list"])


LIST_PAGES = [
    ("/", "office_user", lambda r: len(r.context["office"]["waiting_reports"]) + len(r.context["attention"])),
    ("/", "liaison", lambda r: len(r.context["liaison"]["returned_reports"]) + len(r.context["liaison"]["milestones"])),
    ("/projects/", "office_user", listed),
    ("/projects/?health=red&ordering=-progress", "office_user", listed),
    ("/projects/?ordering=slippage", "leader", listed),
    ("/progress/review/", "office_user", listed),
    ("/progress/report/", "liaison", lambda r: len(r.context["rows"])),
    ("/targets/", "office_user", listed),
    ("/plans/", "office_user", listed),
    ("/organizations/", "office_user", listed),
    ("/baselines/", "office_user", listed),
]


@pytest.mark.parametrize(
    ("path", "user"), [page[:2] for page in LIST_PAGES], ids=[f"{p}-{u}" for p, u, _ in LIST_PAGES]
)
def test_list_costs_constant_queries(client, request, portfolio, django_assert_max_num_queries, path, user):
    rows = next(page[2] for page in LIST_PAGES if page[:2] == (path, user))
    client.force_login(request.getfixturevalue(user))
    portfolio.grow(SMALL)
    assert_constant(client, path, lambda: portfolio.grow(GROWTH), rows, django_assert_max_num_queries)


# Detail pages: one object whose own lists grow.


def test_project_page_costs_constant_queries(client, portfolio, office_user, other_unit, django_assert_max_num_queries):
    unit = portfolio.units[0]
    project = portfolio.add_project(unit)
    child_of = {"parent": project}
    funding_years = itertools.count(2016)
    photo_seeds = itertools.count(100)

    def grow(n):
        for _ in range(n):
            portfolio.add_milestones(project, 3)
            portfolio.add_reports(project, 3)
            year = next(funding_years)
            for source in portfolio.sources:
                FundingFactory(project=project, source=source, year=year, planned=Decimal("300"))
            portfolio.add_project(unit, **child_of)
            services.baseline_approve(actor=office_user, year=next(portfolio.years))
            change_project(project, other_unit)

    def change_project(project, other_unit):
        """Edits that land in the change log: a field, the lead unit there and back, a milestone and a report."""
        project.refresh_from_db()
        project.total_investment += 100
        project.save()
        lead = project.lead_org
        project.lead_org = other_unit
        project.save()
        project.lead_org = lead
        project.save()
        milestone = project.milestones.filter(actual_date__isnull=True).last()
        milestone.planned_date += datetime.timedelta(days=30)
        milestone.save()
        report = project.progress_reports.filter(status=ReportStatus.SUBMITTED).first()
        if report is not None:
            # With its site photo (the photo timeline grows too), which a key project under construction needs.
            photo = pictures.photo(next(photo_seeds), size=(160, 120))
            attachments.attach(actor=office_user, obj=report, files=[photo], check_permission=False)
            services.progress_report_approve(actor=office_user, report=report)

    grow(SMALL)
    client.force_login(office_user)
    path = f"/projects/{project.pk}/"

    def rows(response):
        context = response.context
        assert context["changes"] and context["chart"] and context["children"] and context["baselines"]
        assert context["photo_timeline"]
        return min(len(context["milestones"]), len(context["funding"]["rows"]), len(context["reports"]))

    assert_constant(client, path, lambda: grow(GROWTH), rows, django_assert_max_num_queries)


def test_project_page_targets_cost_constant_queries(
    client, portfolio, unit, other_unit, leader, django_assert_max_num_queries
):
    project = portfolio.add_project(unit)

    def grow(n):
        for _ in range(n * 2):
            i = portfolio.next()
            responsible = [unit, other_unit][i % 2]
            indicator = IndicatorFactory(plan=portfolio.plan, name=f"项目指标{i}", responsible_org=responsible)
            indicator.projects.add(project)
            IndicatorValueFactory(indicator=indicator, period=period_of(portfolio.today, 1), value=Decimal("66"))

    grow(SMALL)
    client.force_login(leader)
    rows = lambda response: len(response.context["indicators"])  # noqa: E731
    assert_constant(client, f"/projects/{project.pk}/", lambda: grow(GROWTH), rows, django_assert_max_num_queries)


def test_plan_page_costs_constant_queries(client, portfolio, leader, django_assert_max_num_queries):
    portfolio.grow(SMALL)
    client.force_login(leader)

    def rows(response):
        return min(len(response.context["projects"]), len(response.context["indicators"]))

    path = f"/plans/{portfolio.plan.pk}/"
    assert_constant(client, path, lambda: portfolio.grow(GROWTH), rows, django_assert_max_num_queries)


def test_unit_page_costs_constant_queries(client, portfolio, unit, leader, django_assert_max_num_queries):
    portfolio.grow(SMALL)
    client.force_login(leader)

    def rows(response):
        context = response.context
        return min(len(context["projects"]), len(context["indicators"]), len(context["children"]))

    path = f"/organizations/{unit.pk}/"
    assert_constant(client, path, lambda: portfolio.grow(GROWTH), rows, django_assert_max_num_queries)


def test_unit_page_of_a_participating_unit_costs_constant_queries(
    client, portfolio, leader, django_assert_max_num_queries
):
    portfolio.grow(SMALL)
    client.force_login(leader)
    path = f"/organizations/{portfolio.units[1].pk}/"
    rows = lambda response: len(response.context["participating"])  # noqa: E731
    assert_constant(client, path, lambda: portfolio.grow(GROWTH), rows, django_assert_max_num_queries)


def test_target_page_costs_constant_queries(client, portfolio, unit, liaison, django_assert_max_num_queries):
    indicator = IndicatorFactory(
        plan=portfolio.plan, name="政务服务事项网上可办率", unit="%", target=Decimal("98"), responsible_org=unit
    )
    months = itertools.count(1)

    def grow(n):
        for _ in range(n * 3):
            IndicatorValueFactory(indicator=indicator, period=period_of(portfolio.today, next(months)), value="80.5")
        for _ in range(n):
            indicator.projects.add(portfolio.add_project(unit))
            indicator.cooperating_orgs.add(OrganizationFactory())

    grow(SMALL)
    client.force_login(liaison)  # the liaison of the responsible unit also gets the form to record a value
    rows = lambda response: len(response.context["values"])  # noqa: E731
    path = f"/targets/{indicator.pk}/"
    assert_constant(client, path, lambda: grow(GROWTH), rows, django_assert_max_num_queries)


def test_baseline_page_costs_constant_queries(client, portfolio, committee_user, django_assert_max_num_queries):
    portfolio.grow(SMALL)
    client.force_login(committee_user)

    def grow():
        portfolio.grow(GROWTH)
        # Deadlines moved after the freeze: the page shows the slippage.
        for project in Project.objects.filter(baselines__baseline__year=2026)[::2]:
            project.planned_end += datetime.timedelta(days=45)
            project.save()

    rows = lambda response: len(response.context["entries"])  # noqa: E731
    baseline = Baseline.objects.get(year=2026)
    assert_constant(client, f"/baselines/{baseline.pk}/", grow, rows, django_assert_max_num_queries)


# The edit pages are lists too: one row per milestone, funding line or value.


@pytest.mark.parametrize(
    "page",
    [
        "milestones",
        "funding",
        "values",
    ],
)
def test_edit_page_costs_constant_queries(client, portfolio, unit, office_user, django_assert_max_num_queries, page):
    project = portfolio.add_project(unit)
    indicator = project.indicators.get()
    years = itertools.count(2016)
    months = itertools.count(7)  # the project's target already has values one and six months back

    def grow(n):
        for _ in range(n):
            portfolio.add_milestones(project, 3)
            year = next(years)
            for source in portfolio.sources:
                FundingFactory(project=project, source=source, year=year)
            for _ in range(3):
                IndicatorValueFactory(indicator=indicator, period=period_of(portfolio.today, next(months)))

    path, rows = {
        "milestones": (f"/projects/{project.pk}/edit/", lambda r: len(r.context["formsets"]["milestones"].forms)),
        "funding": (f"/projects/{project.pk}/funding/", lambda r: len(r.context["formsets"]["fundings"].forms)),
        "values": (f"/targets/{indicator.pk}/edit/", lambda r: len(r.context["formsets"]["values"].forms)),
    }[page]
    grow(SMALL)
    client.force_login(office_user)
    assert_constant(client, path, lambda: grow(GROWTH), rows, django_assert_max_num_queries)


def test_the_portfolio_is_realistic(portfolio):
    """The data the counts run on has what the pages show: red projects, reports to review, work to report."""
    portfolio.grow(SMALL)
    projects = Project.objects.with_figures()
    assert projects.filter(health="red").exists()
    assert projects.filter(health="green").exists()
    assert set(Project.objects.values_list("lead_org", flat=True)) == {unit.pk for unit in portfolio.units}
    reports = set(Project.objects.values_list("progress_reports__status", flat=True))
    assert {ReportStatus.SUBMITTED, ReportStatus.APPROVED, ReportStatus.RETURNED} <= reports
    assert Project.objects.reporting().filter(lead_org=portfolio.liaison.organization).exists()
    assert Organization.objects.filter(parent=portfolio.units[0]).exists()
