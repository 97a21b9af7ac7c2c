"""The demo dataset: built from the source documents, live relative to the day it loads, idempotent."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Avg, Q, Sum
from django.test import RequestFactory

from accounts.choices import Role
from accounts.models import Organization, Region, User
from projects.choices import Health, KeyListStatus, ProjectStatus, ProjectTier, ReportStatus
from projects.demo import loader as demo
from projects.models import Baseline, Funding, Indicator, Milestone, Plan, ProgressReport, Project
from projects.selectors import key_list_status_below

pytestmark = pytest.mark.django_db

LIAISON_UNIT = "镇海区经济和信息化局"


@pytest.fixture
def today():
    return datetime.date.today()


@pytest.fixture
def loaded(today):
    return demo.load(today=today, create_accounts=True)


def snapshot():
    """Everything the loader writes, without ids and timestamps."""
    return {
        "projects": sorted(
            Project.objects.values_list("code", "name", "status", "planned_start", "planned_end", "total_investment")
        ),
        "milestones": sorted(Milestone.objects.values_list("project__code", "name", "planned_date", "actual_date")),
        "reports": sorted(ProgressReport.objects.values_list("project__code", "period", "progress", "status")),
        "indicators": sorted(Indicator.objects.values_list("name", "target", "values__period", "values__value")),
        "users": sorted(User.objects.values_list("username", "organization__name")),
    }


def test_the_documents_portfolio(loaded):
    assert Plan.objects.count() == 6
    assert Project.objects.count() >= 60
    assert Project.objects.values("domain").distinct().count() >= 20
    assert Project.objects.values("lead_org").distinct().count() >= 25
    assert Project.objects.filter(parent__isnull=False).exists()
    assert Plan.objects.get(title="2012年宁波市加快创建智慧城市行动计划").issue_date == datetime.date(2012, 3, 20)
    assert Plan.objects.filter(document_number="镇政发[2013]42号").exists()


def test_zhenhai_pilot_is_80_percent_done(loaded, today):
    tasks = Project.objects.with_figures(today).filter(tier=ProjectTier.NATIONAL_PILOT, parent__isnull=True)
    assert tasks.count() == 15
    assert tasks.filter(status__in=ProjectStatus.finished()).count() == 8
    assert tasks.aggregate(average=Avg("progress"))["average"] == pytest.approx(80, abs=1)


def test_dongguan_targets_as_reported(loaded):
    attainment = dict(Indicator.objects.with_attainment().values_list("name", "attainment"))
    reported = {name: value for name, value in attainment.items() if value is not None}
    assert any(value == pytest.approx(123.3, abs=0.1) for value in reported.values())  # 7400 4G stations of 6000
    assert any(value == pytest.approx(126.6, abs=0.1) for value in reported.values())  # Wi-Fi hot spots
    assert any(value == pytest.approx(110.4, abs=0.1) for value in reported.values())  # access points


def test_live_projects_show_every_colour_and_late_milestones(loaded, today):
    assert loaded.health_mismatches == []
    healths = set(Project.objects.with_figures(today).values_list("health", flat=True))
    assert healths == set(Health.values)
    assert Milestone.objects.late(today).count() >= 3


@pytest.mark.parametrize("day", [datetime.date(2027, 1, 31), datetime.date(2027, 6, 15), datetime.date(2027, 12, 1)])
def test_scenarios_hold_whatever_the_day(day):
    assert demo.load(today=day, create_accounts=False).health_mismatches == []


def test_this_months_reporting_is_open_for_the_liaison(loaded, today):
    period = f"{today:%Y-%m}"
    liaison = User.objects.get(username="liaison")
    assert liaison.organization.name == LIAISON_UNIT
    own_live = Project.objects.filter(lead_org=liaison.organization, status=ProjectStatus.IN_PROGRESS)
    assert own_live.count() >= 3
    assert not ProgressReport.objects.filter(project__in=own_live, period=period).exists()
    assert ProgressReport.objects.filter(project__in=own_live, status=ReportStatus.APPROVED).exists()
    waiting = ProgressReport.objects.filter(period=period, status=ReportStatus.SUBMITTED)
    assert waiting.count() >= 5
    returned = ProgressReport.objects.filter(period=period, status=ReportStatus.RETURNED)
    assert returned.exists() and all(report.review_comment for report in returned)


def test_social_capital_is_visible(loaded):
    planned = Funding.objects.aggregate(
        total=Sum("planned"), social=Sum("planned", filter=Q(source__is_government=False))
    )
    assert planned["social"] / planned["total"] > Decimal("0.1")


def test_loading_twice_gives_the_same_data(today):
    demo.load(today=today, create_accounts=True)
    first = snapshot()
    again = demo.load(today=today, create_accounts=True)
    assert again.created == {}
    assert snapshot() == first


def test_loading_never_overwrites_a_users_edit(today):
    demo.load(today=today, create_accounts=False)
    project = Project.objects.filter(status=ProjectStatus.IN_PROGRESS).first()
    project.description = "用户修改过的建设内容"
    project.save()
    demo.load(today=today, create_accounts=False)
    project.refresh_from_db()
    assert project.description == "用户修改过的建设内容"


class TestAccounts:
    def test_demo_accounts_with_their_roles(self, loaded):
        expected = {
            "admin": set(),
            "office": {Role.OFFICE},
            "liaison": {Role.LIAISON},
            "signer": {Role.SIGNER},
            "leader": {Role.LEADER},
            "committee": {Role.COMMITTEE},
        }
        for username, roles in expected.items():
            # As the login page does: with the request, which the lockout check needs.
            request = RequestFactory().post("/accounts/login/")
            user = authenticate(request, username=username, password=demo.DEMO_PASSWORD)
            assert user is not None, username
            assert set(user.roles) == roles
            assert user.organization is not None
        assert User.objects.get(username="admin").is_superuser
        # The signer signs off the replies the liaison drafts: the same unit.
        assert User.objects.get(username="signer").organization == User.objects.get(username="liaison").organization
        assert Organization.objects.get(name=LIAISON_UNIT).led_projects.count() >= 4

    def test_command_creates_accounts_only_in_debug(self, settings):
        settings.DEBUG = False
        out = io.StringIO()
        call_command("load_demo", stdout=out)
        assert not User.objects.exists()
        assert "no demo accounts" in out.getvalue()
        settings.DEBUG = True
        call_command("load_demo", stdout=out)
        assert User.objects.count() == 9
        assert "signer" in out.getvalue() and "liaison" in out.getvalue() and "demo-2026" in out.getvalue()


def test_api_serves_the_demo_portfolio(loaded, api, today):
    """A Ningbo leader reads Ningbo's projects with its districts', and none of Dongguan's."""
    api.force_authenticate(User.objects.get(username="leader"))
    page = api.get("/api/v1/projects/", {"page_size": 500}).json()
    ningbo = Project.objects.filter(region__in=Region.objects.within(Region.objects.get(name="宁波市")))
    assert (
        page["count"]
        == ningbo.count()
        == Project.objects.count() - Project.objects.filter(region__name="东莞市").count()
    )
    expected = {p.code: (round(p.progress, 1), p.health) for p in ningbo.with_figures(today)}
    assert {row["code"]: (row["progress"], row["health"]) for row in page["results"]} == expected


