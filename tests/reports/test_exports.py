"""The official tables: each one's layout, rows and totals read back with openpyxl against the database; proper sheets
(frozen header repeated on print, landscape fitted to width, money and percent formats, real dates, a Chinese font,
text never turned into a formula); who may download them; and, where LibreOffice is installed, that it opens each
file and reads the same values."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from projects.choices import ProjectStatus, ReportStatus
from projects.models import period_of
from proposals import services
from proposals.models import ResultClass
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
    by_code = {row[1]: row for row in rows[1:]}
    assert set(by_code) == {"T-01", "T-02", "B-01", "OLD-1"}  # every project that reports monthly
    parking = by_code["T-01"]
    assert parking[4] == "已审核" and parking[5] == pytest.approx(55) and parking[8] == pytest.approx(80)
    assert parking[9] == pytest.approx(130)  # 50 (May, approved) + 80
    assert parking[10:13] == ["完成系统联调。", "无", "试运行"]
    assert by_code["T-02"][4] == "未报送" and by_code["T-02"][5] is None


def test_future_period_or_missing_choice_is_a_bad_request(client, leader):
    client.force_login(leader)
    assert client.get("/reports/export/progress.xlsx", {"period": "2999-01"}).status_code == 400
    assert client.get("/reports/export/progress.xlsx", {"period": "0001-01"}).status_code == 400  # before 1949
    assert client.get("/reports/export/project-plan.xlsx").status_code == 400
    assert client.get("/reports/export/targets.xlsx", {"plan": "abc"}).status_code == 400
    assert client.get("/reports/export/proposals.xlsx", {"session": 999999}).status_code == 400


@pytest.fixture
def handled_session(db, office_user, committee_user):
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
    services.proposal_reply(
        actor=office_user,
        proposal=answered,
        unit=lead,
        text="已采纳。",
        result_class=ResultClass.objects.get(code="A"),
        issued_on=datetime.date(2026, 3, 3),
    )
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
    assert by_unit["发改局"][2:8] == [2, 2, 1, 1, 100, 1]
    assert by_unit["科技局"][2:5] == [2, 0, 0]
    assert by_unit["合计"][2:5] == [4, 2, 1]


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
    if not shutil.which("soffice"):
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (apt-get install libreoffice-calc-nogui)")
        pytest.skip("needs LibreOffice (apt-get install libreoffice-calc-nogui)")
    client.force_login(leader)
    urls = {
        "plan": f"/reports/export/project-plan.xlsx?year=2026&plan={portfolio['plan'].pk}",
        "progress": f"/reports/export/progress.xlsx?period={period_of(datetime.date.today())}",
        "ledger": f"/reports/export/proposals.xlsx?session={handled_session.pk}",
        "stats": f"/reports/export/proposal-stats.xlsx?session={handled_session.pk}",
    }
    for name, url in urls.items():
        original = tmp_path / f"{name}.xlsx"
        original.write_bytes(b"".join(client.get(url).streaming_content))
        converted = tmp_path / "converted"
        subprocess.run(
            ["soffice", "--headless", "--norestore", "--convert-to", "xlsx", "--outdir", str(converted), str(original)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        before = rows_of(load_workbook(original).active, first=1)
        after = rows_of(load_workbook(converted / f"{name}.xlsx").active, first=1)
        assert [_comparable(row) for row in after] == [_comparable(row) for row in before], name


def _comparable(row):
    values = [round(value, 6) if isinstance(value, float) else value for value in row]
    while values and values[-1] in (None, ""):
        values.pop()
    return values
