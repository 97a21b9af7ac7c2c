"""Role rules through the pages: the same as the API's, checked on the server for every view.

Office staff do everything; a liaison reads everything and writes only what belongs to their own unit; leaders and
the committee read only. A forbidden page answers 403 (hiding its button is not enough), a missing one 404, and an
anonymous visitor is sent to the login page. The pages are in Chinese, so the tests compare status codes and the
database rather than text.
"""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import resolve
from django.utils import timezone

from projects import services
from projects.choices import ProjectStatus, ReportStatus
from projects.forms import (
    FundingFormSet,
    IndicatorForm,
    IndicatorValueFormSet,
    MilestoneFormSet,
    OrganizationForm,
    PlanForm,
    ProjectForm,
)
from projects.models import (
    Baseline,
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Organization,
    Plan,
    ProgressReport,
    Project,
)
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

pytestmark = pytest.mark.django_db

ROLES = ("office", "liaison", "leader", "committee")
ROLE_FIXTURES = {"office": "office_user", "liaison": "liaison", "leader": "leader", "committee": "committee_user"}
MISSING = 999999
LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # Every test logs in several role users; the production hasher would make this file slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def login(client, request, role):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    client.force_login(user)
    return user


# Form data as a browser would post it: the form's current values, then the changes a test makes.


def _post_value(value):
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)


def form_data(form) -> dict:
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False or value == []:
            continue
        data[form.add_prefix(name)] = _post_value(value)
    return data


def formset_data(formset) -> dict:
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(len(formset.initial_forms)),
        f"{formset.prefix}-INITIAL_FORMS": str(len(formset.initial_forms)),
    }
    for form in formset.initial_forms:
        data.update(form_data(form))
    return data


def project_post(project, **changes):
    return {
        **form_data(ProjectForm(instance=project)),
        **formset_data(MilestoneFormSet(instance=project, prefix="milestones")),
        **changes,
    }


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
    MilestoneFactory(project=own_project, name="完成招投标", planned_date=datetime.date(2026, 3, 31))
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


def url(template, attr=None, key="pk"):
    """A builder of the path ``template`` filled with the world's object ``attr`` (none for list and add pages).

    Paths are spelt out rather than reversed: what a browser asks for is the contract under test.
    """

    def build(w):
        return template.format(getattr(getattr(w, attr), key)) if attr else template

    return build


def gone(model, attr):
    return lambda w: not model.objects.filter(pk=getattr(w, attr).pk).exists()


def report_status_is(status):
    return lambda w: ProgressReport.objects.get(pk=w.report.pk).status == status


# Data posted by each write, and how to tell that it happened.


def new_project_data(w):
    return {
        **form_data(ProjectForm()),
        "code": "ZH-2026-099",
        "name": "智慧停车诱导系统",
        "domain": str(w.domain.pk),
        "tier": "key",
        "status": ProjectStatus.PLANNED,
        "lead_org": str(w.unit.pk),
        "investment_model": "government",
        "total_investment": "800",
        "planned_start": "2027-01-01",
        "planned_end": "2027-12-31",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }


def edit_project_data(attr):
    return lambda w: project_post(getattr(w, attr), description="补充建设内容：接入区级视频资源。")


def project_described(attr):
    return lambda w: Project.objects.get(pk=getattr(w, attr).pk).description == "补充建设内容：接入区级视频资源。"


def funding_data(w):
    data = formset_data(FundingFormSet(instance=w.own_project, prefix="fundings"))
    data["fundings-0-planned"] = "888.00"
    return data


def funding_changed(w):
    return Funding.objects.get(project=w.own_project, source=w.source).planned == Decimal("888.00")


def reporting_data(w):
    prefix = f"p{w.own_project.pk}"
    return {
        f"{prefix}-progress": "45.0",
        f"{prefix}-investment_completed": "60",
        f"{prefix}-summary": "完成平台部署，开始联调。",
        f"{prefix}-problems": "",
        f"{prefix}-next_steps": "组织试运行。",
    }


def reported(w):
    return ProgressReport.objects.filter(project=w.own_project, period=w.period).exists()


def value_data(w):
    return {"period": w.period, "value": "88.5", "note": "区大数据中心统计"}


