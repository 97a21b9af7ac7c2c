"""The official tables: each one's layout, rows and totals read back with openpyxl against the database; proper sheets
(frozen header repeated on print, landscape fitted to width, money and percent formats, real dates, a Chinese font,
text never turned into a formula); who may download them; and, where LibreOffice is installed, that it opens each
file and reads the same values."""

import datetime
import io
import os
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.test import Client
from openpyxl import load_workbook

from accounts.choices import Role
from accounts.models import Organization, Region
from common.dates import add_months
from projects.choices import ProjectStatus, ReportStatus
from projects.demo import loader as demo
from projects.models import Project, period_of
from proposals import services
from proposals.models import Proposal, ResultClass
from reports import exports
from tests.factories import (
    DomainFactory,
    FundingFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
    issue_reply,
    unit_user,
)

pytestmark = pytest.mark.django_db

HEADER_ROW = 3  # title, note, header


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(sheet, first=HEADER_ROW):
    return [list(row) for row in sheet.iter_rows(min_row=first, values_only=True)]


@pytest.fixture
def portfolio(db):
    """Two domain groups, three projects under way in 2026 (one of them in the plan), one cancelled, one of 2020."""
    roads = DomainFactory(name="智能交通", group="city_services")
    broadband = DomainFactory(name="光纤宽带", group="infrastructure")
    plan = PlanFactory(title="2026年智慧城市行动计划", first_year=2026, last_year=2026)
    bureau = OrganizationFactory(name="市交通局", short_name="交通局")
    first = ProjectFactory(
        code="T-01", name="智慧停车", domain=roads, lead_org=bureau, total_investment=Decimal("1200.50")
    )
    first.plans.add(plan)
    second = ProjectFactory(code="T-02", name="信号灯联网", domain=roads, total_investment=Decimal("800"))
    third = ProjectFactory(code="B-01", name="光网城市", domain=broadband, total_investment=Decimal("5000"))
    ProjectFactory(code="X-01", name="已取消项目", domain=roads, status=ProjectStatus.CANCELLED)
    ProjectFactory(
        code="OLD-1",
        name="往年项目",
        domain=roads,
        planned_start=datetime.date(2020, 1, 1),
        planned_end=datetime.date(2020, 12, 31),
    )
    FundingFactory(project=first, year=2026, planned=Decimal("300"))
    FundingFactory(project=first, year=2027, planned=Decimal("900"))
    FundingFactory(project=third, year=2026, planned=Decimal("2500"))
    MilestoneFactory(project=first, name="完成招投标", planned_date=datetime.date(2026, 3, 31))
    MilestoneFactory(project=first, name="系统上线", planned_date=datetime.date(2026, 10, 31))
    MilestoneFactory(project=first, name="竣工验收", planned_date=datetime.date(2027, 3, 31))
    ProgressReportFactory(project=first, period="2026-05", progress=Decimal("40"), status=ReportStatus.APPROVED)
    return {"plan": plan, "first": first, "second": second, "third": third}


def test_project_plan_table_groups_projects_with_subtotals_and_a_total(client, leader, portfolio):
    client.force_login(leader)
    sheet = download(client, "/reports/export/project-plan.xlsx", year=2026).active
    assert sheet["A1"].value == "2026年度智慧城市建设重大项目计划表"
    assert "单位：万元" in sheet["A2"].value and "编制单位" in sheet["A2"].value
    rows = rows_of(sheet)
    assert rows[0] == [
        "序号",
        "领域",
        "项目名称",
        "建设内容",
        "牵头单位",
        "总投资（万元）",
        "年度计划投资（万元）",
        "年度目标",
        "起止年限",
        "当前进度（%）",
        "状态",
        "项目编号",
    ]
    labels = [row[1] for row in rows[1:]]
    # Groups in the plans' order (infrastructure before city services), each closed by its subtotal.
    assert labels == [
        "一、信息基础设施",
        "光纤宽带",
        "小计",
        "二、城市管理与服务",
        "智能交通",
        "智能交通",
        "小计",
        "合计",
    ]
    by_code = {row[11]: row for row in rows[1:] if row[11]}
    assert set(by_code) == {"T-01", "T-02", "B-01"}  # not the cancelled one, not 2020's
    parking = by_code["T-01"]
    assert parking[2] == "智慧停车" and parking[4] == "交通局"
    assert parking[5] == pytest.approx(1200.5) and parking[6] == pytest.approx(300)
    assert parking[7] == "完成招投标；系统上线"
    assert parking[8] == "2026" and parking[9] == pytest.approx(40) and parking[10] == "在建"
    subtotal = rows[labels.index("小计", 3) + 1]
    assert subtotal[5] == pytest.approx(2000.5) and subtotal[6] == pytest.approx(300)
    total = rows[-1]
    assert total[5] == pytest.approx(7000.5) and total[6] == pytest.approx(2800)
    assert [row[0] for row in rows[1:] if isinstance(row[0], int)] == [1, 2, 3]


