"""Files as they come to the office: the printed 重大项目计划表 layout, CSV from Chinese Windows Excel (GBK) or with a
byte order mark, bad rows, and every kind of bad file, which must give a clear message and never a server error."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone, translation

from common.spreadsheets.files import ImportFileError
from common.spreadsheets.reading import read_table
from projects.choices import ProjectStatus, ProjectTier, ReportStatus
from projects.models import Milestone, ProgressReport, Project, period_of
from projects.resources import ProjectResource
from reports.imports import run_import
from tests.factories import MilestoneFactory, ProjectFactory

from .conftest import csv_bytes, export_xlsx, table_xlsx, workbook_bytes

pytestmark = pytest.mark.django_db

PLAN_HEADERS = ProjectResource.all_headers()


def plan_table(portfolio, extra_rows=()):
    """The office's 重大项目计划表: title, note, group headings, the projects, subtotals and a total."""
    resource = ProjectResource(year=2026)
    queryset = resource.prepare_export_queryset(Project.objects.with_figures().order_by("code"))
    rows = {project.code: values for project, values in zip(queryset, resource.export_rows(queryset), strict=True)}
    money = PLAN_HEADERS.index("总投资（万元）")

    def subtotal(label, codes):
        values = [None] * len(PLAN_HEADERS)
        values[PLAN_HEADERS.index("领域")] = label
        values[money] = sum(rows[code][money] for code in codes)
        return ("total", values)

    def heading(text):
        return [text] + [None] * (len(PLAN_HEADERS) - 1)

    first, second = sorted(rows)[:3], sorted(rows)[3:]
    body = [
        heading("一、城市管理与服务"),
        *(rows[code] for code in first),
        subtotal("小计", first),
        heading("二、智慧水利"),
        *(rows[code] for code in second),
        *extra_rows,
        subtotal("小计", second),
        subtotal("合计", sorted(rows)),
    ]
    kinds = {column.header: column.kind for column in resource.get_export_columns()}
    return table_xlsx(PLAN_HEADERS, body, title="2026年度智慧城市建设重大项目计划表", note="单位：万元", kinds=kinds)


def test_the_major_project_plan_table_imports(portfolio, office_user, unit):
    for number in (5, 6):
        project = ProjectFactory(code=f"NB2012-KEY-0{number}", domain=portfolio["water"], lead_org=unit)
        project.plans.add(portfolio["plan"])
    data = plan_table(portfolio)
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    assert sheet["A1"].value == "2026年度智慧城市建设重大项目计划表" and sheet["A2"].value == "单位：万元"
    header_row = 3
    columns = {cell.value: cell.column for cell in sheet[header_row]}
    rows = {sheet.cell(row, columns["项目编号"]).value: row for row in range(header_row + 1, sheet.max_row + 1)}
    progress = {"NB2012-KEY-01": 25.0, "NB2012-KEY-03": 40.5, "NB2012-KEY-05": 70}
    for code, value in progress.items():
        sheet.cell(rows[code], columns["当前进度（%）"], value)
    # One new project, typed into the second group above its subtotal: no code, years instead of dates.
    new_row = rows["NB2012-KEY-06"] + 1
    sheet.insert_rows(new_row)
    for header, value in {
        "领域": "智慧水务",
        "项目名称": "城市防汛预警系统",
        "建设内容": "建设积水监测点和预警发布平台。",
        "牵头单位": unit.short_name,
        "层级": "重点推进工程",
        "总投资（万元）": 800,
        "起止年限": "2026—2027",
        "所属规划": portfolio["plan"].title,
    }.items():
        sheet.cell(new_row, columns[header], value)
    data = workbook_bytes(workbook)

    before = {p.code: (p.name, p.total_investment, p.status) for p in Project.objects.all()}
    preview = run_import(key="projects", user=office_user, data=data, dry_run=True)
    assert preview.errors == []
    assert (preview.created, preview.updated, preview.skipped) == (1, 3, 3)
    assert preview.header_row == 3
    assert len(preview.passed_over) == 5  # two group headings, two subtotals, the total
    assert Project.objects.count() == 6 and ProgressReport.objects.count() == 0

    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (1, 3, 3, [])
    figures = {p.code: p for p in Project.objects.with_figures()}
    assert {code: figures[code].progress for code in progress} == {code: float(v) for code, v in progress.items()}
    for code, (name, money, status) in before.items():
        assert (figures[code].name, figures[code].total_investment, figures[code].status) == (name, money, status)
        if code not in progress:
            assert figures[code].progress == 0.0
    reports = ProgressReport.objects.order_by("project__code")
    assert [(r.project.code, r.period, r.status) for r in reports] == [
        (code, period_of(timezone.localdate()), ReportStatus.APPROVED) for code in sorted(progress)
    ]
    new = figures["NB2012-KEY-07"]
    assert (new.name, new.lead_org, new.domain, new.tier, new.total_investment) == (
        "城市防汛预警系统",
        unit,
        portfolio["water"],
        ProjectTier.KEY,
        Decimal("800.00"),
    )
    assert (new.planned_start, new.planned_end) == (datetime.date(2026, 1, 1), datetime.date(2027, 12, 31))
    assert list(new.plans.all()) == [portfolio["plan"]]
    assert new.history.first().history_user == office_user