def value_recorded(attr):
    return lambda w: IndicatorValue.objects.filter(indicator=getattr(w, attr), period=w.period).exists()


def new_plan_data(w):
    return {
        **form_data(PlanForm()),
        "title": "镇海区数据要素市场化配置行动方案",
        "kind": "action_plan",
        "first_year": "2027",
        "last_year": "2028",
    }


def edit_plan_data(w):
    return {**form_data(PlanForm(instance=w.plan)), "issuer": "镇海区人民政府办公室"}


def new_org_data(w):
    return {**form_data(OrganizationForm()), "name": "镇海区数据局", "short_name": "区数据局", "kind": "department"}


def edit_org_data(w):
    return {**form_data(OrganizationForm(instance=w.other_unit)), "short_name": "水利局"}


def new_indicator_data(w):
    return {
        **form_data(IndicatorForm()),
        "plan": str(w.plan.pk),
        "name": "5G基站数量",
        "unit": "个",
        "target": "1200",
        "direction": "higher",
        "responsible_org": str(w.unit.pk),
        "values-TOTAL_FORMS": "0",
        "values-INITIAL_FORMS": "0",
    }


def edit_indicator_data(w):
    return {
        **form_data(IndicatorForm(instance=w.own_indicator)),
        **formset_data(IndicatorValueFormSet(instance=w.own_indicator, prefix="values")),
        "goal": "政务服务便利化",
    }


# The table: every URL of projects/urls.py, each method that means something, the status each role gets.


@dataclass(frozen=True)
class Case:
    id: str
    method: str
    url: Callable
    expected: dict
    data: Callable | None = None
    done: Callable | None = None  # did the write happen? Must be true exactly when the answer is a redirect.


def everyone(status=200):
    return dict.fromkeys(ROLES, status)


def office_only(status):
    return {"office": status, "liaison": 403, "leader": 403, "committee": 403}


def office_and_liaison(office, liaison):
    return {"office": office, "liaison": liaison, "leader": 403, "committee": 403}