def test_project_plan_table_of_one_plan(client, leader, portfolio):
    client.force_login(leader)
    sheet = download(client, "/reports/export/project-plan.xlsx", year=2026, plan=portfolio["plan"].pk).active
    assert sheet["A1"].value.endswith("（2026年智慧城市行动计划）")
    assert [row[11] for row in rows_of(sheet)[1:] if row[11]] == ["T-01"]


@pytest.fixture
def phases(portfolio):
    """光网城市 (5,000) in two phases of 2,000 and 3,000."""
    parent = portfolio["third"]
    first = ProjectFactory(
        code="B-01-1", name="光网城市一期", parent=parent, domain=parent.domain, total_investment=Decimal("2000")
    )
    second = ProjectFactory(
        code="B-01-2", name="光网城市二期", parent=parent, domain=parent.domain, total_investment=Decimal("3000")
    )
    FundingFactory(project=first, year=2026, planned=Decimal("1000"))
    return first, second


def test_project_plan_lists_phases_under_their_project_and_totals_top_level_rows(client, leader, portfolio, phases):
    client.force_login(leader)
    sheet = download(client, "/reports/export/project-plan.xlsx", year=2026).active
    rows = rows_of(sheet)[1:]
    assert [(row[0], row[11] or row[1]) for row in rows] == [
        (None, "一、信息基础设施"),
        (1, "B-01"),
        ("1-1", "B-01-1"),
        ("1-2", "B-01-2"),
        (None, "小计"),
        (None, "二、城市管理与服务"),
        (2, "T-01"),
        (3, "T-02"),
        (None, "小计"),
        (None, "合计"),
    ]
    assert rows[2][5] == pytest.approx(2000) and rows[2][6] == pytest.approx(1000)
    # The phases are part of 光网城市: neither its subtotal nor the total counts them again.
    assert rows[4][5] == pytest.approx(5000) and rows[4][6] == pytest.approx(2500)
    assert rows[-1][5] == pytest.approx(7000.5) and rows[-1][6] == pytest.approx(2800)
    name = sheet.cell(row=HEADER_ROW + 3, column=3)
    assert name.value == "光网城市一期" and name.alignment.indent == 2
    assert sheet.cell(row=HEADER_ROW + 2, column=3).alignment.indent == 0


def test_a_long_plan_table_read_in_chunks_is_the_same_table(client, leader, portfolio, phases, monkeypatch):
    """A table of 100,000 projects is read and written CHUNK_PROJECTS at a time, its widths fitted to its first
    FITTED_ROWS rows: with chunks of one project and widths from a single row, the same rows, sums and phases."""
    client.force_login(leader)
    whole = rows_of(download(client, "/reports/export/project-plan.xlsx", year=2026).active)
    monkeypatch.setattr(exports, "CHUNK_PROJECTS", 1)
    monkeypatch.setattr(exports, "FITTED_ROWS", 1)
    assert rows_of(download(client, "/reports/export/project-plan.xlsx", year=2026).active) == whole


