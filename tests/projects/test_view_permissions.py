"""Role rules through the pages, beyond the status table of tests/permissions/ (which answers every
URL of the site gets from every role): what a write refused or allowed leaves in the database, the buttons and the
navigation each role sees, missing objects, and where a page sends the browser next.

Office staff do everything; a liaison reads everything and writes only what belongs to their own unit; leaders and
the committee read only. The pages are in Chinese, so the tests compare status codes and the database rather than
text.
"""

import datetime
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from projects import services
from projects.choices import ReportStatus
from projects.forms import PlanForm
from projects.models import Milestone, ProgressReport, Project
from tests.factories import (
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
from tests.formdata import form_data, funding_data, new_project_data, project_post

pytestmark = pytest.mark.django_db

ROLE_FIXTURES = {"office": "office_user", "liaison": "liaison", "leader": "leader", "committee": "committee_user"}
MISSING = 999999


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Every test logs in several role users; the production hasher would make this file slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, request, role):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    return user


# The portfolio every test runs against.


def period_of(day: datetime.date, months_back: int = 0) -> str:
    month = day.year * 12 + day.month - 1 - months_back
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


@pytest.fixture
def world(unit, other_unit, office_user, liaison):
    today = timezone.localdate()
    source = FundingSourceFactory(code="city-budget", name="市级财政资金")
    plan = PlanFactory(title="镇海区新型智慧城市建设三年行动计划（2026—2028年）", first_year=2026, last_year=2028)
    own_project = ProjectFactory(code="ZH-2026-001", name="城市大脑一期", lead_org=unit)
    own_project.plans.add(plan)
    MilestoneFactory(project=own_project, name="完成招投标", weight=100, planned_date=datetime.date(2026, 3, 31))
    FundingFactory(project=own_project, source=source)
    others_project = ProjectFactory(code="ZH-2026-002", name="智慧水务监测平台", lead_org=other_unit)
    MilestoneFactory(project=others_project, name="完成设备安装", planned_date=datetime.date(2026, 9, 30))
    own_indicator = IndicatorFactory(plan=plan, name="政务服务事项网上可办率", responsible_org=unit, unit="%")
    own_value = IndicatorValueFactory(indicator=own_indicator, period="2026-06", value=Decimal("82"))
    others_indicator = IndicatorFactory(plan=plan, name="重点河道监测覆盖率", responsible_org=other_unit, unit="%")
    others_value = IndicatorValueFactory(indicator=others_indicator, period="2026-06", value=Decimal("40"))
    report = ProgressReportFactory(
        project=own_project,
        period=period_of(today, 1),  # last month's, waiting for review; this month's is still to file
        status=ReportStatus.SUBMITTED,
        submitted_by=liaison,
        submitted_at=timezone.now(),
    )
    spare_plan = PlanFactory(title="镇海区数字乡村试点任务书", first_year=2026, last_year=2026)
    spare_org = OrganizationFactory(name="镇海区临时工作专班", short_name="专班")
    spare_indicator = IndicatorFactory(plan=plan, name="待撤销指标", responsible_org=unit)
    baseline, _ = services.baseline_approve(actor=office_user, year=2026)
    return SimpleNamespace(
        today=today,
        period=period_of(today),
        unit=unit,
        other_unit=other_unit,
        source=source,
        plan=plan,
        own_project=own_project,
        others_project=others_project,
        own_indicator=own_indicator,
        others_indicator=others_indicator,
        own_value=own_value,
        others_value=others_value,
        report=report,
        spare_plan=spare_plan,
        spare_org=spare_org,
        spare_indicator=spare_indicator,
        baseline=baseline,
        domain=own_project.domain,
    )


# Data posted by the writes below.


def value_data(w):
    return {"period": w.period, "value": "88.5", "note": "区大数据中心统计"}


def edit_plan_data(w):
    return {**form_data(PlanForm(instance=w.plan)), "issuer": "镇海区人民政府办公室"}


# A liaison may not hand a project to another unit, nor take one over.


def test_liaison_only_proposes_moving_own_project_to_another_unit(client, world, liaison):
    """Handing a project to another unit belongs to the confirmed plan: the liaison's form sends it to the office as a
    plan change (with the new milestone); nothing of the plan moves until the office confirms it."""
    client.force_login(liaison)
    project = world.own_project
    data = project_post(project, lead_org=str(world.other_unit.pk), description="移交区水利局。")
    data.update(
        {
            "milestones-TOTAL_FORMS": str(int(data["milestones-TOTAL_FORMS"]) + 1),
            "milestones-0-weight": "90",
            "milestones-1-name": "移交后新增节点",
            "milestones-1-weight": "10",
            "milestones-1-planned_date": "2026-12-15",
            "change_reason": "职能调整，移交区水利局牵头。",
        }
    )
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.lead_org_id == world.unit.pk
    assert project.description == "移交区水利局。"  # not part of the plan: the unit's own to write
    assert not Milestone.objects.filter(name="移交后新增节点").exists()
    request = project.change_requests.get()
    assert request.status == "pending" and request.changes["project"]["lead_org"]["to"] == world.other_unit.pk
    assert [operation["action"] for operation in request.changes["milestones"]] == ["change", "add"]