CASES = [
    # Lists and detail pages: everyone reads.
    Case("home", "GET", url("/"), everyone()),
    Case("project-list", "GET", url("/projects/"), everyone()),
    Case("project-detail-own", "GET", url("/projects/{}/", "own_project"), everyone()),
    Case("project-detail-others", "GET", url("/projects/{}/", "others_project"), everyone()),
    Case("milestone-list", "GET", url("/milestones/"), everyone()),
    Case("report-list", "GET", url("/progress/"), everyone()),
    Case("indicator-list", "GET", url("/targets/"), everyone()),
    Case("indicator-detail", "GET", url("/targets/{}/", "own_indicator"), everyone()),
    Case("plan-list", "GET", url("/plans/"), everyone()),
    Case("plan-detail", "GET", url("/plans/{}/", "plan"), everyone()),
    Case("organization-list", "GET", url("/organizations/"), everyone()),
    Case("organization-detail", "GET", url("/organizations/{}/", "unit"), everyone()),
    Case("baseline-list", "GET", url("/baselines/"), everyone()),
    Case("baseline-detail", "GET", url("/baselines/{}/", "baseline", key="year"), everyone()),
    # Projects.
    Case("project-add", "GET", url("/projects/add/"), office_only(200)),
    Case(
        "project-add",
        "POST",
        url("/projects/add/"),
        office_only(302),
        new_project_data,
        lambda w: Project.objects.filter(code="ZH-2026-099").exists(),
    ),
    Case("project-edit-own", "GET", url("/projects/{}/edit/", "own_project"), office_and_liaison(200, 200)),
    Case("project-edit-others", "GET", url("/projects/{}/edit/", "others_project"), office_and_liaison(200, 403)),
    Case(
        "project-edit-own",
        "POST",
        url("/projects/{}/edit/", "own_project"),
        office_and_liaison(302, 302),
        edit_project_data("own_project"),
        project_described("own_project"),
    ),
    Case(
        "project-edit-others",
        "POST",
        url("/projects/{}/edit/", "others_project"),
        office_and_liaison(302, 403),
        edit_project_data("others_project"),
        project_described("others_project"),
    ),
    Case("project-funding-own", "GET", url("/projects/{}/funding/", "own_project"), office_only(200)),
    Case(
        "project-funding-own",
        "POST",
        url("/projects/{}/funding/", "own_project"),
        office_only(302),
        funding_data,
        funding_changed,
    ),
    Case("project-delete-own", "GET", url("/projects/{}/delete/", "own_project"), office_only(200)),
    Case("project-delete-others", "GET", url("/projects/{}/delete/", "others_project"), office_only(200)),
    Case(
        "project-delete-own",
        "POST",
        url("/projects/{}/delete/", "own_project"),
        office_only(302),
        done=gone(Project, "own_project"),
    ),
    Case(
        "project-delete-others",
        "POST",
        url("/projects/{}/delete/", "others_project"),
        office_only(302),
        done=gone(Project, "others_project"),
    ),
    # Progress reporting and review.
    Case("progress-reporting", "GET", url("/progress/report/"), office_and_liaison(200, 200)),
    Case(
        "progress-reporting",
        "POST",
        lambda w: f"/progress/report/?unit={w.unit.pk}",
        office_and_liaison(302, 302),
        reporting_data,
        reported,
    ),
    Case("review-queue", "GET", url("/progress/review/"), office_only(200)),
    Case(
        "review-queue-approve",
        "POST",
        url("/progress/review/"),
        office_only(302),
        lambda w: {"approve": str(w.report.pk)},
        report_status_is(ReportStatus.APPROVED),
    ),
    Case(
        "report-return",
        "POST",
        url("/progress/{}/return/", "report"),
        office_only(302),
        lambda w: {"comment": "投资完成额与上月不符，请核实后重报。"},
        report_status_is(ReportStatus.RETURNED),
    ),
    # Targets and their values.
    Case("indicator-add", "GET", url("/targets/add/"), office_only(200)),
    Case(
        "indicator-add",
        "POST",
        url("/targets/add/"),
        office_only(302),
        new_indicator_data,
        lambda w: Indicator.objects.filter(name="5G基站数量").exists(),
    ),
    Case("indicator-edit-own", "GET", url("/targets/{}/edit/", "own_indicator"), office_only(200)),
    Case(
        "indicator-edit-own",
        "POST",
        url("/targets/{}/edit/", "own_indicator"),
        office_only(302),
        edit_indicator_data,
        lambda w: Indicator.objects.get(pk=w.own_indicator.pk).goal == "政务服务便利化",
    ),
    Case(
        "indicator-value-add-own",
        "POST",
        url("/targets/{}/values/add/", "own_indicator"),
        office_and_liaison(302, 302),
        value_data,
        value_recorded("own_indicator"),
    ),
    Case(
        "indicator-value-add-others",
        "POST",
        url("/targets/{}/values/add/", "others_indicator"),
        office_and_liaison(302, 403),
        value_data,
        value_recorded("others_indicator"),
    ),
    Case("indicator-value-edit-own", "GET", url("/targets/values/{}/edit/", "own_value"), office_and_liaison(200, 200)),
    Case(
        "indicator-value-edit-own",
        "POST",
        url("/targets/values/{}/edit/", "own_value"),
        office_and_liaison(302, 302),
        lambda w: {"period": "2026-06", "value": "85", "note": "更正"},
        lambda w: IndicatorValue.objects.get(pk=w.own_value.pk).value == Decimal("85"),
    ),
    Case(
        "indicator-value-edit-others",
        "GET",
        url("/targets/values/{}/edit/", "others_value"),
        office_and_liaison(200, 403),
    ),
    Case(
        "indicator-value-edit-others",
        "POST",
        url("/targets/values/{}/edit/", "others_value"),
        office_and_liaison(302, 403),
        lambda w: {"period": "2026-06", "value": "45", "note": "更正"},
        lambda w: IndicatorValue.objects.get(pk=w.others_value.pk).value == Decimal("45"),
    ),
    Case("indicator-delete", "GET", url("/targets/{}/delete/", "spare_indicator"), office_only(200)),
    Case(
        "indicator-delete",
        "POST",
        url("/targets/{}/delete/", "spare_indicator"),
        office_only(302),
        done=gone(Indicator, "spare_indicator"),
    ),
    # Plans.
    Case("plan-add", "GET", url("/plans/add/"), office_only(200)),
    Case(
        "plan-add",
        "POST",
        url("/plans/add/"),
        office_only(302),
        new_plan_data,
        lambda w: Plan.objects.filter(title="镇海区数据要素市场化配置行动方案").exists(),
    ),
    Case("plan-edit", "GET", url("/plans/{}/edit/", "plan"), office_only(200)),
    Case(
        "plan-edit",
        "POST",
        url("/plans/{}/edit/", "plan"),
        office_only(302),
        edit_plan_data,
        lambda w: Plan.objects.get(pk=w.plan.pk).issuer == "镇海区人民政府办公室",
    ),
    Case("plan-delete", "GET", url("/plans/{}/delete/", "spare_plan"), office_only(200)),
    Case(
        "plan-delete", "POST", url("/plans/{}/delete/", "spare_plan"), office_only(302), done=gone(Plan, "spare_plan")
    ),
    # Organisations.
    Case("organization-add", "GET", url("/organizations/add/"), office_only(200)),
    Case(
        "organization-add",
        "POST",
        url("/organizations/add/"),
        office_only(302),
        new_org_data,
        lambda w: Organization.objects.filter(name="镇海区数据局").exists(),
    ),
    Case("organization-edit-own", "GET", url("/organizations/{}/edit/", "unit"), office_only(200)),
    Case(
        "organization-edit-own",
        "POST",
        url("/organizations/{}/edit/", "unit"),
        office_only(302),
        lambda w: {**form_data(OrganizationForm(instance=w.unit)), "short_name": "经信局"},
        lambda w: Organization.objects.get(pk=w.unit.pk).short_name == "经信局",
    ),
    Case(
        "organization-edit-others",
        "POST",
        url("/organizations/{}/edit/", "other_unit"),
        office_only(302),
        edit_org_data,
        lambda w: Organization.objects.get(pk=w.other_unit.pk).short_name == "水利局",
    ),
    Case("organization-delete", "GET", url("/organizations/{}/delete/", "spare_org"), office_only(200)),
    Case(
        "organization-delete",
        "POST",
        url("/organizations/{}/delete/", "spare_org"),
        office_only(302),
        done=gone(Organization, "spare_org"),
    ),
    # Baselines: only the office approves a year's list.
    Case(
        "baseline-approve",
        "POST",
        url("/baselines/"),
        office_only(302),
        lambda w: {"year": "2027", "note": "区政府常务会议审定"},
        lambda w: Baseline.objects.filter(year=2027).exists(),
    ),
]