def test_project_plan_of_one_plan_lists_the_project_of_a_phase_in_it(client, leader, portfolio, phases):
    phases[1].plans.add(portfolio["plan"])
    client.force_login(leader)
    sheet = download(client, "/reports/export/project-plan.xlsx", year=2026, plan=portfolio["plan"].pk).active
    rows = rows_of(sheet)[1:]
    # 光网城市 is listed for its phase in the plan, with both its phases: they go with their project.
    assert [row[11] for row in rows if row[11]] == ["B-01", "B-01-1", "B-01-2", "T-01"]
    assert rows[-1][5] == pytest.approx(6200.5)  # 光网城市 and 智慧停车


def test_the_demo_plan_table_of_2012_totals_its_top_level_projects(client, leader):
    """A Ningbo leader's table of the city with its districts: 宁波市 in the title, its office the compiler."""
    demo.load(today=datetime.date.today())
    ningbo = Region.objects.get(name="宁波市")
    Organization.objects.filter(pk=leader.organization_id).update(region=ningbo)
    client.force_login(leader)
    sheet = download(client, "/reports/export/project-plan.xlsx", year=2012, with_below="on").active
    assert sheet["A1"].value == "2012年度宁波市（含下辖区县）智慧城市建设重大项目计划表"
    assert "编制单位：宁波市智慧城市建设工作领导小组办公室" in sheet["A2"].value
    rows = rows_of(sheet)[1:]
    top_level = [row for row in rows if isinstance(row[0], int)]
    assert any(isinstance(row[0], str) and "-" in row[0] for row in rows)  # phases are listed
    total = rows[-1]
    assert total[1] == "合计"
    assert total[5] == pytest.approx(sum(row[5] for row in top_level))
    assert total[6] == pytest.approx(sum(row[6] or 0 for row in top_level))
    expected = (
        Project.objects.top_level()
        .filter(region__in=Region.objects.within(ningbo))
        .active_in_year(2012)
        .exclude(status=ProjectStatus.CANCELLED)
        .aggregate(total=Sum("total_investment"))["total"]
    )
    assert total[5] == pytest.approx(float(expected))
    subtotals = [row[5] for row in rows if row[1] == "小计"]
    assert sum(subtotals) == pytest.approx(total[5])


def test_sheets_are_proper_government_tables(client, leader, portfolio):
    portfolio["second"].name = '=HYPERLINK("http://evil.example","点我")'
    portfolio["second"].save()
    client.force_login(leader)
    sheet = download(client, "/reports/export/project-plan.xlsx", year=2026).active
    assert sheet.freeze_panes == "A4"
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert "A1:L1" in {str(merged) for merged in sheet.merged_cells.ranges}
    money = next(row for row in sheet.iter_rows(min_row=4) if row[11].value == "T-01")
    assert money[5].number_format == "#,##0.00" and money[9].number_format == '0.0"%"'
    assert money[2].font.name == "宋体"
    assert sheet.column_dimensions["C"].width >= 10
    hostile = next(row for row in sheet.iter_rows(min_row=4) if row[11].value == "T-02")
    assert hostile[2].data_type == "s" and hostile[2].value.startswith("=HYPERLINK")


def test_targets_table(client, leader, portfolio):
    plan = portfolio["plan"]
    water = OrganizationFactory(name="市水利局", short_name="水利局")
    met = IndicatorFactory(
        plan=plan,
        goal="建设城市感知网络",
        name="视频监控覆盖率",
        unit="%",
        target=Decimal("80"),
        baseline=Decimal("20"),
        deadline=datetime.date(2026, 12, 31),
    )
    met.cooperating_orgs.add(water)
    IndicatorValueFactory(indicator=met, period="2026-06", value=Decimal("88"))
    IndicatorFactory(plan=plan, name="政务数据共享率", target=Decimal("90"))
    client.force_login(leader)
    sheet = download(client, "/reports/export/targets.xlsx", plan=plan.pk).active
    assert sheet["A1"].value == "2026年智慧城市行动计划目标责任分解表"
    assert "共2项指标，已达标1项" in sheet["A2"].value
    rows = rows_of(sheet)
    assert rows[0][:11] == [
        "序号",
        "目标任务",
        "指标",
        "单位",
        "目标值",
        "基线",
        "当前值",
        "完成率（%）",
        "责任单位",
        "配合单位",
        "完成时限",
    ]
    assert rows[1][1:10] == [
        "建设城市感知网络",
        "视频监控覆盖率",
        "%",
        80,
        20,
        88,
        110,
        met.responsible_org.short_name,
        "水利局",
    ]
    assert rows[1][10] == datetime.datetime(2026, 12, 31)  # a real date
    assert rows[2][6] is None and rows[2][7] is None  # no value yet