def test_liaison_cannot_reach_another_projects_milestones_through_own_project(client, world, liaison):
    """The milestone rows of the edit page belong to the project in the URL; a foreign row id changes nothing."""
    client.force_login(liaison)
    foreign = world.others_project.milestones.get()
    data = project_post(world.own_project)
    data.update({"milestones-0-id": str(foreign.pk), "milestones-0-name": "被改掉的节点"})
    response = client.post(f"/projects/{world.own_project.pk}/edit/", data)
    assert response.status_code in (200, 302, 403)  # Django's formset drops a row outside its queryset
    assert not Milestone.objects.filter(name="被改掉的节点").exists()
    foreign.refresh_from_db()
    assert foreign.name == "完成设备安装"
    assert foreign.project_id == world.others_project.pk


def test_liaison_cannot_take_over_another_units_project(client, world, liaison):
    client.force_login(liaison)
    project = world.others_project
    response = client.post(f"/projects/{project.pk}/edit/", project_post(project, lead_org=world.unit.pk))
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.lead_org_id == world.other_unit.pk


def test_liaison_cannot_add_a_project_even_for_own_unit(client, world, liaison):
    client.force_login(liaison)
    response = client.post("/projects/add/", new_project_data(world))
    assert response.status_code == 403
    assert not Project.objects.filter(code="ZH-2026-099").exists()


def test_liaison_reports_only_for_own_unit(client, world, liaison):
    """``?unit=`` is the office's; a liaison asking for another unit still gets (and files for) their own."""
    client.force_login(liaison)
    others = world.others_project
    prefix = f"p{others.pk}"
    response = client.get(f"/progress/report/?unit={world.other_unit.pk}")
    assert response.status_code == 200
    assert response.context["unit"] == world.unit
    assert {row["project"].pk for row in response.context["rows"]} == {world.own_project.pk}
    client.post(
        f"/progress/report/?unit={world.other_unit.pk}",
        {f"{prefix}-progress": "90", f"{prefix}-investment_completed": "1", f"{prefix}-summary": "代报。"},
    )
    assert not ProgressReport.objects.filter(project=others).exists()


def test_liaison_cannot_approve_own_report_through_the_queue(client, world, liaison):
    client.force_login(liaison)
    response = client.post("/progress/review/", {"selected": [str(world.report.pk)]})
    assert response.status_code == 403
    world.report.refresh_from_db()
    assert world.report.status == ReportStatus.SUBMITTED


# Buttons follow the same rules: a reader never sees a way to change anything.

WRITE_LINK = re.compile(r"""(?:href|action)="([^"]*/(?:edit|delete|archive|funding|add)/[^"]*)\"""")


def detail_pages(w):
    return {
        "project": f"/projects/{w.own_project.pk}/",
        "plan": f"/plans/{w.plan.pk}/",
        "target": f"/targets/{w.own_indicator.pk}/",
        "units": "/organizations/",
        "unit": f"/organizations/{w.unit.pk}/",
        "projects": "/projects/",
    }


def write_links(client, target):
    response = client.get(target)
    assert response.status_code == 200
    return set(WRITE_LINK.findall(response.content.decode()))


# A leader reads the portfolio but writes instructions on it (领导批示): that is the one link a leader sees.
LEADERS_OWN = re.compile(r"^/supervision/instructions/add/\?project=\d+$")


@pytest.mark.parametrize("role", ["leader", "committee"])
@pytest.mark.parametrize("page", ["project", "plan", "target", "units", "unit", "projects"])
def test_readers_never_see_a_write_button(client, request, world, role, page):
    login(client, request, role)
    links = write_links(client, detail_pages(world)[page])
    if role == "leader":
        links = {link for link in links if not LEADERS_OWN.match(link)}
    assert links == set()


def test_office_sees_the_write_buttons(client, world, office_user):
    client.force_login(office_user)
    pages = detail_pages(world)
    p, plan, target = world.own_project.pk, world.plan.pk, world.own_indicator.pk
    assert {f"/projects/{p}/edit/", f"/projects/{p}/funding/", f"/projects/{p}/archive/"} <= write_links(
        client, pages["project"]
    )
    assert {f"/plans/{plan}/edit/", f"/plans/{plan}/delete/"} <= write_links(client, pages["plan"])
    assert {f"/targets/{target}/edit/", f"/targets/{target}/delete/", f"/targets/{target}/values/add/"} <= (
        write_links(client, pages["target"])
    )
    assert "/organizations/add/" in write_links(client, pages["units"])
    assert {f"/organizations/{world.unit.pk}/edit/", f"/organizations/{world.unit.pk}/archive/"} <= write_links(
        client, pages["unit"]
    )
    assert "/projects/add/" in write_links(client, pages["projects"])