def test_years_keep_the_exact_dates_while_they_still_match(portfolio, office_user):
    project = portfolio["projects"][0]  # 2026-01-01 … 2027-06-30
    headers = ["项目编号", "项目名称", "起止年限"]
    same = table_xlsx(headers, [[project.code, project.name, "2026—2027"]])
    assert run_import(key="projects", user=office_user, data=same, dry_run=False).skipped == 1
    moved = table_xlsx(headers, [[project.code, project.name, "2026-2028"]])
    outcome = run_import(key="projects", user=office_user, data=moved, dry_run=False)
    assert (outcome.updated, outcome.errors) == (1, [])
    project.refresh_from_db()
    assert (project.planned_start, project.planned_end) == (datetime.date(2026, 1, 1), datetime.date(2028, 12, 31))


def test_a_file_without_codes_matches_projects_by_name(portfolio, office_user):
    data = table_xlsx(["项目名称", "总投资（万元）"], [["智慧水务一期", 1234], ["智慧交通信号优化", 2000]])
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (0, 1, 1, [])
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1234.00")


def test_new_codes_follow_the_portfolio_pattern(portfolio, office_user, unit):
    ProjectFactory(code="DG-09", tier=ProjectTier.PILOT)
    headers = ["项目编号", "领域", "项目名称", "牵头单位", "层级", "起止年限", "所属规划"]
    plan = portfolio["plan"].title
    data = table_xlsx(
        headers,
        [
            [None, "智慧水务", "新项目甲", unit.name, "重点推进工程", "2026", plan],
            [None, "智慧水务", "新项目乙", unit.name, "重点推进工程", "2026", plan],
            [None, "智慧水务", "新项目丙", unit.name, "试点推进工程", "2026", None],
        ],
    )
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert outcome.errors == []
    codes = dict(Project.objects.filter(name__startswith="新项目").values_list("name", "code"))
    assert codes == {"新项目甲": "NB2012-KEY-05", "新项目乙": "NB2012-KEY-06", "新项目丙": "DG-10"}


# --------------------------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------------------------

REPORT_HEADERS = ["项目编号", "报告期", "形象进度（%）", "本期完成投资（万元）", "本期进展", "存在问题", "下步计划"]


