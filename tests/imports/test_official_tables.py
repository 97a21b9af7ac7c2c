"""The office's official tables, as the app itself writes them (``reports.exports``), import back: unchanged rows
are skipped, titles, notes, group headings and totals are passed over, and a month or session named in the title
stands for the missing column."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from projects.choices import ReportStatus
from projects.models import Milestone, ProgressReport, Project, period_of
from proposals.models import Proposal
from reports import exports
from reports.imports import run_import
from tests.factories import (
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProposalFactory,
    SessionFactory,
)

from .conftest import header_row_of, workbook_bytes

pytestmark = pytest.mark.django_db


def test_the_official_project_plan_imports_back(portfolio, office_user):
    project = portfolio["projects"][0]
    FundingFactory(project=project, source=FundingSourceFactory(name="市智慧城市专项资金"), year=2026)
    MilestoneFactory(project=project, name="专家评审", planned_date=datetime.date(2026, 3, 31))
    data = workbook_bytes(exports.project_plan(2026))

    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (0, 0, 4, [])
    assert outcome.header_row == 3
    assert len(outcome.passed_over) == 3  # the group heading, its subtotal and the total

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = header_row_of(sheet, "项目名称")
    columns = {cell.value: cell.column for cell in sheet[header]}
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.cell(row, columns["项目编号"]).value == project.code:
            sheet.cell(row, columns["当前进度（%）"], 55)
    outcome = run_import(key="projects", user=office_user, data=workbook_bytes(workbook), dry_run=False)
    assert (outcome.updated, outcome.skipped, outcome.errors) == (1, 3, [])
    assert Project.objects.with_figures().get(pk=project.pk).progress == 55.0
    assert Milestone.objects.count() == 1


def test_the_official_target_table_imports_back(portfolio, office_user, unit, other_unit):
    indicator = IndicatorFactory(
        plan=portfolio["plan"], name="光纤宽带覆盖", target=Decimal("150"), responsible_org=unit
    )
    indicator.cooperating_orgs.add(other_unit)
    IndicatorValueFactory(indicator=indicator, value=Decimal("120"))
    IndicatorFactory(plan=portfolio["plan"], name="电子商务交易额", target=Decimal("1400"), responsible_org=unit)
    data = workbook_bytes(exports.targets(portfolio["plan"]))
    outcome = run_import(key="indicators", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (0, 0, 2, [])


def test_the_official_progress_table_imports_back_with_its_month_from_the_title(portfolio, office_user, leader):
    period = period_of(timezone.localdate())
    first, second = portfolio["projects"][:2]
    ProgressReportFactory(project=first, period=period, status=ReportStatus.APPROVED, reviewer=leader)
    ProgressReportFactory(project=second, period=period, progress=Decimal("20.0"))
    data = workbook_bytes(exports.progress_report(period))
    outcome = run_import(key="reports", user=office_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (0, 0, 2, [])
    assert outcome.constants == {"报告期": period}
    assert len(outcome.passed_over) == 4  # the two projects that did not report (未报送), the subtotal, the total

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header = header_row_of(sheet, "项目名称")
    columns = {cell.value: cell.column for cell in sheet[header]}
    for row in range(header + 1, sheet.max_row + 1):
        if sheet.cell(row, columns["项目编号"]).value == second.code:
            sheet.cell(row, columns["形象进度（%）"], 25)
    outcome = run_import(key="reports", user=office_user, data=workbook_bytes(workbook), dry_run=False)
    assert (outcome.updated, outcome.errors) == (1, [])
    assert ProgressReport.objects.get(project=second).progress == Decimal("25.0")


def test_the_official_ledger_imports_back_with_its_session_from_the_title(committee_user):
    session = SessionFactory()
    SessionFactory(name="十五届五次", year=2027)
    ProposalFactory(session=session, number="027", proposers=["储建华", "王明"])
    ProposalFactory(session=session, number="028", proposers=["民革市委会"])
    data = workbook_bytes(exports.proposal_ledger(session))
    outcome = run_import(key="proposals", user=committee_user, data=data, dry_run=False)
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (0, 0, 2, [])
    assert outcome.constants == {"届次": session.name}
    assert Proposal.objects.count() == 2