def _params():
    for case in CASES:
        for role in ROLES:
            yield pytest.param(case, role, case.expected[role], id=f"{case.method}-{case.id}-{role}")


@pytest.mark.parametrize(("case", "role", "status"), list(_params()))
def test_role_gets_status(client, request, world, case, role, status):
    login(client, request, role)
    target = case.url(world)
    if case.method == "GET":
        response = client.get(target)
    else:
        response = client.post(target, case.data(world) if case.data else {})
    assert response.status_code == status, getattr(response, "context", None) and _form_errors(response)
    if status == 302:
        assert not response["Location"].startswith(LOGIN)
    if case.done is not None:
        assert case.done(world) is (status == 302)


def _form_errors(response):
    """What the page complained about, to make a failing status readable."""
    context = response.context
    errors = []
    for key in ("form", "formsets"):
        value = context.get(key) if context else None
        if hasattr(value, "errors"):
            errors.append(value.errors)
        if isinstance(value, dict):
            errors.extend(formset.errors for formset in value.values())
    return errors


def test_every_url_of_the_app_is_in_the_table(world):
    from projects.urls import urlpatterns

    covered = {resolve(case.url(world).partition("?")[0]).url_name for case in CASES}
    assert {pattern.name for pattern in urlpatterns} - covered == set()


# Anonymous visitors go to the login page first, whatever they ask for.


