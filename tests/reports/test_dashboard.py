"""The leaders' dashboard: every panel filled on the demo data, every headline number and chart bar equal to the
list it links to (with and without a filter chosen), a bounded number of queries whatever the portfolio's size, who
may see which page, the scorecard's sorting, and the list filters the links rely on."""

import datetime
import io
from decimal import Decimal

import plotly.graph_objects as go
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organization, Region, User
from bench.seed import SeedCommand
from projects.choices import ProjectStatus, ReportStatus
from projects.models import Plan, period_of
from projects.reminders import report_due_date
from proposals import services
from proposals.choices import ProposalStatus
from proposals.models import ResultClass
from reports.selectors import SCORECARD_COLUMNS
from tests.factories import (
    DomainFactory,
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    issue_reply,
    unit_user,
)
from tests.proposals.course import Course

DASHBOARD = "/reports/dashboard/"
SUMMARY = "/reports/summary/"
CHARTS = {
    "status-by-domain",
    "progress-by-domain",
    "health-by-unit",
    "progress-trend",
    "funding-by-year",
    "funding-sources",
    "investment-by-model",
    "completed-vs-plan",
    "target-attainment",
    "proposals-by-status",
    "replies-by-unit",
    "result-classes",
    "satisfaction",
}
LEAD_UNIT = "镇海区经济和信息化局"  # leads four demo projects and answers four proposals


@pytest.fixture(scope="class")
def demo(django_db_setup, django_db_blocker):
    """The demo data, loaded once for the class inside a transaction that is rolled back after its last test; each
    test runs in a savepoint inside it (pytest-django's own transaction), so what a test writes is undone too."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):  # the demo accounts are made in debug mode only
            call_command("load_demo", stdout=io.StringIO())
        # DEBUG logged the loader's queries up to the log's limit; a full log would hide every query counted later.
        connection.queries_log.clear()
        yield
        transaction.set_rollback(True)


def count_at(client, url: str) -> int:
    """How many rows the list page at ``url`` counts (all pages)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["paginator"].count


def headline_links(context) -> dict[str, tuple[int, str]]:
    """Every headline number of the dashboard with the address of its list."""
    headline, milestones, targets = context["headline"], context["milestones"], context["targets"]
    links = {
        "projects": headline["projects"],
        **{f"band {band}": figure for band, figure in headline["bands"].items()},
        **{f"health {health}": figure for health, figure in headline["health"].items()},
        "late milestones": (milestones["late_count"], milestones["late_url"]),
        "upcoming milestones": (milestones["upcoming_count"], milestones["upcoming_url"]),
        "targets met": (targets["met"], targets["met_url"]),
        "targets": (targets["total"], targets["url"]),
    }
    proposals = context["proposals"]
    for key in ("total", "replied", "on_time"):
        links[f"proposals {key}"] = (proposals[key], proposals[f"{key}_url"])
    for key in ("overdue", "key"):
        links[f"proposals {key}"] = (proposals[f"{key}_count"], proposals[f"{key}_url"])
    return links


def bars(trace: dict) -> tuple[list, list]:
    """A bar trace's categories and values, whichever way its bars lie."""
    return (trace["y"], trace["x"]) if trace.get("orientation") == "h" else (trace["x"], trace["y"])