def test_monthly_progress_report(client, leader, portfolio):
    period = period_of(datetime.date.today())
    ProgressReportFactory(
        project=portfolio["first"],
        period=period,
        progress=Decimal("55"),
        investment_completed=Decimal("80"),
        summary="完成系统联调。",
        problems="无",
        next_steps="试运行",
        status=ReportStatus.APPROVED,
    )
    client.force_login(leader)
    sheet = download(client, "/reports/export/progress.xlsx", period=period).active
    assert f"（{period[:4]}年{int(period[5:])}月）" in sheet["A1"].value
    assert "项目共" in sheet["A2"].value and "整体进度" in sheet["A2"].value
    rows = rows_of(sheet)
    assert rows[0][:6] == ["序号", "领域", "项目编号", "项目名称", "牵头单位", "报送状态"]
    by_code = {row[2]: row for row in rows[1:] if row[2]}
    assert set(by_code) == {"T-01", "T-02", "B-01", "OLD-1"}  # every project that reports monthly
    parking = by_code["T-01"]
    assert parking[1] == "智能交通" and parking[4] == "交通局"
    assert parking[5] == "已审核" and parking[6] == pytest.approx(55) and parking[9] == pytest.approx(80)
    assert parking[10] == pytest.approx(130)  # 50 (May, approved) + 80
    assert parking[11:14] == ["完成系统联调。", "无", "试运行"]
    assert by_code["T-02"][5] == "未报送" and by_code["T-02"][6] is None


def test_monthly_progress_report_rows_by_domain_group_then_domain_and_code(client, leader, portfolio):
    client.force_login(leader)
    sheet = download(client, "/reports/export/progress.xlsx", period=period_of(datetime.date.today())).active
    rows = rows_of(sheet)[1:]
    assert [row[2] or row[1] for row in rows] == [
        "一、信息基础设施",
        "B-01",
        "小计",
        "二、城市管理与服务",
        "OLD-1",
        "T-01",
        "T-02",
        "小计",
        "合计",
    ]
    assert [row[0] for row in rows if row[2]] == [1, 2, 3, 4]


def test_a_returned_report_counts_as_not_reported(client, leader, portfolio):
    period = period_of(datetime.date.today())
    ProgressReportFactory(
        project=portfolio["second"],
        period=period,
        progress=Decimal("70"),
        investment_completed=Decimal("500"),
        status=ReportStatus.RETURNED,
        review_comment="投资完成额与财务数据不符",
    )
    ProgressReportFactory(
        project=portfolio["third"], period=period, progress=Decimal("30"), investment_completed=Decimal("20")
    )
    client.force_login(leader)
    sheet = download(client, "/reports/export/progress.xlsx", period=period).active
    rows = rows_of(sheet)
    by_code = {row[2]: row for row in rows[1:] if row[2]}
    returned = by_code["T-02"]
    assert returned[5] == "已退回"
    assert returned[6] is None and returned[9] is None and returned[11:14] == [None, None, None]
    assert returned[10] == 0  # its 500 are not in the cumulative investment
    assert returned[14] == "退回原因：投资完成额与财务数据不符"
    pending = by_code["B-01"]
    assert pending[5] == "待审核" and pending[6] == pytest.approx(30) and pending[10] == pytest.approx(20)
    assert "本期应报送项目4个，已报送1个（已审核0个、待审核1个），未报送3个（其中退回重报1个）" in sheet["A2"].value
    total = rows[-1]
    assert total[1] == "合计" and total[9] == pytest.approx(20) and total[10] == pytest.approx(70)  # T-01's May: 50