@pytest.mark.parametrize("case", CASES, ids=[f"{case.method}-{case.id}" for case in CASES])
def test_anonymous_is_sent_to_login(client, world, case):
    target = case.url(world)
    if case.method == "GET":
        response = client.get(target)
    else:
        response = client.post(target, case.data(world) if case.data else {})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={quote(target, safe='/')}"
    if case.done is not None:
        assert case.done(world) is False


# A liaison may not hand a project to another unit, nor take one over.


def test_liaison_cannot_move_own_project_to_another_unit(client, world, liaison):
    client.force_login(liaison)
    project = world.own_project
    data = project_post(project, lead_org=str(world.other_unit.pk), description="移交区水利局。")
    data.update(
        {
            "milestones-TOTAL_FORMS": str(int(data["milestones-TOTAL_FORMS"]) + 1),
            "milestones-1-name": "移交后新增节点",
            "milestones-1-weight": "10",
            "milestones-1-planned_date": "2026-12-15",
        }
    )
    response = client.post(f"/projects/{project.pk}/edit/", data)
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.context["form"].non_field_errors()
    project.refresh_from_db()
    assert project.lead_org_id == world.unit.pk
    assert project.description == ""
    assert not Milestone.objects.filter(name="移交后新增节点").exists()


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

WRITE_LINK = re.compile(r"""(?:href|action)="([^"]*/(?:edit|delete|funding|add)/[^"]*)\"""")


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


@pytest.mark.parametrize("role", ["leader", "committee"])
@pytest.mark.parametrize("page", ["project", "plan", "target", "units", "unit", "projects"])
def test_readers_never_see_a_write_button(client, request, world, role, page):
    login(client, request, role)
    assert write_links(client, detail_pages(world)[page]) == set()


def test_office_sees_the_write_buttons(client, world, office_user):
    client.force_login(office_user)
    pages = detail_pages(world)
    p, plan, target = world.own_project.pk, world.plan.pk, world.own_indicator.pk
    assert {f"/projects/{p}/edit/", f"/projects/{p}/funding/", f"/projects/{p}/delete/"} <= write_links(
        client, pages["project"]
    )
    assert {f"/plans/{plan}/edit/", f"/plans/{plan}/delete/"} <= write_links(client, pages["plan"])
    assert {f"/targets/{target}/edit/", f"/targets/{target}/delete/", f"/targets/{target}/values/add/"} <= (
        write_links(client, pages["target"])
    )
    assert "/organizations/add/" in write_links(client, pages["units"])
    assert {f"/organizations/{world.unit.pk}/edit/", f"/organizations/{world.unit.pk}/delete/"} <= write_links(
        client, pages["unit"]
    )
    assert "/projects/add/" in write_links(client, pages["projects"])


def test_liaison_sees_only_the_buttons_it_may_use(client, world, liaison):
    client.force_login(liaison)
    own, others = world.own_project.pk, world.others_project.pk
    assert write_links(client, f"/projects/{own}/") == {f"/projects/{own}/edit/"}
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
        "/baselines/1999/",
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
        ("GET", f"/projects/{MISSING}/delete/", 404, 403),
        ("GET", f"/plans/{MISSING}/edit/", 404, 403),
        ("GET", f"/plans/{MISSING}/delete/", 404, 403),
        ("GET", f"/targets/{MISSING}/edit/", 404, 403),
        ("GET", f"/targets/{MISSING}/delete/", 404, 403),
        ("GET", f"/organizations/{MISSING}/edit/", 404, 403),
        ("GET", f"/organizations/{MISSING}/delete/", 404, 403),
        ("GET", f"/progress/report/?unit={MISSING}", 404, 403),
        ("POST", f"/progress/{MISSING}/return/", 404, 403),
        ("POST", f"/targets/{MISSING}/values/add/", 404, 403),
        ("POST", f"/projects/{MISSING}/delete/", 404, 403),
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
        ("/projects/{own}/delete/", lambda w: {}, "/projects/"),
        ("/plans/{plan}/edit/", edit_plan_data, "/plans/{plan}/"),
        ("/targets/{target}/values/add/", value_data, "/targets/{target}/"),
    ],
    ids=["project-edit", "project-funding", "project-delete", "plan-edit", "indicator-value-add"],
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