def holds_data(trace: dict) -> bool:
    values = [*(trace.get("x") or []), *(trace.get("y") or []), *(trace.get("values") or [])]
    return any(isinstance(value, int | float) and value for value in values)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestOnTheDemoData:
    @pytest.fixture
    def leader_client(self, client):
        client.force_login(User.objects.get(username="leader"))
        return client

    def test_every_panel_is_filled(self, leader_client):
        response = leader_client.get(DASHBOARD)

        assert response.status_code == 200
        charts = response.context["charts"]
        assert set(charts) == CHARTS
        for name, figure in charts.items():
            assert any(holds_data(trace) for trace in figure["data"]), name
            go.Figure(figure)  # raises on any property plotly does not know
            assert f'data-plotly-figure="chart-{name}-data"' in response.content.decode()

    @pytest.mark.parametrize(
        "scope",
        [None, "domain_group", "lead_org", "tier", "plan", "year", "region"],
    )
    def test_each_headline_number_is_the_count_of_its_list(self, leader_client, scope):
        params = {
            None: {},
            "domain_group": {"domain_group": "city_services"},
            "lead_org": {"lead_org": Organization.objects.get(name=LEAD_UNIT).pk},
            "tier": {"tier": "key"},
            "plan": {"plan": Plan.objects.get(title="“智慧镇海”建设规划纲要").pk},
            "year": {"year": 2014},
            "region": {"region": Region.objects.get(name="镇海区").pk},
        }[scope]
        everything = leader_client.get(DASHBOARD).context
        response = leader_client.get(DASHBOARD, params)
        assert response.status_code == 200
        links = headline_links(response.context)

        for name, (number, url) in links.items():
            assert number == count_at(leader_client, url), f"{name}: {url}"
        if scope:
            # The filter chose fewer projects, and the lists behind them carry it.
            projects, url = links["projects"]
            assert 0 < projects < everything["headline"]["projects"][0]
            for key, value in params.items():
                assert f"{key}={value}" in url
        if scope == "lead_org":
            assert 0 < links["proposals total"][0] < everything["proposals"]["total"]
            assert "unit=" in links["proposals total"][1]
        if scope == "plan":
            assert 0 < links["targets"][0] < everything["targets"]["total"]

    def test_zhenhai_task_book_counts_its_fifteen_tasks_once(self, leader_client):
        """The reply to proposal No. 27: 15 tasks, 8 completed, the whole task 80% done. Phases (信用镇海一期–三期,
        智慧水务一期) are part of their projects and count neither as tasks nor in the average."""
        task_book = Plan.objects.get(title="国家智慧城市试点创建任务书（镇海区）")
        context = leader_client.get(DASHBOARD, {"plan": task_book.pk}).context
        headline = context["headline"]

        assert headline["projects"][0] == 15 == count_at(leader_client, headline["projects"][1])
        assert headline["bands"]["completed"][0] == 8
        assert headline["bands"]["in_progress"][0] == 7
        assert headline["progress_plain"] == 80.0
        listed = leader_client.get(headline["projects"][1] + "&per_page=100").context
        rows = listed["object_list"]
        assert all(project.parent_id is None for project in rows)
        phases = {phase.code for project in rows for phase in project.phase_rows}
        assert phases == {"ZH-PILOT-07-1", "ZH-PILOT-07-2", "ZH-PILOT-07-3", "ZH-PILOT-09-1"}

    def test_zhenhai_region_is_its_fifteen_tasks_and_ningbo_takes_it_in(self, leader_client, client):
        """Chosen as a region, 镇海区 shows the documents' own figures (its units lead exactly the task book's 15
        tasks); 宁波市 — the Ningbo leader's own, chosen by default — takes its districts in, and not 东莞市, which
        the Ningbo leader cannot choose; the superuser's whole deployment is the two cities, each project once."""
        zhenhai_region, ningbo_region, dongguan_region = (
            Region.objects.get(name=name) for name in ("镇海区", "宁波市", "东莞市")
        )
        zhenhai = leader_client.get(DASHBOARD, {"region": zhenhai_region.pk}).context["headline"]
        assert zhenhai["projects"][0] == 15 == count_at(leader_client, zhenhai["projects"][1])
        assert zhenhai["bands"]["completed"][0] == 8
        assert zhenhai["progress_plain"] == 80.0
        ningbo = leader_client.get(DASHBOARD).context["headline"]
        assert ningbo == leader_client.get(DASHBOARD, {"region": ningbo_region.pk}).context["headline"]
        assert ningbo["projects"][0] == count_at(leader_client, ningbo["projects"][1]) > 15
        refused = leader_client.get(DASHBOARD, {"region": dongguan_region.pk}).context
        assert "region" in refused["form"].errors
        assert refused["headline"]["projects"][0] == ningbo["projects"][0]
        client.force_login(User.objects.get(username="dongguan"))
        dongguan = client.get(DASHBOARD).context["headline"]
        assert dongguan["projects"][0] == count_at(client, dongguan["projects"][1]) > 0
        client.force_login(User.objects.get(username="admin"))
        everything = client.get(DASHBOARD).context["headline"]
        assert ningbo["projects"][0] + dongguan["projects"][0] == everything["projects"][0]

    def test_headline_investment_is_the_sum_over_top_level_projects(self, leader_client):
        from projects.models import Project

        headline = leader_client.get(DASHBOARD).context["headline"]
        ningbo = Project.objects.filter(region__in=Region.objects.within(Region.objects.get(name="宁波市")))
        top_level = sum(ningbo.filter(parent__isnull=True).values_list("total_investment", flat=True))
        everything = sum(ningbo.values_list("total_investment", flat=True))
        assert Decimal(str(headline["investment"])) == top_level < everything
        page = leader_client.get("/projects/").context["summary"]
        assert page["investment"] == top_level
        assert page["phases"] == ningbo.filter(parent__isnull=False).count() > 0

    def test_year_filter_chooses_the_targets_of_that_years_plans(self, leader_client):
        everything = leader_client.get(DASHBOARD).context["targets"]
        this_year = timezone.localdate().year
        in_this_year = leader_client.get(DASHBOARD, {"year": this_year}).context
        in_2013 = leader_client.get(DASHBOARD, {"year": 2013}).context["targets"]
        # This year is offered (live projects run in it) though no demo plan is in force: no 2012–2015 target shows.
        assert not in_this_year["form"].errors
        assert in_this_year["targets"]["total"] == 0 < everything["total"]
        assert 0 < in_2013["total"] == count_at(leader_client, in_2013["url"])
        assert all(row.plan.first_year <= 2013 <= row.plan.last_year for row in in_2013["rows"])

    def test_money_rates_of_the_year_link_to_their_lists(self, leader_client):
        year = timezone.localdate().year
        money = leader_client.get(DASHBOARD).context["money"]
        assert money["year"] == year
        assert money["year_planned"] > 0
        assert money["completion_rate"] == round(100 * money["year_completed"] / money["year_planned"], 1)
        assert money["in_place_rate"] == round(100 * money["year_disbursed"] / money["year_planned"], 1)
        reports = leader_client.get(money["completed_url"] + "&per_page=200").context["object_list"]
        completed = sum(float(report.investment_completed) for report in reports)
        assert round(completed, 2) == round(money["year_completed"], 2)
        assert f"funding_year={year}" in money["funding_url"]

    def test_status_bars_are_the_counts_of_their_lists(self, leader_client):
        context = leader_client.get(DASHBOARD).context
        figure = context["charts"]["status-by-domain"]
        domains = {domain["name"]: domain for domain in context["domains"]}
        biggest = sorted(domains.values(), key=lambda domain: -domain["total"])[:2]
        for domain in biggest:
            column = bars(figure["data"][0])[0].index(domain["name"])
            segments = [(bars(trace)[1][column], trace["customdata"][column]) for trace in figure["data"]]
            assert sum(count for count, _url in segments) == domain["total"] == count_at(leader_client, domain["url"])
            for count, url in segments:
                assert count == count_at(leader_client, url), url

    def test_reply_bars_are_the_counts_of_the_ledger(self, leader_client):
        figure = leader_client.get(DASHBOARD).context["charts"]["replies-by-unit"]
        on_time, late = figure["data"]
        assert sum(bars(late)[1]) >= 1  # the demo has a late reply
        for trace in (on_time, late):
            for count, url in zip(bars(trace)[1], trace["customdata"], strict=True):
                assert count == count_at(leader_client, url), url

    def test_scorecard_links_are_the_counts_of_their_lists(self, leader_client):
        rows = leader_client.get(DASHBOARD).context["scorecard"]
        late = [row for row in rows if row["late_milestones"]]
        assert late
        for row in [*rows[:3], *late]:
            assert row["projects"] == count_at(leader_client, row["projects_url"]), row["name"]
            assert row["late_milestones"] == count_at(leader_client, row["late_url"]), row["name"]

    def test_headline_numbers_on_a_larger_synthetic_portfolio(self, client):
        """bench.seed spreads health, lateness, late and missing replies more widely than the demo does; its rows
        belong to no region, so the superuser reads them with the demo's."""
        client.force_login(User.objects.get(username="admin"))
        leader_client = client
        call_command(SeedCommand(), projects=300, stdout=io.StringIO())
        context = leader_client.get(DASHBOARD).context
        for name, (number, url) in headline_links(context).items():
            assert number == count_at(leader_client, url), f"{name}: {url}"
        for trace in context["charts"]["replies-by-unit"]["data"]:
            for count, url in list(zip(bars(trace)[1], trace["customdata"], strict=True))[-3:]:
                assert count == count_at(leader_client, url), url

    def test_queries_do_not_grow_with_the_portfolio(self, client, django_assert_max_num_queries):
        client.force_login(User.objects.get(username="admin"))
        leader_client = client
        # One query each for the scorecard's notice columns, the promises' 落实率, the navigation's to-do count, the
        # data version it is cached under, and the notification bell.
        with django_assert_max_num_queries(30) as demo_size:
            assert leader_client.get(DASHBOARD).status_code == 200
        call_command(SeedCommand(), projects=300, stdout=io.StringIO())
        with django_assert_max_num_queries(30) as larger:
            response = leader_client.get(DASHBOARD)
        assert response.status_code == 200
        assert response.context["headline"]["projects"][0] >= 300
        print(f"dashboard queries: demo {len(demo_size)}, demo + 300 projects {len(larger)}")
        assert abs(len(demo_size) - len(larger)) <= 1

    @pytest.mark.parametrize("column", SCORECARD_COLUMNS)
    @pytest.mark.parametrize("descending", [False, True])
    def test_scorecard_sorts_by_each_column(self, leader_client, column, descending):
        sort = f"-{column}" if descending else column
        rows = leader_client.get(SUMMARY, {"sort": sort}).context["scorecard"]

        values = [row[column] for row in rows]
        present = [value for value in values if value is not None]
        assert len(present) >= 2, column
        assert values == present + [None] * (len(values) - len(present))  # rows without a figure come last
        assert present == sorted(present, reverse=descending)

    def test_unknown_sort_falls_back_to_projects_descending(self, leader_client):
        response = leader_client.get(DASHBOARD, {"sort": "-password"})
        projects = [row["projects"] for row in response.context["scorecard"]]
        assert projects == sorted(projects, reverse=True) and projects[0] > projects[-1]
        # The projects column shows as the sort in use, so its header now offers the other direction.
        assert response.context["sort"] == "-projects"
        assert response.context["sort_urls"]["projects"] == "?sort=projects#scorecard"