def test_a_rows_health_is_rated_on_the_progress_it_shows(client, leader):
    """A project 68.2 planned, last approved at 60 (8.2 behind: green), reports 55 this month: 13.2 behind, yellow."""
    today = datetime.date.today()
    span = datetime.timedelta(days=300)
    project = ProjectFactory(code="H-01", planned_start=today - span, planned_end=today + span)
    done = today - datetime.timedelta(days=60)
    MilestoneFactory(project=project, weight=15, planned_date=done, actual_date=done)  # 15 of 22: 68.2
    MilestoneFactory(project=project, weight=7, planned_date=today + datetime.timedelta(days=60))
    last_month = period_of(add_months(today.replace(day=1), -1))
    ProgressReportFactory(project=project, period=last_month, progress=Decimal("60"), status=ReportStatus.APPROVED)
    ProgressReportFactory(project=project, period=period_of(today), progress=Decimal("55"))
    client.force_login(leader)
    sheet = download(client, "/reports/export/progress.xlsx", period=period_of(today)).active
    row = next(row for row in rows_of(sheet) if row[2] == "H-01")
    assert (row[6], row[7], row[8]) == (pytest.approx(55), pytest.approx(68.2), "滞后（黄灯）")
    earlier = download(client, "/reports/export/progress.xlsx", period=last_month).active
    row = next(row for row in rows_of(earlier) if row[2] == "H-01")
    assert (row[5], row[6], row[8]) == ("已审核", pytest.approx(60), "正常（绿灯）")


def test_a_past_months_table_shows_the_progress_of_that_month(client, leader, portfolio):
    today = datetime.date.today()
    months = [period_of(add_months(today.replace(day=1), -offset)) for offset in (3, 2, 0)]
    project = portfolio["second"]
    ProgressReportFactory(project=project, period=months[0], progress=Decimal("35"), status=ReportStatus.APPROVED)
    ProgressReportFactory(project=project, period=months[2], progress=Decimal("90"), status=ReportStatus.APPROVED)
    client.force_login(leader)
    sheet = download(client, "/reports/export/progress.xlsx", period=months[1]).active
    row = next(row for row in rows_of(sheet) if row[2] == "T-02")
    assert row[5] == "未报送" and row[6] is None
    assert row[10] == pytest.approx(50)  # the approved report three months ago, not this month's


def test_future_period_or_missing_choice_is_a_bad_request(client, leader):
    client.force_login(leader)
    assert client.get("/reports/export/progress.xlsx", {"period": "2999-01"}).status_code == 400
    assert client.get("/reports/export/progress.xlsx", {"period": "0001-01"}).status_code == 400  # before 1949
    assert client.get("/reports/export/project-plan.xlsx").status_code == 400
    assert client.get("/reports/export/targets.xlsx", {"plan": "abc"}).status_code == 400
    assert client.get("/reports/export/proposals.xlsx", {"session": 999999}).status_code == 400


@pytest.fixture
def handled_session(db, committee_user, set_today):
    session = SessionFactory(name="十五届四次", year=2026)
    lead, co = (
        OrganizationFactory(name="区发改局", short_name="发改局"),
        OrganizationFactory(name="区科技局", short_name="科技局"),
    )
    answered = ProposalFactory(session=session, number="001", proposers=["张三", "李四"])
    pending = ProposalFactory(session=session, number="002")
    for proposal in (answered, pending):
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(
            actor=committee_user,
            proposal=proposal,
            lead_unit=lead,
            co_units=[co],
            assigned_on=datetime.date(2026, 2, 1),
            due_date=datetime.date(2026, 5, 1),
        )
    set_today(datetime.date(2026, 3, 3))  # signed off that day, in the system
    issue_reply(answered, lead, text="已采纳。", result_class=ResultClass.objects.get(code="A"))
    set_today(None)
    return session


