"""The workspace as its users work in it: reporting, review, editing with inline rows, baselines, targets, lists."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from projects import services
from projects.choices import Health, ReportStatus
from projects.models import Baseline, Funding, Indicator, IndicatorValue, Milestone, ProgressReport, Project
from projects.selectors import current_period
from tests.factories import (
    DomainFactory,
    FundingSourceFactory,
    IndicatorFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
)

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]


def report_data(project, **values):
    prefix = f"p{project.pk}"
    data = {
        "progress": "65",
        "investment_completed": "20",
        "summary": "完成数据接入。",
        "problems": "",
        "next_steps": "",
    }
    data.update(values)
    return {f"{prefix}-{key}": value for key, value in data.items()}


def on_track(**values):
    """A project that has only just started, so that it is green until a test makes it otherwise."""
    today = timezone.localdate()
    return ProjectFactory(
        planned_start=today - datetime.timedelta(days=1), planned_end=today + datetime.timedelta(days=365), **values
    )


@pytest.fixture
def own_projects(unit):
    return [on_track(lead_org=unit, code=f"ZH-{n}") for n in range(3)]


# Progress reporting


def test_liaison_reports_several_projects_on_one_page(client, liaison, own_projects, other_unit):
    ProjectFactory(lead_org=other_unit, code="OTHER-1")
    client.force_login(liaison)
    page = client.get("/progress/report/").content.decode()
    assert all(project.code in page for project in own_projects) and "OTHER-1" not in page

    data = {**report_data(own_projects[0]), **report_data(own_projects[1], progress="30.5")}
    response = client.post("/progress/report/", data, follow=True)

    assert "已报送" in response.content.decode()
    reports = ProgressReport.objects.filter(period=current_period()).order_by("project__code")
    assert [(r.project.code, r.progress, r.status, r.submitted_by) for r in reports] == [
        ("ZH-0", Decimal("65.0"), ReportStatus.SUBMITTED, liaison),
        ("ZH-1", Decimal("30.5"), ReportStatus.SUBMITTED, liaison),
    ]
    assert reports[0].history.first().history_user == liaison


def test_one_invalid_report_saves_nothing_and_says_why_beside_the_field(client, liaison, own_projects):
    client.force_login(liaison)
    data = {**report_data(own_projects[0]), **report_data(own_projects[1], progress="120", summary="")}
    response = client.post("/progress/report/", data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "未保存任何内容" in page
    assert "确保该值小于或等于100" in page and "该字段是必填项" in page
    assert ProgressReport.objects.count() == 0
    assert page.count("invalid-feedback") == 2  # the third project was left blank and is not complained about


def test_a_report_can_be_changed_until_approved(client, liaison, own_projects, office_user):
    project = own_projects[0]
    period = current_period()
    report = ProgressReportFactory(project=project, period=period, status=ReportStatus.RETURNED, review_comment="补充")
    client.force_login(liaison)
    client.post("/progress/report/", report_data(project, progress="70", summary="已补充问题说明。"))
    report.refresh_from_db()
    assert (report.progress, report.status, report.summary) == (
        Decimal("70"),
        ReportStatus.SUBMITTED,
        "已补充问题说明。",
    )

    services.progress_report_approve(actor=office_user, report=report)
    page = client.get("/progress/report/").content.decode()
    assert f'name="p{project.pk}-progress"' not in page and "不能再修改" in page
    client.post("/progress/report/", report_data(project, progress="10"))
    report.refresh_from_db()
    assert report.progress == Decimal("70")


def test_reports_cannot_be_filed_for_a_future_month(client, liaison, own_projects):
    today = timezone.localdate()
    next_month = (today.replace(day=1) + datetime.timedelta(days=32)).strftime("%Y-%m")
    client.force_login(liaison)
    page = client.get("/progress/report/", {"period": next_month}).content.decode()
    assert "只能填报本月及以前月份的报表" in page
    client.post(f"/progress/report/?period={next_month}", report_data(own_projects[0]))
    assert ProgressReport.objects.get().period == current_period()


def test_office_files_for_a_chosen_unit(client, office_user, own_projects, unit):
    client.force_login(office_user)
    assert "请选择" in client.get("/progress/report/").content.decode()
    client.post(f"/progress/report/?unit={unit.pk}", report_data(own_projects[2]))
    assert ProgressReport.objects.get().submitted_by == office_user


# Review


def test_office_approves_one_approves_ticked_and_returns_with_reason(client, office_user, liaison, own_projects):
    period = current_period()
    first, second, third = (ProgressReportFactory(project=p, period=period) for p in own_projects)
    client.force_login(office_user)
    assert all(f"report-{r.pk}" in client.get("/progress/review/").content.decode() for r in (first, second, third))

    client.post("/progress/review/", {"approve": first.pk})
    client.post("/progress/review/", {"selected": [second.pk]})
    client.post(f"/progress/{third.pk}/return/", {"comment": "   "})
    third.refresh_from_db()
    assert third.status == ReportStatus.SUBMITTED  # a blank reason returns nothing
    client.post(f"/progress/{third.pk}/return/", {"comment": "投资数据与拨付记录不符，请核实。"})

    statuses = dict(ProgressReport.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "approved", second.pk: "approved", third.pk: "returned"}
    assert ProgressReport.objects.get(pk=first.pk).reviewer == office_user

    client.force_login(liaison)
    home = client.get("/").content.decode()
    assert "投资数据与拨付记录不符，请核实。" in home and own_projects[2].code in home


def test_approving_twice_is_refused_with_a_message(client, office_user, own_projects):
    report = ProgressReportFactory(project=own_projects[0], status=ReportStatus.APPROVED)
    client.force_login(office_user)
    response = client.post("/progress/review/", {"approve": report.pk}, follow=True)
    assert "只能审核已提交的报告" in response.content.decode()


def test_approved_progress_shows_on_the_project_page(client, office_user, own_projects):
    project = own_projects[0]
    report = ProgressReportFactory(project=project, period="2026-06", progress=Decimal("42.5"))
    services.progress_report_approve(actor=office_user, report=report)
    client.force_login(office_user)
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "42.5%" in page and 'data-plotly-figure="progress-chart-data"' in page


# Home


def test_liaison_home_lists_missing_reports_and_due_milestones(client, liaison, own_projects):
    today = timezone.localdate()
    MilestoneFactory(project=own_projects[0], name="上线试运行", planned_date=today + datetime.timedelta(days=10))
    MilestoneFactory(project=own_projects[1], name="竣工验收", planned_date=today - datetime.timedelta(days=5))
    MilestoneFactory(project=own_projects[2], name="远期节点", planned_date=today + datetime.timedelta(days=90))
    ProgressReportFactory(project=own_projects[2], period=current_period())
    client.force_login(liaison)
    response = client.get("/")
    worklist = response.context["liaison"]
    assert [p.code for p in worklist["missing_reports"]] == ["ZH-0", "ZH-1"]
    assert [m.name for m in worklist["milestones"]] == ["竣工验收", "上线试运行"]
    assert "逾期 5 天" in response.content.decode()


def test_office_home_lists_waiting_reports_and_red_projects(client, office_user, own_projects):
    ProgressReportFactory(project=own_projects[0], period=current_period())
    MilestoneFactory(project=own_projects[1], planned_date=timezone.localdate() - datetime.timedelta(days=60))
    client.force_login(office_user)
    office = client.get("/").context["office"]
    assert len(office["waiting_reports"]) == 1
    assert [p.code for p in office["red_projects"]] == ["ZH-1"]
    assert len(office["late_milestones"]) == 1


# Project forms


def project_form_data(unit, **values):
    data = {
        "code": "NB-2026-01",
        "name": "城市大脑二期",
        "domain": DomainFactory().pk,
        "tier": "key",
        "status": "in_progress",
        "lead_org": unit.pk,
        "investment_model": "government",
        "total_investment": "1200",
        "planned_start": "2026-01-01",
        "planned_end": "2026-12-31",
        "description": "",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
        "milestones-MIN_NUM_FORMS": "0",
        "milestones-MAX_NUM_FORMS": "1000",
        "milestones-0-name": "招投标",
        "milestones-0-weight": "30",
        "milestones-0-planned_date": "2026-04-30",
        "milestones-1-name": "竣工验收",
        "milestones-1-weight": "70",
        "milestones-1-planned_date": "2026-12-31",
    }
    data.update(values)
    return data


def test_office_creates_a_project_with_its_milestones(client, office_user, unit):
    client.force_login(office_user)
    response = client.post("/projects/add/", project_form_data(unit))
    project = Project.objects.get(code="NB-2026-01")
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    assert list(project.milestones.values_list("name", "weight")) == [("招投标", 30), ("竣工验收", 70)]
    assert project.history.get().history_user == office_user


def test_invalid_project_saves_neither_project_nor_milestones(client, office_user, unit):
    client.force_login(office_user)
    response = client.post("/projects/add/", project_form_data(unit, planned_end="2025-06-30"))
    assert response.status_code == 200
    assert "计划完成日期不能早于计划开始日期" in response.content.decode()
    assert not Project.objects.exists() and not Milestone.objects.exists()

    response = client.post("/projects/add/", project_form_data(unit, **{"milestones-1-name": "招投标"}))
    assert not Project.objects.exists()
    assert response.status_code == 200


def test_liaison_proposes_a_plan_change_the_office_confirms_and_the_history_shows_both(
    client, liaison, office_user, own_projects
):
    """A due milestone moved out would wipe out the project's lag: the liaison's change waits for the office, the
    actual date is not the unit's to set, and the history shows the request and the office's confirmation."""
    project = own_projects[0]
    old_end = project.planned_end
    milestone = MilestoneFactory(project=project, name="方案编制", weight=100, planned_date="2026-03-01")
    planned_before = Project.objects.with_figures().get(pk=project.pk).planned_progress
    client.force_login(liaison)
    data = project_form_data(
        project.lead_org,
        code=project.code,
        name=project.name,
        domain=project.domain_id,
        planned_end="2027-03-31",
        **{
            "milestones-TOTAL_FORMS": "1",
            "milestones-INITIAL_FORMS": "1",
            "milestones-0-id": milestone.pk,
            "milestones-0-name": "方案编制",
            "milestones-0-weight": "100",
            "milestones-0-planned_date": "2030-03-01",
            "milestones-0-actual_date": "2026-03-05",
        },
    )
    refused = client.post(f"/projects/{project.pk}/edit/", data)
    assert refused.status_code == 200 and refused.context["form"].errors["change_reason"]
    assert client.post(f"/projects/{project.pk}/edit/", {**data, "change_reason": "征地延误"}).status_code == 302
    project.refresh_from_db()
    milestone.refresh_from_db()
    assert project.planned_end == old_end and milestone.planned_date == datetime.date(2026, 3, 1)
    assert milestone.actual_date is None
    assert Project.objects.with_figures().get(pk=project.pk).planned_progress == planned_before
    request = project.change_requests.get(status="pending")

    client.force_login(office_user)
    page = client.get("/projects/requests/").content.decode()
    assert "征地延误" in page and "2030-03-01" in page
    assert client.post(f"/projects/requests/{request.pk}/confirm/").status_code == 302
    project.refresh_from_db()
    milestone.refresh_from_db()
    assert project.planned_end == datetime.date(2027, 3, 31) and milestone.planned_date == datetime.date(2030, 3, 1)

    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert f"{old_end.isoformat()} → 2027-03-31" in page
    assert liaison.display_name in page and office_user.display_name in page


def test_a_liaisons_handover_to_another_unit_waits_for_the_office(client, liaison, own_projects, other_unit):
    project = own_projects[0]
    client.force_login(liaison)
    data = project_form_data(
        other_unit,
        code=project.code,
        name=project.name,
        domain=project.domain_id,
        change_reason="职能划转",
        **{"milestones-TOTAL_FORMS": "0"},
    )
    assert client.post(f"/projects/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert project.lead_org_id == liaison.organization_id
    assert project.change_requests.get().changes["project"]["lead_org"]["to"] == other_unit.pk


def test_funding_rows_are_edited_as_one_table(client, office_user, own_projects):
    project = own_projects[0]
    source = FundingSourceFactory(name="市级财政")
    client.force_login(office_user)

    def rows(*entries):
        data = {
            "fundings-TOTAL_FORMS": str(len(entries)),
            "fundings-INITIAL_FORMS": "0",
            "fundings-MIN_NUM_FORMS": "0",
            "fundings-MAX_NUM_FORMS": "1000",
        }
        for index, (year, planned) in enumerate(entries):
            data.update(
                {
                    f"fundings-{index}-year": year,
                    f"fundings-{index}-source": source.pk,
                    f"fundings-{index}-planned": planned,
                    f"fundings-{index}-allocated": "0",
                    f"fundings-{index}-disbursed": "0",
                }
            )
        return data

    response = client.post(f"/projects/{project.pk}/funding/", rows(("2026", "300"), ("2026", "200")))
    assert response.status_code == 200 and not Funding.objects.exists()
    assert client.post(f"/projects/{project.pk}/funding/", rows(("2026", "300"), ("2027", "200"))).status_code == 302
    page = client.get(f"/projects/{project.pk}/").content.decode()
    assert "500.00" in page  # the total planned across both years
    assert project.history.count() == 1  # editing funding does not log an empty change of the project


# Targets


def test_responsible_liaison_records_a_value_and_a_duplicate_is_refused(client, liaison, unit):
    indicator = IndicatorFactory(responsible_org=unit, target=Decimal("200"))
    client.force_login(liaison)
    client.post(f"/targets/{indicator.pk}/values/add/", {"period": "2026-09", "value": "150", "note": ""})
    response = client.post(f"/targets/{indicator.pk}/values/add/", {"period": "2026-09", "value": "160"})
    assert response.status_code == 200 and "已有" in response.content.decode()
    assert list(IndicatorValue.objects.values_list("value", flat=True)) == [Decimal("150")]

    page = client.get("/targets/").content.decode()
    assert indicator.name in page and "75.0%" in page
    assert Indicator.objects.with_attainment().get().attainment == 75.0


def test_other_units_liaison_cannot_record_a_value(client, other_liaison, unit):
    indicator = IndicatorFactory(responsible_org=unit)
    client.force_login(other_liaison)
    assert client.post(f"/targets/{indicator.pk}/values/add/", {"period": "2026-09", "value": "1"}).status_code == 403
    assert not IndicatorValue.objects.exists()


# Baselines


def test_baseline_freezes_the_year_and_moved_deadlines_show_as_slippage(client, office_user, own_projects):
    year = timezone.localdate().year
    outside_year = ProjectFactory(planned_start="2040-01-01", planned_end="2040-12-31")
    client.force_login(office_user)
    response = client.post("/baselines/", {"year": year, "note": "年度重点项目"})
    baseline = Baseline.objects.get(year=year)
    assert response.status_code == 302 and response["Location"] == f"/baselines/{baseline.pk}/"
    assert list(own_projects[0].baselines.values_list("baseline__year", flat=True)) == [year]
    assert not outside_year.baselines.exists()

    frozen_end = own_projects[0].planned_end
    Project.objects.filter(pk=own_projects[0].pk).update(planned_end=frozen_end + datetime.timedelta(days=90))
    listing = client.get("/projects/", {"ordering": "-slippage"})
    first = listing.context["object_list"][0]
    assert (first.code, first.slippage_days) == ("ZH-0", 90.0)
    assert "推迟 90 天" in listing.content.decode()
    assert "推迟 90 天" in client.get(f"/projects/{own_projects[0].pk}/").content.decode()

    client.post("/baselines/", {"year": year})
    assert own_projects[0].baselines.get().planned_end == frozen_end  # frozen rows never change


# Lists


def test_project_list_filters_sorts_paginates_and_totals(client, leader):
    unit = OrganizationFactory(name="宁波市大数据局")
    plan = PlanFactory()
    for n in range(30):
        project = on_track(code=f"NB-{n:02d}", lead_org=unit, total_investment=Decimal("100"))
        if n % 3 == 0:
            project.plans.add(plan)
    MilestoneFactory(project=Project.objects.get(code="NB-05"), planned_date="2020-01-01")
    client.force_login(leader)

    response = client.get("/projects/", {"plan": plan.pk, "per_page": 25, "ordering": "-code"})
    assert response.context["summary"]["total"] == 10
    assert response.context["summary"]["investment"] == Decimal("1000")
    assert [p.code for p in response.context["object_list"]][:2] == ["NB-27", "NB-24"]

    response = client.get("/projects/", {"health": Health.RED})
    assert [p.code for p in response.context["object_list"]] == ["NB-05"]
    assert "严重滞后（红灯）" in response.content.decode()

    response = client.get("/projects/", {"per_page": 25, "page": 2, "search": "智慧项目"})
    assert len(response.context["object_list"]) == 5
    assert "per_page=25" in response.content.decode() and "search=" in response.content.decode()


def test_health_and_status_sort_by_meaning_not_by_code(client, leader, unit):
    green = on_track(code="A-GREEN", lead_org=unit)
    red = on_track(code="B-RED", lead_org=unit)
    MilestoneFactory(project=red, planned_date=timezone.localdate() - datetime.timedelta(days=60))
    yellow = on_track(code="C-YELLOW", lead_org=unit)
    MilestoneFactory(project=yellow, planned_date=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(leader)
    listed = client.get("/projects/", {"ordering": "-health"}).context["object_list"]
    assert [p.code for p in listed] == [red.code, yellow.code, green.code]


def test_a_filter_the_form_rejects_lists_nothing_and_says_why(client, leader, own_projects):
    client.force_login(leader)
    response = client.get("/projects/", {"status": "no-such-status"})
    assert list(response.context["object_list"]) == [] and response.context["summary"]["total"] == 0
    assert "invalid-feedback" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "1e3", "9" * 25, "-1"])
def test_odd_ids_never_break_a_page(client, office_user, own_projects, value):
    client.force_login(office_user)
    assert client.get("/progress/report/", {"unit": value}).status_code == 200
    assert client.post("/progress/review/", {"approve": value}).status_code == 302
    assert client.post("/progress/review/", {"selected": [value]}).status_code == 302
    assert client.get("/projects/", {"page": value, "per_page": value, "ordering": value}).status_code in (200, 404)


def test_the_office_reporting_link_from_a_project_page_opens_the_current_month(client, office_user, own_projects):
    client.force_login(office_user)
    project = own_projects[0]
    response = client.get(f"/progress/report/?unit={project.lead_org_id}")
    assert response.context["period"] == current_period()
    assert "该字段是必填项" not in response.content.decode()
    assert f"p{project.pk}-progress" in response.content.decode()


def test_values_and_reports_cannot_be_for_a_month_that_has_not_begun(client, liaison, unit, own_projects, api):
    indicator = IndicatorFactory(responsible_org=unit)
    client.force_login(liaison)
    response = client.post(f"/targets/{indicator.pk}/values/add/", {"period": "2099-12", "value": "1"})
    assert response.status_code == 200 and "尚未开始" in response.content.decode()
    assert not IndicatorValue.objects.exists()
    answer = api.as_user(liaison).post(
        "/api/v1/progress-reports/",
        {"project": own_projects[0].pk, "period": "2099-12", "progress": 10, "summary": "提前填报"},
        format="json",
    )
    assert answer.status_code == 400 and "period" in answer.json()


def test_planned_line_of_a_project_without_milestones_follows_its_planned_span(office_user):
    project = ProjectFactory(planned_start="2026-01-01", planned_end="2026-12-31")
    for period in ("2026-03", "2026-06"):
        services.progress_report_approve(
            actor=office_user, report=ProgressReportFactory(project=project, period=period)
        )
    from projects.selectors import progress_series

    series = progress_series(project)
    assert series["periods"] == ["2026-03", "2026-06"]
    assert series["planned"] == [24.5, 49.5]  # 89 and 180 of 364 days, the rule with_figures uses


def test_cancel_on_a_new_form_leads_to_the_list_not_to_the_referrer(client, office_user):
    client.force_login(office_user)
    page = client.get("/projects/add/", HTTP_REFERER="https://elsewhere.example/").content.decode()
    assert "elsewhere.example" not in page and 'href="/projects/"' in page