def test_this_years_baseline_shows_moved_deadlines(loaded, today):
    moved = dict(
        Project.objects.with_slippage()
        .filter(slippage_days__gt=0)
        .order_by("-slippage_days")
        .values_list("code", "slippage_days")
    )
    assert moved == {"DG-09": 120.0, "ZH-PILOT-14": 92.0, "NB2012-PIL-09": 90.0, "ZH-PILOT-13": 61.0}
    # Against each region's latest approved list: 镇海区's this year's awaits the city, so last year's counts.
    approved = Baseline.objects.filter(status=KeyListStatus.APPROVED).values_list("region__name", "year")
    assert set(approved) == {("宁波市", today.year), ("东莞市", today.year), ("镇海区", today.year - 1)}


def test_the_city_sees_where_its_districts_lists_stand(loaded, today):
    below = key_list_status_below(Region.objects.get(name="宁波市"), today.year)
    states = {row.region.name: (row.status, row.baseline and row.baseline.return_reason) for row in below.rows}
    assert list(states) == ["慈溪市", "象山县", "镇海区"]  # not submitted and returned first
    assert states["慈溪市"] == (None, None)
    assert states["象山县"][0] == KeyListStatus.RETURNED and "示意" in states["象山县"][1]
    assert states["镇海区"] == (KeyListStatus.SUBMITTED, "")
    assert below.outstanding == 2
    zhenhai = Baseline.objects.get(region__name="镇海区", year=today.year)
    assert set(zhenhai.entries.values_list("project__region__name", flat=True)) == {"镇海区"}