def test_a_gbk_csv_of_progress_reports_from_a_liaison_imports(portfolio, liaison):
    period = period_of(timezone.localdate())
    rows = [
        ["NB2012-KEY-01", period, "45", "120.5", "完成招投标，签订合同。", "资金到位偏慢", "开工建设"],
        ["NB2012-KEY-02", "2026/3", "30.0", "0", "完成方案编制。", "", ""],
    ]
    data = csv_bytes(REPORT_HEADERS, rows, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    preview = run_import(key="reports", user=liaison, data=data, dry_run=True)
    assert (preview.created, preview.errors, preview.encoding) == (2, [], "GBK")
    outcome = run_import(key="reports", user=liaison, data=data, dry_run=False)
    assert (outcome.created, outcome.errors) == (2, [])
    report = ProgressReport.objects.get(project__code="NB2012-KEY-01")
    assert (report.period, report.progress, report.investment_completed, report.summary, report.problems) == (
        period,
        Decimal("45.0"),
        Decimal("120.50"),
        "完成招投标，签订合同。",
        "资金到位偏慢",
    )
    assert (report.status, report.submitted_by) == (ReportStatus.SUBMITTED, liaison)
    assert report.history.first().history_user == liaison
    assert ProgressReport.objects.get(project__code="NB2012-KEY-02").period == "2026-03"


def test_a_liaisons_row_for_another_units_project_is_an_error(portfolio, liaison):
    rows = [
        ["NB2012-KEY-01", "2026-03", "45", "0", "完成招投标。", "", ""],
        [portfolio["foreign"].code, "2026-03", "45", "0", "完成招投标。", "", ""],
    ]
    outcome = run_import(key="reports", user=liaison, data=csv_bytes(REPORT_HEADERS, rows), dry_run=False)
    assert [(error.row, error.field) for error in outcome.errors] == [(3, "项目编号")]
    assert not outcome.written
    assert ProgressReport.objects.count() == 0


def test_a_utf8_csv_with_bom_imports(portfolio, office_user):
    project = portfolio["projects"][0]
    MilestoneFactory(project=project, name="方案编制", planned_date=datetime.date(2026, 3, 31))
    headers = ["项目编号", "节点名称", "权重", "计划完成日期", "实际完成日期"]
    rows = [
        [project.code, "方案编制", "10", "2026-03-31", "2026年3月28日"],
        [project.code, "招投标", "15", "2026/7/1", ""],
    ]
    data = csv_bytes(headers, rows, encoding="utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    outcome = run_import(key="milestones", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.errors, outcome.encoding) == (1, 1, [], "UTF-8")
    assert Milestone.objects.get(name="方案编制").actual_date == datetime.date(2026, 3, 28)
    assert Milestone.objects.get(name="招投标").planned_date == datetime.date(2026, 7, 1)


def test_a_csv_written_by_our_exports_loses_its_formula_guard(portfolio, office_user):
    project = portfolio["projects"][0]
    data = csv_bytes(["项目编号", "项目名称", "建设内容"], [[project.code, project.name, "'=不是公式"]])
    assert run_import(key="projects", user=office_user, data=data, dry_run=False).updated == 1
    project.refresh_from_db()
    assert project.description == "=不是公式"


# --------------------------------------------------------------------------------------------------------------
# Bad rows: nothing is written, and each error names its row and column
# --------------------------------------------------------------------------------------------------------------


def test_one_bad_row_writes_nothing_and_names_the_row_and_column(portfolio, office_user):
    data = export_xlsx(
        ProjectResource(), Project.objects.with_figures().order_by("code"), title="计划表", note="单位：万元"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    columns = {cell.value: cell.column for cell in sheet[3]}
    sheet.cell(4, columns["总投资（万元）"], 5000)  # a good change
    sheet.cell(6, columns["牵头单位"], "不存在的单位")
    sheet.cell(6, columns["计划开始"], "2026-13-01")
    outcome = run_import(key="projects", user=office_user, data=workbook_bytes(workbook), dry_run=False)
    assert not outcome.written
    assert [(error.row, error.field) for error in outcome.errors] == [(6, "牵头单位"), (6, "计划开始")]
    with translation.override("en"):
        outcome = run_import(key="projects", user=office_user, data=workbook_bytes(workbook), dry_run=False)
    assert "不存在的单位" in outcome.errors[0].message
    assert "2026-13-01" in outcome.errors[1].message
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")


def test_new_rows_need_their_required_columns(portfolio, office_user):
    data = table_xlsx(["项目编号", "项目名称", "领域"], [[None, "没有单位的项目", "智慧水务"]])
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=True)
    assert {error.field for error in outcome.errors} == {"牵头单位", "计划开始", "计划完成"}
    assert {error.row for error in outcome.errors} == {2}


def test_a_row_repeated_in_the_file_is_an_error(portfolio, office_user):
    project = portfolio["projects"][0]
    data = table_xlsx(["项目编号", "总投资（万元）"], [[project.code, 1], [project.code, 2]])
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert [error.row for error in outcome.errors] == [3]
    assert Project.objects.get(pk=project.pk).total_investment == Decimal("1000.00")


def test_a_completed_project_cannot_be_set_below_100(portfolio, office_user):
    project = portfolio["projects"][0]
    Project.objects.filter(pk=project.pk).update(status=ProjectStatus.COMPLETED)
    data = table_xlsx(["项目编号", "当前进度（%）"], [[project.code, 80]])
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=True)
    assert [(error.row, error.field) for error in outcome.errors] == [(2, "当前进度（%）")]


@pytest.mark.parametrize(
    "typed",
    [
        "2026-11-21",
        "2026/11/21",
        "2026年11月21日",
        "2026.11.21",
        "２０２６年１１月２１日",
        datetime.datetime(2026, 11, 21),
    ],
)
def test_dates_in_every_usual_spelling(portfolio, office_user, typed):
    project = portfolio["projects"][0]
    data = table_xlsx(["项目编号", "计划完成"], [[project.code, typed]])
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (outcome.updated, outcome.errors) == (1, [])
    project.refresh_from_db()
    assert project.planned_end == datetime.date(2026, 11, 21)


@pytest.mark.parametrize("typed", ["2026-03", "2026/3", "2026年3月", "202603", datetime.datetime(2026, 3, 1)])
def test_periods_in_every_usual_spelling(portfolio, office_user, typed):
    data = table_xlsx(REPORT_HEADERS, [["NB2012-KEY-01", typed, 10, 0, "开工。", "", ""]])
    outcome = run_import(key="reports", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.errors) == (1, [])
    assert ProgressReport.objects.get().period == "2026-03"


def test_a_future_period_is_refused(portfolio, office_user):
    future = timezone.localdate() + datetime.timedelta(days=62)
    data = table_xlsx(REPORT_HEADERS, [["NB2012-KEY-01", period_of(future), 10, 0, "开工。", "", ""]])
    outcome = run_import(key="reports", user=office_user, data=data, dry_run=True)
    assert [(error.row, error.field) for error in outcome.errors] == [(2, "报告期")]


# --------------------------------------------------------------------------------------------------------------
# Bad files: a clear message, never a server error
# --------------------------------------------------------------------------------------------------------------


def file_error(data, key="projects", resource=ProjectResource) -> str:
    with translation.override("en"), pytest.raises(ImportFileError) as raised:
        read_table(data, resource)
    return raised.value.message


def test_not_a_spreadsheet(db):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    assert "not a spreadsheet" in file_error(png)
    assert "not a spreadsheet" in file_error(b"%PDF-1.7\n" + b"\x00\x01" * 100)


def test_a_password_protected_or_old_excel_file(db):
    ole2 = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 512
    message = file_error(ole2)
    assert "password" in message and ".xls" in message


def test_a_corrupt_workbook(portfolio):
    data = export_xlsx(ProjectResource(), Project.objects.with_figures())
    assert "cannot be opened" in file_error(data[: len(data) // 2])
    assert "cannot be opened" in file_error(b"PK\x03\x04" + b"garbage" * 20)


def test_an_empty_file(db):
    assert "empty" in file_error(b"")
    assert "empty" in file_error(b"\xef\xbb\xbf\r\n,,\r\n")
    assert "empty" in file_error(workbook_bytes(openpyxl.Workbook()))


def test_an_oversized_file(db, settings):
    settings.IMPORT_MAX_BYTES = 1000
    message = file_error(b"a" * 1001)
    assert "1001" in message and "1000" in message


def test_missing_or_wrong_headers_are_named(db):
    message = file_error(csv_bytes(["名称", "金额"], [["甲", "1"]]))
    assert "No header row" in message and "项目名称" in message

    from projects.resources import ProgressReportResource

    lacking = csv_bytes(["项目编号", "形象进度（%）", "进度说明"], [["P1", "10", "x"]])
    message = file_error(lacking, resource=ProgressReportResource)
    assert "报告期" in message and "进度说明" in message


def test_a_header_row_without_rows_under_it(db):
    assert "no rows to import" in file_error(csv_bytes(["项目编号", "项目名称"], []))


def test_a_formula_where_a_number_belongs_names_the_cell(portfolio, office_user):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["重大项目计划表"])
    sheet.append(["项目编号", "项目名称", "总投资（万元）"])
    sheet.append(["NB2012-KEY-01", "智慧水务一期", "=B9*2"])
    sheet.append([None, "合计", "=SUM(C3:C3)"])  # a total row: passed over, formula and all
    with translation.override("en"):
        outcome = run_import(key="projects", user=office_user, data=workbook_bytes(workbook), dry_run=False)
    assert [(error.row, error.field) for error in outcome.errors] == [(3, "总投资（万元）")]
    assert "C3" in outcome.errors[0].message
    assert not outcome.written


def test_bad_numbers_and_choices_are_named(portfolio, office_user):
    project = portfolio["projects"][0]
    data = table_xlsx(["项目编号", "总投资（万元）", "状态", "是否公开"], [[project.code, "一千", "差不多", "也许"]])
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=True)
    assert [error.field for error in outcome.errors] == ["总投资（万元）", "状态", "是否公开"]