def test_liaison_sees_only_the_buttons_it_may_use(client, world, liaison):
    client.force_login(liaison)
    own, others = world.own_project.pk, world.others_project.pk
    # Its own project: the edit page, and the upload to the project's file (项目档案).
    files = ContentType.objects.get_for_model(Project).pk
    assert write_links(client, f"/projects/{own}/") == {f"/projects/{own}/edit/", f"/attachments/add/{files}/{own}/"}
    assert write_links(client, f"/projects/{others}/") == set()
    assert write_links(client, f"/targets/{world.own_indicator.pk}/") == {
        f"/targets/{world.own_indicator.pk}/values/add/",
        f"/targets/values/{world.own_value.pk}/edit/",
    }
    assert write_links(client, f"/targets/{world.others_indicator.pk}/") == set()
    assert write_links(client, f"/plans/{world.plan.pk}/") == set()
    assert write_links(client, "/organizations/") == set()


# The navigation offers only what the role may use.

REVIEW_LINK = re.compile(r'href="/progress/review/')
REPORT_LINK = re.compile(r'href="/progress/report/')


@pytest.mark.parametrize(
    ("role", "sees_review", "sees_reporting"),
    [("office", True, True), ("liaison", False, True), ("leader", False, False), ("committee", False, False)],
)
@pytest.mark.parametrize("page", ["/", "/projects/", "/targets/"])
def test_navigation_offers_what_the_role_may_use(client, request, world, role, sees_review, sees_reporting, page):
    login(client, request, role)
    html = client.get(page).content.decode()
    assert bool(REVIEW_LINK.search(html)) is sees_review
    assert bool(REPORT_LINK.search(html)) is sees_reporting


# Missing objects answer 404 to everyone allowed to look; the permission check comes first.


@pytest.mark.parametrize("role", ["office", "leader"])
@pytest.mark.parametrize(
    "path",
    [
        f"/projects/{MISSING}/",
        f"/plans/{MISSING}/",
        f"/targets/{MISSING}/",
        f"/organizations/{MISSING}/",
        f"/baselines/{MISSING}/",
    ],
)
def test_missing_page_is_404(client, request, role, path):
    login(client, request, role)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "office_status", "reader_status"),
    [
        ("GET", f"/projects/{MISSING}/edit/", 404, 403),
        ("GET", f"/projects/{MISSING}/funding/", 404, 403),
        ("GET", f"/projects/{MISSING}/archive/", 404, 403),
        ("GET", f"/plans/{MISSING}/edit/", 404, 403),
        ("GET", f"/plans/{MISSING}/delete/", 404, 403),
        ("GET", f"/targets/{MISSING}/edit/", 404, 403),
        ("GET", f"/targets/{MISSING}/delete/", 404, 403),
        ("GET", f"/organizations/{MISSING}/edit/", 404, 403),
        ("GET", f"/organizations/{MISSING}/archive/", 404, 403),
        ("GET", f"/progress/report/?unit={MISSING}", 404, 403),
        ("POST", f"/progress/{MISSING}/return/", 404, 403),
        ("POST", f"/targets/{MISSING}/values/add/", 404, 403),
        ("POST", f"/projects/{MISSING}/archive/", 404, 403),
    ],
)
def test_missing_object_behind_a_write(client, office_user, leader, method, path, office_status, reader_status):
    """Office staff learn the object is missing; a reader is refused before any lookup."""
    for user, status in ((office_user, office_status), (leader, reader_status)):
        client.force_login(user)
        response = client.get(path) if method == "GET" else client.post(path, {"comment": "缺失"})
        assert response.status_code == status, (user.username, path)


# Where a page sends the browser next: always to another page of the site.


def test_navigation_links_lead_to_the_pages_not_the_api(client, world, leader):
    client.force_login(leader)
    html = client.get("/").content.decode()
    for page in ("/projects/", "/targets/", "/plans/", "/organizations/", "/baselines/"):
        assert f'href="{page}"' in html
    assert re.findall(r'href="(/api/v1/[^"]*)"', html) == []


@pytest.mark.parametrize(
    ("path", "data", "location"),
    [
        ("/projects/{own}/edit/", lambda w: project_post(w.own_project), "/projects/{own}/"),
        ("/projects/{own}/funding/", funding_data, "/projects/{own}/#funding"),
        ("/projects/{own}/archive/", lambda w: {}, "/projects/{own}/"),
        ("/plans/{plan}/edit/", edit_plan_data, "/plans/{plan}/"),
        ("/targets/{target}/values/add/", value_data, "/targets/{target}/"),
    ],
    ids=["project-edit", "project-funding", "project-archive", "plan-edit", "indicator-value-add"],
)
def test_after_a_write_the_office_is_sent_back_to_the_page(client, world, office_user, path, data, location):
    client.force_login(office_user)
    ids = {"own": world.own_project.pk, "plan": world.plan.pk, "target": world.own_indicator.pk}
    response = client.post(path.format(**ids), data(world))
    assert response.status_code == 302
    assert response["Location"] == location.format(**ids)


def test_returning_a_report_does_not_redirect_off_the_site(client, world, office_user):
    client.force_login(office_user)
    response = client.post(
        f"/progress/{world.report.pk}/return/", {"comment": "请补充附件。", "next": "https://evil.example.com/"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/")