def test_proposal_ledger_and_statistics(client, leader, committee_user, handled_session):
    client.force_login(committee_user)
    ledger = download(client, "/reports/export/proposals.xlsx", session=handled_session.pk).active
    assert ledger["A1"].value == "十五届四次提案办理台账"
    rows = rows_of(ledger)
    assert rows[0][:6] == ["序号", "案号", "案由", "提案人", "类别", "主办单位"]
    first = rows[1]
    assert first[1] == "001" and first[3] == "张三、李四" and first[5] == "发改局" and first[6] == "科技局"
    assert first[8] == datetime.datetime(2026, 2, 1) and first[10] == datetime.datetime(2026, 3, 3)
    assert first[12].startswith("A类") and first[14] == 30
    assert rows[2][10] is None and rows[2][14] is None

    stats = download(client, "/reports/export/proposal-stats.xlsx", session=handled_session.pk).active
    rows = rows_of(stats)
    by_unit = {row[1]: row for row in rows[1:]}
    # Assigned, of them to reply to, replied, 办复率, on time, 按期答复率, class A.
    assert by_unit["发改局"][2:9] == [2, 2, 1, 50, 1, 100, 1]
    assert by_unit["科技局"][2:6] == [2, 0, 0, None]  # co-handling only: nothing to reply to
    assert by_unit["合计"][2:6] == [4, 2, 1, 50]


def test_the_committee_compiles_its_tables_with_filing_totals_and_answer_rate(
    client, settings, committee_user, handled_session
):
    settings.PROPOSALS = {**settings.PROPOSALS, "COMMITTEE_NAME": "镇海区政协提案委员会"}
    pending = Proposal.objects.get(session=handled_session, number="002")
    services.proposal_not_file(
        actor=committee_user, proposal=ProposalFactory(session=handled_session, number="003"), reason="不属于提案范围"
    )
    services.proposal_merge(
        actor=committee_user, proposal=ProposalFactory(session=handled_session, number="004"), into=pending
    )
    ProposalFactory(session=handled_session, number="005")  # not reviewed yet
    client.force_login(committee_user)
    stats = download(client, "/reports/export/proposal-stats.xlsx", session=handled_session.pk).active
    note = stats["A2"].value
    assert note.startswith("编制单位：镇海区政协提案委员会") and settings.OFFICE["NAME"] not in note
    assert "共收到提案5件，立案2件，并案1件，不予立案1件，待审查1件；交办2件，已办复1件，办复率50.0%。" in note
    ledger = download(client, "/reports/export/proposals.xlsx", session=handled_session.pk).active
    assert ledger["A2"].value.startswith("编制单位：镇海区政协提案委员会")

    # The public page counts the session by the same rules (proposals.querysets.proposal_counts): a merged proposal
    # is not counted as filed on its own.
    page = Client().get("/public/").content.decode()
    row = re.search(r"<tr><td>十五届四次</td>(.*?)</tr>", page, re.S).group(1)
    received, filed, handling, answered, closed = (int(cell) for cell in re.findall(r">(\d+)</td>", row))
    assert (received, filed, handling, answered, closed) == (5, 2, 1, 1, 0)


@pytest.mark.parametrize(
    ("url", "role", "expected"),
    [
        ("/reports/exports/", "liaison", 200),
        ("/reports/export/project-plan.xlsx?year=2026", "liaison", 200),
        ("/reports/export/proposal-stats.xlsx?session={session}", "committee_user", 200),
        ("/reports/export/proposal-stats.xlsx?session={session}", "anonymous", 302),
    ],
)
def test_who_may_download(client, request, handled_session, url, role, expected):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    assert client.get(url.format(session=handled_session.pk)).status_code == expected