# Who may see what


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["office_user", "liaison", "leader", "committee_user"])
def test_every_role_reads_the_dashboard_and_the_summary(client, request, role):
    ProjectFactory()
    client.force_login(request.getfixturevalue(role))
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(SUMMARY).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", [DASHBOARD, SUMMARY])
def test_anonymous_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_public_page_shows_only_published_projects_without_money_or_health(client):
    today = timezone.localdate()
    shown = ProjectFactory(name="城市大脑一期", is_published=True, total_investment=Decimal("87654.32"))
    # A late milestone makes the published project red or yellow: the public page still shows no light.
    MilestoneFactory(project=shown, planned_date=today - datetime.timedelta(days=90))
    ProjectFactory(name="内部数据中台", is_published=False)

    response = client.get("/public/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "城市大脑一期" in page and "内部数据中台" not in page
    assert [project.name for project in response.context["projects"]] == ["城市大脑一期"]
    assert "87654" not in page and "87,654" not in page
    assert not any(label in page for label in ("正常（绿灯）", "滞后（黄灯）", "严重滞后（红灯）"))
    assert "text-bg-danger" not in page and "text-bg-warning" not in page


# The lists the figures link to


@pytest.fixture
def reader(db, office_user, api):
    return api.as_user(office_user)


def names(api, url, key="name", **params) -> set[str]:
    response = api.get(url, {"page_size": 500, **params})
    assert response.status_code == 200, response.content
    return {row[key] for row in response.json()["results"]}


def test_project_filters_behind_the_links(reader):
    government = FundingSourceFactory(name="区财政", is_government=True)
    social = FundingSourceFactory(name="社会资本", is_government=False)
    FundingFactory(project=ProjectFactory(name="财政2025"), source=government, year=2025)
    FundingFactory(project=ProjectFactory(name="社会2026"), source=social, year=2026)
    assert names(reader, "/api/v1/projects/", funding_year=2025) == {"财政2025"}
    assert names(reader, "/api/v1/projects/", funding_source=social.pk) == {"社会2026"}
    assert names(reader, "/api/v1/projects/", social_capital="true") == {"社会2026"}
    assert "社会2026" not in names(reader, "/api/v1/projects/", social_capital="false")
    assert "财政2025" in names(reader, "/api/v1/projects/", social_capital="false")

    ProjectFactory(name="已公开", is_published=True)
    assert names(reader, "/api/v1/projects/", is_published="true") == {"已公开"}
    assert "已公开" not in names(reader, "/api/v1/projects/", is_published="false")


def test_milestone_filters_behind_the_links(reader):
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    services_domain = DomainFactory(code="gov", group="city_services")
    industry = DomainFactory(code="ind", group="industry")
    running = ProjectFactory(domain=services_domain)
    finished = ProjectFactory(domain=services_domain, status=ProjectStatus.COMPLETED)
    other = ProjectFactory(domain=industry)
    MilestoneFactory(project=running, name="逾期", planned_date=today - 10 * day)
    MilestoneFactory(project=running, name="已完成", planned_date=today - 20 * day, actual_date=today - 25 * day)
    MilestoneFactory(project=running, name="即将到期", planned_date=today + 10 * day)
    MilestoneFactory(project=running, name="远期", planned_date=today + 60 * day)
    MilestoneFactory(project=finished, name="已完工项目的节点", planned_date=today - 10 * day)
    MilestoneFactory(project=other, name="产业逾期", planned_date=today - 5 * day)

    url = "/api/v1/milestones/"
    assert names(reader, url, is_late="true") == {"逾期", "产业逾期"}
    assert names(reader, url, is_done="true") == {"已完成"}
    assert names(reader, url, is_done="false") == {"逾期", "即将到期", "远期", "已完工项目的节点", "产业逾期"}
    assert names(reader, url, due_within=30) == {"即将到期"}
    assert names(reader, url, is_late="true", domain_group="city_services") == {"逾期"}
    assert names(reader, url, is_late="true", lead_org=other.lead_org_id) == {"产业逾期"}


def test_report_year_is_the_periods_year_and_active_year_the_projects(reader):
    long_running = ProjectFactory(
        code="LONG", planned_start=datetime.date(2013, 1, 1), planned_end=datetime.date(2015, 12, 31)
    )
    later = ProjectFactory(
        code="LATER", planned_start=datetime.date(2015, 1, 1), planned_end=datetime.date(2015, 12, 31)
    )
    ProgressReportFactory(project=long_running, period="2014-06")
    ProgressReportFactory(project=long_running, period="2015-06")
    ProgressReportFactory(project=later, period="2015-06")

    def reports(**params):
        response = reader.get("/api/v1/progress-reports/", params)
        assert response.status_code == 200
        return sorted((row["project"], row["period"]) for row in response.json()["results"])

    assert reports(year=2014) == [(long_running.pk, "2014-06")]
    assert reports(active_year=2014) == [(long_running.pk, "2014-06"), (long_running.pk, "2015-06")]
    assert len(reports(active_year=2015)) == 3


def test_targets_attained(reader):
    met = IndicatorFactory(name="已达标", target=Decimal("100"))
    IndicatorValueFactory(indicator=met, value=Decimal("120"))
    short = IndicatorFactory(name="未达标", target=Decimal("100"))
    IndicatorValueFactory(indicator=short, value=Decimal("60"))
    IndicatorFactory(name="无数据")

    assert names(reader, "/api/v1/indicators/", attained="true") == {"已达标"}
    assert names(reader, "/api/v1/indicators/", attained="false") == {"未达标", "无数据"}


@pytest.fixture
def result_class(db):
    return ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳", "order": 1})[0]


def test_proposals_by_reply_alone_and_for_one_unit(reader, committee_user, result_class):
    """A reply is late when signed off after the unit's due date; with ``unit``, only that unit's replies count."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    lead, other = OrganizationFactory(name="区经信局"), OrganizationFactory(name="区大数据局")
    long_ago, passed = today - 100 * day, today - 10 * day
    course = Course(committee=committee_user, result_class=result_class, reply_fields={"text": "答复如下……"})

    on_time = course.bring(ProposalFactory(title="按时答复"), ProposalStatus.ASSIGNED, lead=lead)
    late = course.bring(
        ProposalFactory(title="逾期答复"), ProposalStatus.ASSIGNED, lead=lead, assigned_on=long_ago, due_date=passed
    )
    both = course.bring(
        ProposalFactory(title="分别答复"),
        ProposalStatus.ASSIGNED,
        separate=[lead, other],
        assigned_on=long_ago,
        due_date=passed,
    )
    services.assignment_extend(
        actor=committee_user, assignment=both.assignments.get(unit=lead), due_date=today + 30 * day, reason="需调研"
    )
    course.bring(ProposalFactory(title="尚未答复"), ProposalStatus.ASSIGNED, lead=lead)
    for proposal, unit in ((on_time, lead), (late, lead), (both, lead), (both, other)):
        course.reply(proposal, unit)

    def titles(**params):
        return names(reader, "/api/v1/proposals/", key="title", **params)

    assert titles(reply="replied") == {"按时答复", "逾期答复", "分别答复"}
    assert titles(reply="on_time") == {"按时答复"}
    assert titles(reply="late") == {"逾期答复", "分别答复"}
    assert titles(reply="none") == {"尚未答复"}
    assert titles(reply="on_time", unit=lead.pk) == {"按时答复", "分别答复"}
    assert titles(reply="late", unit=lead.pk) == {"逾期答复"}
    assert titles(reply="late", unit=other.pk) == {"分别答复"}
    assert titles(reply="on_time", unit=other.pk) == set()
    assert titles(reply="none", unit=lead.pk) == {"尚未答复"}


def test_reports_filed_after_the_due_day_count_as_late(client, leader):
    """The scorecard's reports on time: filed by the end of the period's due working day (the fifth of its month)."""
    unit = OrganizationFactory(name="区经信局")
    period = period_of(timezone.localdate().replace(day=1) - datetime.timedelta(days=40))
    due = report_due_date(datetime.date.fromisoformat(f"{period}-01"))
    zone = timezone.get_current_timezone()
    last_minute = datetime.datetime.combine(due, datetime.time(23, 30), tzinfo=zone)
    next_morning = datetime.datetime.combine(due + datetime.timedelta(days=1), datetime.time(0, 30), tzinfo=zone)
    for submitted_at in (last_minute, next_morning):
        ProgressReportFactory(
            project=ProjectFactory(lead_org=unit),
            period=period,
            status=ReportStatus.APPROVED,
            submitted_at=submitted_at,
        )

    client.force_login(leader)
    rows = {row["id"]: row for row in client.get(DASHBOARD).context["scorecard"]}

    assert rows[unit.pk]["reports_submitted"] == 2
    assert rows[unit.pk]["reports_on_time"] == 50.0


def test_the_scorecard_judges_replies_by_their_sign_off(client, leader, committee_user, result_class, set_today):
    """A unit cannot make a late reply count as on time by dating its letter early, nor a draft count as a reply: the
    headline's replies on time and the scorecard follow the sign-off (``ReplyQuerySet.late``)."""
    late_unit, prompt_unit = OrganizationFactory(name="区经信局"), OrganizationFactory(name="区大数据局")
    set_today(datetime.date(2026, 2, 1))
    proposals = [ProposalFactory(title=title) for title in ("迟复", "按期", "仅有草稿")]
    for proposal, unit in zip(proposals, (late_unit, prompt_unit, prompt_unit), strict=True):
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit)  # due 2026-05-01
    set_today(datetime.date(2026, 4, 20))
    issue_reply(proposals[1], prompt_unit, result_class=result_class)
    set_today(datetime.date(2026, 6, 15))
    issue_reply(proposals[0], late_unit, result_class=result_class, issued_on=datetime.date(2026, 3, 1))
    services.reply_save_draft(
        actor=unit_user(prompt_unit, Role.LIAISON), proposal=proposals[2], text="稿", result_class=result_class
    )

    client.force_login(leader)
    context = client.get(DASHBOARD, {"session": proposals[0].session_id}).context
    assert (context["proposals"]["replied"], context["proposals"]["on_time"]) == (2, 1)
    rows = {row["id"]: row for row in context["scorecard"]}
    assert (rows[late_unit.pk]["replied"], rows[late_unit.pk]["replies_on_time"]) == (1, 0.0)
    assert (rows[prompt_unit.pk]["replied"], rows[prompt_unit.pk]["replies_on_time"]) == (1, 100.0)
