"""Round trips of every resource: export to .xlsx as the list exports do, change some cells as a person would in
Excel, import, and find exactly those changes in the database (and the untouched rows reported as skipped)."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from projects.choices import Health, InvestmentModel, ProjectStatus, ProjectTier, ReportStatus
from projects.models import (
    Funding,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    period_of,
)
from projects.resources import (
    FundingResource,
    IndicatorResource,
    IndicatorValueResource,
    MilestoneResource,
    ProgressReportResource,
    ProjectResource,
)
from proposals.models import Proposal
from proposals.resources import ProposalResource
from proposals.selectors import ledger_proposals
from reports.imports import run_import, template_workbook
from tests.factories import (
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProposalFactory,
    SessionFactory,
)

from .conftest import append_xlsx_row, edit_xlsx, export_xlsx, workbook_bytes

pytestmark = pytest.mark.django_db


def label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def snapshot(queryset, *fields):
    return {row[0]: row[1:] for row in queryset.values_list(*fields)}


def assert_only_changed(before: dict, after: dict, changed: dict):
    """Every row is as before except the keys of ``changed``, which are now as given."""
    assert after.keys() == before.keys() | changed.keys()
    for key, values in after.items():
        assert values == changed.get(key, before.get(key)), key


# --------------------------------------------------------------------------------------------------------------
# Projects
# --------------------------------------------------------------------------------------------------------------

PROJECT_FIELDS = (
    "code",
    "name",
    "domain__name",
    "description",
    "lead_org__name",
    "tier",
    "investment_model",
    "total_investment",
    "planned_start",
    "planned_end",
    "status",
    "is_published",
)


def test_projects_round_trip(portfolio, office_user, unit, other_unit):
    second_plan = PlanFactory(title="智慧水务专项规划", first_year=2026, last_year=2028)
    resource = ProjectResource(year=2026)
    data = export_xlsx(
        resource, Project.objects.with_figures().order_by("code"), title="重大项目计划表", note="单位：万元"
    )

    unchanged = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (unchanged.created, unchanged.updated, unchanged.skipped, unchanged.errors) == (0, 0, 4, [])

    before = snapshot(Project.objects.all(), *PROJECT_FIELDS)
    edited = edit_xlsx(
        data,
        "项目名称",
        "项目编号",
        {
            ("NB2012-KEY-01", "总投资（万元）"): 1500.0,
            ("NB2012-KEY-01", "投资模式"): "PPP",  # the code, not the label
            ("NB2012-KEY-02", "牵头单位"): other_unit.short_name,
            ("NB2012-KEY-02", "领域"): "智慧水务",
            ("NB2012-KEY-03", "所属规划"): f"{portfolio['plan'].title}；{second_plan.title}",
            ("NB2012-KEY-03", "是否公开"): "是",
            ("NB2012-KEY-03", "状态"): "Suspended",  # the English label
        },
    )
    outcome = run_import(key="projects", user=office_user, data=edited, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (0, 3, 1)

    after = snapshot(Project.objects.all(), *PROJECT_FIELDS)
    one, two, three = (before[f"NB2012-KEY-0{n}"] for n in (1, 2, 3))
    one = list(one)
    one[PROJECT_FIELDS.index("total_investment") - 1] = Decimal("1500.00")
    one[PROJECT_FIELDS.index("investment_model") - 1] = InvestmentModel.PPP
    two = list(two)
    two[PROJECT_FIELDS.index("lead_org__name") - 1] = other_unit.name
    two[PROJECT_FIELDS.index("domain__name") - 1] = "智慧水务"
    three = list(three)
    three[PROJECT_FIELDS.index("is_published") - 1] = True
    three[PROJECT_FIELDS.index("status") - 1] = ProjectStatus.SUSPENDED
    assert_only_changed(
        before, after, {"NB2012-KEY-01": tuple(one), "NB2012-KEY-02": tuple(two), "NB2012-KEY-03": tuple(three)}
    )
    assert set(Project.objects.get(code="NB2012-KEY-03").plans.values_list("title", flat=True)) == {
        portfolio["plan"].title,
        second_plan.title,
    }
    assert ProgressReport.objects.count() == 0  # the progress column was left as exported

    changes = {row.label.split()[0]: row.changes for row in outcome.rows if row.action == "update"}
    assert ("总投资（万元）", "1000", "1500") in changes["NB2012-KEY-01"]
    history = Project.history.filter(code="NB2012-KEY-01").order_by("-history_date").first()
    assert history.history_user == office_user
    assert history.total_investment == Decimal("1500.00")


def test_project_export_columns_read_the_list_annotations(portfolio):
    project = portfolio["projects"][0]
    source = FundingSourceFactory(name="市智慧城市专项资金")
    FundingFactory(project=project, source=source, year=2026, planned=Decimal("300.00"))
    FundingFactory(project=project, source=FundingSourceFactory(name="区（县）财政"), year=2026, planned=Decimal("200"))
    FundingFactory(project=project, source=source, year=2027, planned=Decimal("999.00"))
    MilestoneFactory(project=project, name="专家评审", planned_date=datetime.date(2026, 3, 31))
    MilestoneFactory(project=project, name="招投标", planned_date=datetime.date(2026, 6, 30))
    MilestoneFactory(project=project, name="竣工验收", planned_date=datetime.date(2027, 6, 30))

    resource = ProjectResource(year=2026)
    headers = resource.get_export_headers()
    queryset = resource.prepare_export_queryset(Project.objects.with_figures().filter(pk=project.pk))
    row = dict(zip(headers, resource.export_resource(queryset.get()), strict=True))
    figures = Project.objects.with_figures().get(pk=project.pk)
    assert row["序号"] == 1
    assert row["年度计划投资（万元）"] == Decimal("500.00")
    assert row["年度目标"] == "专家评审；招投标"
    assert row["起止年限"] == "2026—2027"
    assert row["健康状态"] == label(Health(figures.health))
    assert row["计划进度（%）"] == round(Decimal(str(figures.planned_progress)), 1)
    assert row["层级"] == label(ProjectTier.KEY)
    assert row["所属规划"] == portfolio["plan"].title
    assert row["是否公开"] == "否"

    # Without annotations or prefetching the same values are computed (with queries of their own).
    plain = dict(
        zip(headers, ProjectResource(year=2026).export_resource(Project.objects.get(pk=project.pk)), strict=True)
    )
    assert {key: value for key, value in plain.items() if key != "序号"} == {
        key: value for key, value in row.items() if key != "序号"
    }


def test_project_export_costs_no_query_per_row(portfolio):
    def queries_for(count):
        resource = ProjectResource(year=2026)
        queryset = resource.prepare_export_queryset(Project.objects.with_figures().order_by("code")[:count])
        with CaptureQueriesContext(connection) as captured:
            list(resource.export_rows(queryset))
        return len(captured)

    assert queries_for(1) == queries_for(4)


# --------------------------------------------------------------------------------------------------------------
# Milestones, funding, progress reports
# --------------------------------------------------------------------------------------------------------------


def test_milestones_round_trip(portfolio, office_user):
    project = portfolio["projects"][0]
    first = MilestoneFactory(project=project, name="方案编制", weight=10, planned_date=datetime.date(2026, 3, 31))
    second = MilestoneFactory(project=project, name="专家评审", weight=10, planned_date=datetime.date(2026, 5, 31))
    MilestoneFactory(project=portfolio["projects"][1], name="方案编制", planned_date=datetime.date(2026, 4, 30))
    resource = MilestoneResource()
    data = export_xlsx(resource, Milestone.objects.order_by("project__code", "planned_date"))
    fields = ("project__code", "name", "weight", "planned_date", "actual_date", "note")
    before = {(row[0], row[1]): row[2:] for row in Milestone.objects.values_list(*fields)}

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        values = dict(zip(headers, (cell for cell in row), strict=True))
        if values["项目编号"].value == project.code and values["节点名称"].value == "方案编制":
            values["实际完成日期"].value = "2026年3月20日"
        if values["项目编号"].value == project.code and values["节点名称"].value == "专家评审":
            values["权重"].value = 15.0
    data = workbook_bytes(workbook)
    data = append_xlsx_row(
        data, "节点名称", {"项目编号": project.code, "节点名称": "招投标", "权重": 20, "计划完成日期": "2026/8/31"}
    )

    outcome = run_import(key="milestones", user=office_user, data=data, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 2, 1)
    after = {(row[0], row[1]): row[2:] for row in Milestone.objects.values_list(*fields)}
    assert_only_changed(
        before,
        after,
        {
            (project.code, "方案编制"): (10, first.planned_date, datetime.date(2026, 3, 20), ""),
            (project.code, "专家评审"): (15, second.planned_date, None, ""),
            (project.code, "招投标"): (20, datetime.date(2026, 8, 31), None, ""),
        },
    )


def test_fundings_round_trip(portfolio, office_user):
    project = portfolio["projects"][0]
    special = FundingSourceFactory(code="city-special", name="市智慧城市专项资金")
    district = FundingSourceFactory(code="district-budget", name="区（县）财政")
    FundingFactory(project=project, source=special, year=2026, planned=Decimal("1000.00"))
    FundingFactory(project=project, source=district, year=2026, planned=Decimal("200.00"))
    resource = FundingResource()
    data = export_xlsx(resource, Funding.objects.order_by("pk"))
    fields = ("project__code", "source__name", "year", "planned", "allocated", "disbursed")
    before = {row[:3]: row[3:] for row in Funding.objects.values_list(*fields)}

    data = edit_xlsx(data, "资金来源", "资金来源", {("市智慧城市专项资金", "到位资金（万元）"): "350"})
    data = append_xlsx_row(
        data,
        "资金来源",
        {"项目编号": project.code, "资金来源": "city-special", "年度": 2027.0, "计划资金（万元）": 1000.0},
    )
    outcome = run_import(key="fundings", user=office_user, data=data, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 1, 1)
    after = {row[:3]: row[3:] for row in Funding.objects.values_list(*fields)}
    assert_only_changed(
        before,
        after,
        {
            (project.code, special.name, 2026): (Decimal("1000.00"), Decimal("400.00"), Decimal("350.00")),
            (project.code, special.name, 2027): (Decimal("1000.00"), Decimal("0.00"), Decimal("0.00")),
        },
    )


def test_progress_reports_round_trip(portfolio, office_user, leader):
    project, other = portfolio["projects"][:2]
    submitted = ProgressReportFactory(project=project, period="2026-04", progress=Decimal("30.0"))
    approved = ProgressReportFactory(project=other, period="2026-04", status=ReportStatus.APPROVED, reviewer=leader)
    resource = ProgressReportResource()
    data = export_xlsx(resource, ProgressReport.objects.order_by("project__code"))
    with translation.override("zh-hans"):
        sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
        column = [cell.value for cell in sheet[1]].index("状态") + 1
        status_labels = [row[0].value for row in sheet.iter_rows(min_row=2, min_col=column, max_col=column)]
    assert status_labels == [label(ReportStatus.SUBMITTED), label(ReportStatus.APPROVED)]

    data = edit_xlsx(
        data, "报告期", "项目编号", {(project.code, "形象进度（%）"): 35.0, (project.code, "报告期"): "2026/04"}
    )
    data = append_xlsx_row(
        data,
        "报告期",
        {"项目编号": project.code, "报告期": "2026年3月", "形象进度（%）": 20, "本期进展": "完成方案编制。"},
    )
    outcome = run_import(key="reports", user=office_user, data=data, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 1, 1)
    submitted.refresh_from_db()
    assert (submitted.progress, submitted.status, submitted.submitted_by) == (
        Decimal("35.0"),
        ReportStatus.SUBMITTED,
        office_user,
    )
    new = ProgressReport.objects.get(project=project, period="2026-03")
    assert (new.progress, new.summary, new.submitted_by, new.status) == (
        Decimal("20.0"),
        "完成方案编制。",
        office_user,
        ReportStatus.SUBMITTED,
    )
    approved_before = approved.last_updated
    approved.refresh_from_db()
    assert approved.last_updated == approved_before
    assert new.history.first().history_user == office_user


def test_an_approved_report_cannot_be_changed(portfolio, office_user, leader):
    report = ProgressReportFactory(project=portfolio["projects"][0], status=ReportStatus.APPROVED, reviewer=leader)
    data = export_xlsx(ProgressReportResource(), ProgressReport.objects.all())
    data = edit_xlsx(data, "报告期", "项目编号", {(report.project.code, "形象进度（%）"): 90})
    outcome = run_import(key="reports", user=office_user, data=data, dry_run=False)
    assert [(error.row, error.field) for error in outcome.errors] == [(2, "")]
    report.refresh_from_db()
    assert report.progress == Decimal("40.0")


# --------------------------------------------------------------------------------------------------------------
# Targets and their values
# --------------------------------------------------------------------------------------------------------------


def test_indicators_round_trip(portfolio, office_user, unit, other_unit):
    plan = portfolio["plan"]
    fibre = IndicatorFactory(
        plan=plan, goal="信息基础设施", name="光纤宽带覆盖", unit="万户", target=Decimal("150"), responsible_org=unit
    )
    fibre.cooperating_orgs.add(other_unit)
    IndicatorValueFactory(indicator=fibre, period="2026-03", value=Decimal("120"))
    trade = IndicatorFactory(
        plan=plan, name="电子商务交易额", unit="亿元", target=Decimal("1400"), responsible_org=unit
    )
    resource = IndicatorResource()
    data = export_xlsx(resource, Indicator.objects.with_attainment().order_by("pk"))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    headers = [cell.value for cell in workbook.worksheets[0][1]]
    first = dict(zip(headers, [cell.value for cell in workbook.worksheets[0][2]], strict=True))
    assert (first["当前值"], first["完成率"], first["配合单位"]) == (120, 80, other_unit.name)

    fields = ("plan__title", "name", "goal", "unit", "target", "baseline", "responsible_org__name", "deadline")
    before = {row[:2]: row[2:] for row in Indicator.objects.values_list(*fields)}
    data = edit_xlsx(
        data,
        "指标",
        "指标",
        {
            ("电子商务交易额", "目标值"): 1500,
            ("电子商务交易额", "完成时限"): "2026年底",
            ("电子商务交易额", "配合单位"): f"{unit.short_name}、{other_unit.name}",
            ("光纤宽带覆盖", "当前值"): 999,  # export-only: ignored
        },
    )
    data = append_xlsx_row(
        data,
        "指标",
        {"指标": "新认定电子商务示范企业", "单位": "家", "目标值": 10, "责任单位": unit.name, "所属规划": plan.title},
    )
    outcome = run_import(key="indicators", user=office_user, data=data, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 1, 1)
    after = {row[:2]: row[2:] for row in Indicator.objects.values_list(*fields)}
    assert_only_changed(
        before,
        after,
        {
            (plan.title, "电子商务交易额"): ("", "亿元", Decimal("1500"), None, unit.name, datetime.date(2026, 12, 31)),
            (plan.title, "新认定电子商务示范企业"): ("", "家", Decimal("10"), None, unit.name, None),
        },
    )
    trade.refresh_from_db()
    assert set(trade.cooperating_orgs.all()) == {unit, other_unit}
    assert IndicatorValue.objects.get(indicator=fibre).value == Decimal("120")


def test_indicator_values_round_trip(portfolio, office_user, unit):
    plan = portfolio["plan"]
    other_plan = PlanFactory(title="智慧镇海建设规划纲要")
    fibre = IndicatorFactory(plan=plan, name="光纤宽带覆盖", target=Decimal("150"), responsible_org=unit)
    same_name = IndicatorFactory(plan=other_plan, name="光纤宽带覆盖", target=Decimal("30"), responsible_org=unit)
    IndicatorValueFactory(indicator=fibre, period="2026-03", value=Decimal("120"))
    IndicatorValueFactory(indicator=same_name, period="2026-03", value=Decimal("20"))
    data = export_xlsx(IndicatorValueResource(), IndicatorValue.objects.order_by("pk"))
    fields = ("indicator__plan__title", "indicator__name", "period", "value", "note")
    before = {row[:3]: row[3:] for row in IndicatorValue.objects.values_list(*fields)}

    data = edit_xlsx(data, "实际值", "所属规划", {(plan.title, "实际值"): 125.5})
    data = append_xlsx_row(
        data, "实际值", {"所属规划": other_plan.title, "指标": "光纤宽带覆盖", "报告期": "2026年5月", "实际值": 25}
    )
    outcome = run_import(key="indicator-values", user=office_user, data=data, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 1, 1)
    after = {row[:3]: row[3:] for row in IndicatorValue.objects.values_list(*fields)}
    assert_only_changed(
        before,
        after,
        {
            (plan.title, "光纤宽带覆盖", "2026-03"): (Decimal("125.5"), ""),
            (other_plan.title, "光纤宽带覆盖", "2026-05"): (Decimal("25"), ""),
        },
    )


# --------------------------------------------------------------------------------------------------------------
# Proposals
# --------------------------------------------------------------------------------------------------------------


def test_proposals_round_trip(committee_user):
    session = SessionFactory()
    first = ProposalFactory(session=session, number="027", proposers=["储建华", "王明"])
    ProposalFactory(session=session, number="028", proposers=["民革市委会"])
    resource = ProposalResource()
    data = export_xlsx(resource, ledger_proposals().order_by("number"))
    fields = ("session__name", "number", "title", "content", "suggestions", "submitted_on", "status")
    before = {row[:2]: row[2:] for row in Proposal.objects.values_list(*fields)}

    data = edit_xlsx(
        data,
        "编号",
        "编号",
        {("027", "标题"): "关于加快智慧城市建设的建议", ("027", "提案人"): "王明、储建华、李华"},
    )
    data = append_xlsx_row(
        data,
        "编号",
        {
            "届次": session.name,
            "编号": "029",
            "标题": "关于推进数据共享的建议",
            "提案人": "张伟",
            "提交日期": datetime.datetime(2026, 1, 13),
            "提案内容": "部门之间数据不通。",
            "建议": "建设共享交换平台。",
        },
    )
    outcome = run_import(key="proposals", user=committee_user, data=data, dry_run=False)
    assert outcome.errors == []
    assert (outcome.created, outcome.updated, outcome.skipped) == (1, 1, 1)
    after = {row[:2]: row[2:] for row in Proposal.objects.values_list(*fields)}
    changed_first = list(before[session.name, "027"])
    changed_first[0] = "关于加快智慧城市建设的建议"
    assert_only_changed(
        before,
        after,
        {
            (session.name, "027"): tuple(changed_first),
            (session.name, "029"): (
                "关于推进数据共享的建议",
                "部门之间数据不通。",
                "建设共享交换平台。",
                datetime.date(2026, 1, 13),
                "submitted",
            ),
        },
    )
    first.refresh_from_db()
    assert first.proposer_names == "王明、储建华、李华"
    created = Proposal.objects.get(number="029")
    assert created.proposer_names == "张伟"
    assert created.events.get().actor == committee_user
    assert created.history.first().history_user == committee_user


def test_proposal_export_reads_the_ledger_prefetches(committee_user):
    from proposals import services

    session = SessionFactory()
    unit = OrganizationFactory(name="镇海区经信局")
    proposal = ProposalFactory(session=session, number="001")
    services.proposal_file(actor=committee_user, proposal=proposal)
    services.proposal_assign(
        actor=committee_user, proposal=proposal, lead_unit=unit, assigned_on=datetime.date(2026, 2, 1)
    )
    resource = ProposalResource()
    headers = resource.get_export_headers()

    def export(count):
        queryset = resource.prepare_export_queryset(ledger_proposals().order_by("number")[:count])
        with CaptureQueriesContext(connection) as captured:
            rows = [dict(zip(headers, values, strict=True)) for values in resource.export_rows(queryset)]
        return rows, len(captured)

    ProposalFactory(session=session, number="002")
    rows, one = export(1)
    _rows, two = export(2)
    assert one == two
    row = rows[0]
    with translation.override("zh-hans"):
        assert row["状态"] == str(Proposal.objects.get(number="001").get_status_display())
    assert row["承办单位"].startswith("镇海区经信局")
    assert row["交办日期"] == datetime.date(2026, 2, 1)
    assert row["答复日期"] is None
    assert row["办理天数"] == (timezone.localdate() - datetime.date(2026, 2, 1)).days


# --------------------------------------------------------------------------------------------------------------
# The template
# --------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["projects", "milestones", "fundings", "reports", "indicators", "indicator-values"])
def test_template_has_the_headers_a_sample_and_instructions(key, portfolio, office_user):
    FundingSourceFactory(name="市智慧城市专项资金")
    IndicatorFactory(plan=portfolio["plan"], name="光纤宽带覆盖")
    from reports.imports import RESOURCES

    resource_class = RESOURCES[key]
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_bytes(template_workbook(key))))
    assert workbook.sheetnames[1] == "填写说明"
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == resource_class.import_headers()
    assert any(cell.value not in (None, "") for cell in sheet[2])
    notes = workbook["填写说明"]
    listed = [row[0].value for row in notes.iter_rows(min_row=4)]
    assert listed == resource_class.all_headers()


def test_template_lists_the_allowed_values_and_its_sample_imports(portfolio, office_user):
    workbook = template_workbook("projects")
    data = workbook_bytes(workbook)
    notes = {row[0].value: row for row in openpyxl.load_workbook(io.BytesIO(data))["填写说明"].iter_rows(min_row=4)}
    assert label(ProjectStatus.IN_PROGRESS) in notes["状态"][3].value
    assert "智慧交通" in notes["领域"][3].value
    assert portfolio["projects"][0].lead_org.name in notes["牵头单位"][3].value
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=True)
    assert (outcome.created, outcome.errors) == (1, [])
    assert Project.objects.count() == 4


def test_progress_import_files_an_approved_report_for_this_month(portfolio, office_user):
    project = portfolio["projects"][0]
    data = export_xlsx(ProjectResource(), Project.objects.with_figures().filter(pk=project.pk))
    data = edit_xlsx(data, "项目名称", "项目编号", {(project.code, "当前进度（%）"): 62.5})
    outcome = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (outcome.updated, outcome.errors) == (1, [])
    report = ProgressReport.objects.get(project=project)
    assert report.period == period_of(timezone.localdate())
    assert (report.progress, report.status, report.submitted_by, report.reviewer) == (
        Decimal("62.5"),
        ReportStatus.APPROVED,
        office_user,
        office_user,
    )
    assert report.reviewed_at is not None and report.submitted_at is not None
    assert Project.objects.with_figures().get(pk=project.pk).progress == 62.5
    assert report.history.first().history_user == office_user

    # The same figure again (33.33 shown as 33.3 would also be within 0.05) changes nothing.
    again = run_import(key="projects", user=office_user, data=data, dry_run=False)
    assert (again.updated, again.skipped) == (0, 1)
    assert ProgressReport.objects.count() == 1
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("resource_class", "queryset"),
    [
        (MilestoneResource, lambda: Milestone.objects.with_lateness().select_related("project", "project__lead_org")),
        (FundingResource, lambda: Funding.objects.all()),
        (ProgressReportResource, lambda: ProgressReport.objects.select_related("project", "project__lead_org")),
        (IndicatorResource, lambda: Indicator.objects.with_attainment().select_related("plan", "responsible_org")),
        (IndicatorValueResource, lambda: IndicatorValue.objects.all()),
    ],
)
def test_exports_cost_no_query_per_row(resource_class, queryset, portfolio, unit):
    for number, project in enumerate(portfolio["projects"]):
        MilestoneFactory(project=project, name="方案编制")
        FundingFactory(project=project, source=FundingSourceFactory(name=f"来源{number}"))
        ProgressReportFactory(project=project, period="2026-02")
        indicator = IndicatorFactory(plan=portfolio["plan"], responsible_org=unit)
        indicator.cooperating_orgs.add(unit)
        IndicatorValueFactory(indicator=indicator)

    def queries_for(count):
        resource = resource_class()
        rows = resource.prepare_export_queryset(queryset().order_by("pk")[:count])
        with CaptureQueriesContext(connection) as captured:
            exported = list(resource.export_rows(rows))
        assert all(len(row) == len(resource.get_export_headers()) for row in exported)
        return len(captured)

    assert queries_for(1) == queries_for(3)


def test_the_resources_own_export_computes_the_figures(portfolio):
    dataset = ProjectResource(year=2026).export()
    assert dataset.headers == ProjectResource.all_headers()
    assert len(dataset) == 4
    with translation.override("zh-hans"):
        labels = {str(label) for label in Health.labels}
    assert {row[dataset.headers.index("健康状态")] for row in dataset} <= labels
    assert [row[0] for row in dataset] == [1, 2, 3, 4]


def test_export_rows_numbers_the_rows_of_an_iterator(portfolio):
    resource = ProjectResource(year=2026)
    queryset = resource.prepare_export_queryset(Project.objects.with_figures().order_by("code"))
    rows = list(resource.export_rows(queryset.iterator(chunk_size=2)))
    assert [row[0] for row in rows] == [1, 2, 3, 4]
    assert [row[1] for row in rows] == ["NB2012-KEY-01", "NB2012-KEY-02", "NB2012-KEY-03", "NB2012-KEY-04"]
    assert next(resource.export_rows(queryset))[0] == 1  # numbering starts again