def test_libreoffice_opens_each_table_and_reads_the_same_values(client, leader, portfolio, handled_session, tmp_path):
    """LibreOffice reads back every value, keeps each row's height (a row of wrapped text as high as its lines) and
    prints the page numbers in the footer."""
    if not shutil.which("soffice"):
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (apt-get install libreoffice-calc-nogui)")
        pytest.skip("needs LibreOffice (apt-get install libreoffice-calc-nogui)")
    portfolio["first"].description = "建设城市停车诱导系统，接入全市公共停车场泊位数据，" * 6
    portfolio["first"].save()
    IndicatorFactory(plan=portfolio["plan"], name="公共停车场联网率", target=Decimal("90"))
    client.force_login(leader)
    urls = {
        "plan": f"/reports/export/project-plan.xlsx?year=2026&plan={portfolio['plan'].pk}",
        "targets": f"/reports/export/targets.xlsx?plan={portfolio['plan'].pk}",
        "progress": f"/reports/export/progress.xlsx?period={period_of(datetime.date.today())}",
        "ledger": f"/reports/export/proposals.xlsx?session={handled_session.pk}",
        "stats": f"/reports/export/proposal-stats.xlsx?session={handled_session.pk}",
    }
    for name, url in urls.items():
        original = tmp_path / f"{name}.xlsx"
        original.write_bytes(b"".join(client.get(url).streaming_content))
        converted = tmp_path / "converted"
        # A profile of its own: LibreOffice refuses to start on a profile another conversion is using.
        soffice = ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{tmp_path}/profile"]
        for kind in ("xlsx", "pdf"):
            subprocess.run(
                [*soffice, "--convert-to", kind, "--outdir", str(converted), str(original)],
                check=True,
                capture_output=True,
                timeout=120,
            )
        before, after = load_workbook(original).active, load_workbook(converted / f"{name}.xlsx").active
        assert [_comparable(row) for row in rows_of(after, first=1)] == [
            _comparable(row) for row in rows_of(before, first=1)
        ], name
        heights = [(before.row_dimensions[row].height, after.row_dimensions[row].height) for row in range(1, 7)]
        assert all(theirs == pytest.approx(ours, abs=1) for ours, theirs in heights if ours), (name, heights)
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", "-layout", str(converted / f"{name}.pdf"), "-"], capture_output=True, text=True
            ).stdout
            assert "第1页共1页" in text.replace(" ", ""), name
    plan = load_workbook(tmp_path / "converted" / "plan.xlsx").active
    parking = next(row[0].row for row in plan.iter_rows(min_row=4) if row[11].value == "T-01")
    assert plan.row_dimensions[parking].height > 4 * 14  # the description wraps to five lines or more


def _comparable(row):
    values = [round(value, 6) if isinstance(value, float) else value for value in row]
    while values and values[-1] in (None, ""):
        values.pop()
    return values


def test_statistics_judge_on_time_by_the_sign_off_and_count_no_draft(client, committee_user, set_today):
    """A unit that signs off after its due date is late in the 统计表 and the 台账, however early its letter is
    dated; a draft counts as no reply at all."""
    session = SessionFactory(name="十五届五次", year=2026)
    lead = OrganizationFactory(name="区发改局", short_name="发改局")
    late, drafted = ProposalFactory(session=session, number="001"), ProposalFactory(session=session, number="002")
    set_today(datetime.date(2026, 2, 1))
    for proposal in (late, drafted):
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=lead)  # due 2026-05-01
    set_today(datetime.date(2026, 6, 15))
    issue_reply(late, lead, issued_on=datetime.date(2026, 4, 1))  # the letter claims April
    services.reply_save_draft(
        actor=unit_user(lead, Role.LIAISON), proposal=drafted, text="稿", result_class=ResultClass.objects.first()
    )
    client.force_login(committee_user)
    stats = rows_of(download(client, "/reports/export/proposal-stats.xlsx", session=session.pk).active)
    by_unit = {row[1]: row for row in stats[1:]}
    # assigned, as lead or separate unit, replied, answer rate, on time, on-time rate
    assert by_unit["发改局"][2:8] == [2, 2, 1, 50, 0, 0]
    ledger = rows_of(download(client, "/reports/export/proposals.xlsx", session=session.pk).active)
    assert ledger[1][10] == datetime.datetime(2026, 6, 15)  # replied: the sign-off, not the letter's date
    assert ledger[2][10] is None and ledger[2][11] == "已交办"  # the draft is no reply
