"""The official tables the office hands in, as Excel workbooks (see DOMAIN.md, "What the office hands in").

Each function takes what the table is for (a year, a plan, a period, a session) and returns a write-only workbook:
a title row, a line with the compiling office, the date and the unit of money, the header row, the rows, and the
subtotals and totals. Texts in the files are Chinese whatever the reader's language: they
are filed with superiors as they are.
"""

import calendar
import datetime

from django.conf import settings
from django.db.models import Count, DecimalField, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation

from common.bounds import money_sum
from common.db import DaysBetween
from common.xlsx import Column, Sheet, fitted_widths, new_workbook
from projects.choices import DomainGroup, Health, ProjectStatus, ReportStatus
from projects.models import Funding, Indicator, Plan, ProgressReport, Project
from projects.resources import ProjectResource
from proposals.choices import AssignmentRole, Satisfaction
from proposals.models import Assignment, Feedback, Proposal, Reply, Session, Signature

from . import selectors


def _note(*parts: str) -> str:
    today = timezone.localdate()
    return "    ".join([f"编制单位：{settings.OFFICE['NAME']}", f"日期：{today:%Y年%m月%d日}", *parts])


def _place() -> str:
    return settings.OFFICE["PLACE"]


def _table(title: str, sheet_title: str, columns: list[Column], rows: list[tuple[list, str]], note: str):
    """A workbook of one sheet from rows already read (the official tables are some hundred rows at most, so the
    columns can be fitted to what they hold). ``rows`` are (values, style) pairs."""
    workbook = new_workbook()
    sheet = Sheet(workbook, sheet_title, columns, widths=fitted_widths(columns, [values for values, _ in rows]))
    sheet.heading(title, note)
    for values, style in rows:
        sheet.row(values, style)
    return workbook


# 重大项目计划表

CHINESE_ORDINALS = "一二三四五六七八九十"

PLAN_COLUMNS = [
    Column("序号", "integer", 6),
    Column("领域", width=14),
    Column("项目名称", width=28),
    Column("建设内容", "long", 44),
    Column("牵头单位", width=18),
    Column("总投资（万元）", "money"),
    Column("年度计划投资（万元）", "money"),
    Column("年度目标", "long", 30),
    Column("起止年限", width=12),
    Column("当前进度（%）", "percent"),
    Column("状态", width=10),
    Column("项目编号", width=14),
]


def project_plan(year: int, plan: Plan | None = None):
    """重大项目计划表 for ``year``: the projects under way that year (of ``plan`` only, if given; cancelled ones left
    out), grouped by domain group with a subtotal each and a grand total. Each row is the projects' import resource's
    own rendering of these columns (年度计划投资 the funding planned for the year, 年度目标 the milestones planned in
    it), so the file imports back; the last column, 项目编号, is its key."""
    projects = Project.objects.active_in_year(year).exclude(status=ProjectStatus.CANCELLED)
    if plan is not None:
        projects = projects.filter(plans=plan)
    resource = ProjectResource(year=year)
    headers = resource.get_export_headers()
    rows_by_group = resource.prepare_export_queryset(
        projects.with_figures().select_related("domain", "lead_org").order_by("domain__name", "code")
    )
    investment = {
        row["domain__group"]: row["total"]
        for row in projects.order_by().values("domain__group").annotate(total=money_sum("total_investment"))
    }
    planned = {
        row["project__domain__group"]: row["total"]
        for row in Funding.objects.filter(year=year, project__in=projects)
        .order_by()
        .values("project__domain__group")
        .annotate(total=money_sum("planned"))
    }
    grouped = {}
    for project, values in zip(rows_by_group, resource.export_rows(rows_by_group), strict=True):
        row = dict(zip(headers, values, strict=True))
        # The table names units as the office writes them, by short name (the import takes either).
        row["牵头单位"] = _unit_name(project.lead_org)
        grouped.setdefault(project.domain.group, []).append(row)
    rows, number = [], 0
    with translation.override("zh-hans"):
        present = [(value, label) for value, label in DomainGroup.choices if value in grouped]
        for ordinal, (group, label) in zip(CHINESE_ORDINALS, present, strict=False):
            rows.append((["", f"{ordinal}、{label}"], "total"))
            for row in grouped[group]:
                number += 1
                rows.append(([number, *(row[column.header] for column in PLAN_COLUMNS[1:])], "data"))
            rows.append((["", "小计", "", "", "", investment.get(group), planned.get(group)], "total"))
        totals = [sum(v for v in values.values() if v) for values in (investment, planned)]
        rows.append((["", "合计", "", "", "", *totals], "total"))
    scope = f"（{plan.title}）" if plan is not None else ""
    title = f"{year}年度{_place()}智慧城市建设重大项目计划表{scope}"
    return _table(title, f"{year}年度计划表", PLAN_COLUMNS, rows, _note("单位：万元"))


# 目标责任分解表

TARGET_COLUMNS = [
    Column("序号", "integer", 6),
    Column("目标任务", "long", 30),
    Column("指标", width=30),
    Column("单位", width=8),
    Column("目标值", "number"),
    Column("基线", "number"),
    Column("当前值", "number"),
    Column("完成率（%）", "percent"),
    Column("责任单位", width=18),
    Column("配合单位", "long", 24),
    Column("完成时限", "date"),
    Column("所属规划", width=30),
]


def targets(plan: Plan):
    """目标责任分解表 for ``plan``: each target with its measure, target, baseline, latest value and attainment,
    the responsible and cooperating units and the deadline; how many are met on the note line."""
    indicators = (
        Indicator.objects.filter(plan=plan)
        .with_attainment()
        .select_related("responsible_org")
        .prefetch_related("cooperating_orgs")
        .order_by("pk")
    )
    # Two counts: an aggregate over the ``met`` annotation loses it (Django drops annotations it thinks unused).
    counts = {"total": indicators.count(), "met": indicators.filter(met=True).count()}
    rows = [
        (
            [
                number,
                indicator.goal,
                indicator.name,
                indicator.unit,
                indicator.target,
                indicator.baseline,
                indicator.latest_value,
                round(indicator.attainment, 1) if indicator.attainment is not None else None,
                _unit_name(indicator.responsible_org),
                "、".join(_unit_name(unit) for unit in indicator.cooperating_orgs.all()),
                indicator.deadline,
                plan.title,
            ],
            "data",
        )
        for number, indicator in enumerate(indicators, start=1)
    ]
    title = f"{plan.title}目标责任分解表"
    return _table(
        title, "目标责任分解", TARGET_COLUMNS, rows, _note(f"共{counts['total']}项指标，已达标{counts['met']}项")
    )


def _unit_name(unit) -> str:
    return (unit.short_name or unit.name) if unit is not None else ""


# 项目进度月报


def period_end(period: str) -> datetime.date:
    year, month = (int(part) for part in period.split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


PROGRESS_COLUMNS = [
    Column("序号", "integer", 6),
    Column("项目编号", width=12),
    Column("项目名称", width=30),
    Column("牵头单位", width=20),
    Column("报送状态", width=10),
    Column("形象进度（%）", "percent"),
    Column("计划进度（%）", "percent"),
    Column("健康状态", width=10),
    Column("本期完成投资（万元）", "money"),
    Column("累计完成投资（万元）", "money"),
    Column("本期进展", "long"),
    Column("存在问题", "long"),
    Column("下步计划", "long"),
]


def progress_report(period: str):
    """项目进度月报 for ``period`` (YYYY-MM): every project that reports monthly or did report that month, with its
    report (or 未报送), its planned progress and health as of the period's end (or today, for the current month),
    the investment completed in the period and in all approved reports up to it; the office's summary on top."""
    as_of = min(period_end(period), timezone.localdate())
    period_reports = ProgressReport.objects.filter(period=period)
    cumulative = (
        ProgressReport.objects.filter(project=OuterRef("pk"), status=ReportStatus.APPROVED, period__lte=period)
        .order_by()
        .values("project")
        .annotate(total=money_sum("investment_completed"))
        .values("total")
    )
    projects = (
        Project.objects.with_figures(as_of)
        .filter(Q(status__in=ProjectStatus.reporting()) | Q(pk__in=period_reports.values("project_id")))
        .annotate(
            cumulative_investment=Coalesce(
                Subquery(cumulative, output_field=DecimalField()), Value(0), output_field=DecimalField()
            )
        )
        .select_related("lead_org")
        .prefetch_related(Prefetch("progress_reports", queryset=period_reports, to_attr="period_reports"))
        .order_by("lead_org__name", "code")
    )
    groups = selectors.portfolio_groups(selectors.Scope(today=as_of))
    headline = selectors.headline(selectors.Scope(today=as_of), groups)
    bands = headline["bands"]
    with translation.override("zh-hans"):
        rows = []
        for number, project in enumerate(projects, start=1):
            report = project.period_reports[0] if project.period_reports else None
            rows.append(
                (
                    [
                        number,
                        project.code,
                        project.name,
                        project.lead_org.short_name or project.lead_org.name,
                        str(report.get_status_display()) if report else "未报送",
                        report.progress if report else None,
                        round(project.planned_progress, 1),
                        str(Health(project.health).label),
                        report.investment_completed if report else None,
                        project.cumulative_investment,
                        report.summary if report else "",
                        report.problems if report else "",
                        report.next_steps if report else "",
                    ],
                    "data",
                )
            )
    summary = (
        f"全市智慧城市建设项目共{headline['projects'][0]:.0f}个，已完成{bands['completed'][0]:.0f}个，"
        f"在建{bands['in_progress'][0]:.0f}个，未开工{bands['not_started'][0]:.0f}个；"
        f"整体进度{_percent(headline['progress_plain'])}（按投资加权{_percent(headline['progress_weighted'])}）。"
    )
    year, month = period.split("-")
    title = f"{_place()}智慧城市建设项目进度月报（{year}年{int(month)}月）"
    return _table(title, f"{year}年{int(month)}月", PROGRESS_COLUMNS, rows, _note("单位：万元", summary))


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


# 提案办理台账

LEDGER_COLUMNS = [
    Column("序号", "integer", 6),
    Column("案号", width=8),
    Column("案由", width=36),
    Column("提案人", width=18),
    Column("类别", width=10),
    Column("主办单位", width=18),
    Column("协办单位", "long", 22),
    Column("提交日期", "date"),
    Column("交办日期", "date"),
    Column("答复期限", "date"),
    Column("答复日期", "date"),
    Column("办理状态", width=10),
    Column("办理结果", width=14),
    Column("满意度", width=10),
    Column("办理天数", "integer"),
]


def proposal_ledger(session: Session):
    """提案办理台账 for ``session``: every proposal with its proposers, handling units, dates, status, the result
    class of its latest reply, the latest feedback, and the days from assignment to the latest reply."""
    assigned = Assignment.objects.filter(proposal=OuterRef("pk")).order_by("assigned_on").values("assigned_on")[:1]
    replied = Reply.objects.filter(proposal=OuterRef("pk")).order_by("-issued_on").values("issued_on")[:1]
    proposals = (
        Proposal.objects.filter(session=session)
        .annotate(assigned_on=Subquery(assigned), replied_on=Subquery(replied))
        .annotate(days_taken=DaysBetween(F("replied_on"), F("assigned_on")))
        .select_related("category")
        .prefetch_related(
            Prefetch("signatures", queryset=Signature.objects.select_related("proposer").order_by("position")),
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("unit__name")),
            Prefetch(
                "replies", queryset=Reply.objects.select_related("result_class").order_by("round", "issued_on", "pk")
            ),
            Prefetch("feedbacks", queryset=Feedback.objects.order_by("round", "given_on", "pk")),
        )
        .order_by("number")
    )
    rows = []
    with translation.override("zh-hans"):
        for number, proposal in enumerate(proposals, start=1):
            units = {role: [] for role in AssignmentRole.values}
            for assignment in proposal.assignments.all():
                units[assignment.role].append(_unit_name(assignment.unit))
            replies, feedbacks = list(proposal.replies.all()), list(proposal.feedbacks.all())
            result = replies[-1].result_class if replies else None
            rows.append(
                (
                    [
                        number,
                        proposal.number,
                        proposal.title,
                        "、".join(signature.proposer.name for signature in proposal.signatures.all()),
                        proposal.category.name if proposal.category else "",
                        "、".join(units[AssignmentRole.LEAD] + units[AssignmentRole.SEPARATE]),
                        "、".join(units[AssignmentRole.CO]),
                        proposal.submitted_on,
                        proposal.assigned_on,
                        proposal.due_date,
                        proposal.replied_on,
                        str(proposal.get_status_display()),
                        f"{result.code}类 {result.name}" if result else "",
                        str(feedbacks[-1].get_satisfaction_display()) if feedbacks else "",
                        round(proposal.days_taken) if proposal.days_taken is not None else None,
                    ],
                    "data",
                )
            )
    return _table(f"{session.name}提案办理台账", "提案办理台账", LEDGER_COLUMNS, rows, _note())


# 提案办理情况统计表


STATS_COLUMNS = [
    Column("序号", "integer", 6),
    Column("承办单位", width=24),
    Column("交办件数", "integer"),
    Column("其中主办", "integer"),
    Column("已答复", "integer"),
    Column("按期答复", "integer"),
    Column("按期答复率（%）", "percent"),
    Column("A类", "integer"),
    Column("B类", "integer"),
    Column("C类", "integer"),
    Column("满意", "integer"),
    Column("基本满意", "integer"),
    Column("不满意", "integer"),
]
STATS_COUNTS = ("assigned", "lead", "replied", "on_time", "A", "B", "C", *Satisfaction.values)


def proposal_stats(session: Session):
    """提案办理情况统计表 for ``session``: per handling unit — proposals assigned (and of them as lead unit), replied,
    replied by the unit's due date, the replies' result classes A/B/C, and the proposers' feedback on the proposals
    the unit replied to — with the total of the rows. Each measure is one grouped count."""
    unit_columns = ("unit_id", "unit__name", "unit__short_name")
    assignments = (
        Assignment.objects.filter(proposal__session=session)
        .order_by()
        .values(*unit_columns)
        .annotate(
            assigned=Count("proposal", distinct=True),
            lead=Count("proposal", distinct=True, filter=Q(role=AssignmentRole.LEAD)),
        )
    )
    replies = (
        Reply.objects.filter(proposal__session=session)
        .order_by()
        .values(*unit_columns)
        .annotate(
            replied=Count("proposal", distinct=True),
            on_time=Count("proposal", distinct=True, filter=Q(issued_on__lte=F("due_date"))),
            **{code: Count("proposal", distinct=True, filter=Q(result_class__code=code)) for code in ("A", "B", "C")},
        )
    )
    satisfaction = (
        Feedback.objects.filter(proposal__session=session, proposal__replies__unit__isnull=False)
        .order_by()
        .values(unit_id=F("proposal__replies__unit_id"))
        .annotate(**{value: Count("pk", distinct=True, filter=Q(satisfaction=value)) for value in Satisfaction.values})
    )
    units = {}
    for row in [*assignments, *replies]:
        unit = units.setdefault(row["unit_id"], {"name": row["unit__short_name"] or row["unit__name"]})
        unit.update({key: value for key, value in row.items() if key in STATS_COUNTS})
    for row in satisfaction:
        units.get(row["unit_id"], {}).update({value: row[value] for value in Satisfaction.values})
    rows = []
    totals = dict.fromkeys(STATS_COUNTS, 0)
    for number, unit in enumerate(sorted(units.values(), key=lambda unit: unit["name"]), start=1):
        counts = {key: unit.get(key, 0) for key in STATS_COUNTS}
        for key in STATS_COUNTS:
            totals[key] += counts[key]
        rows.append(([number, unit["name"], *_stats_values(counts)], "data"))
    rows.append((["", "合计", *_stats_values(totals)], "total"))
    title = f"{session.name}提案办理情况统计表"
    return _table(title, "办理情况统计", STATS_COLUMNS, rows, _note())


def _stats_values(counts: dict) -> list:
    share = round(100.0 * counts["on_time"] / counts["replied"], 1) if counts["replied"] else None
    return [
        counts["assigned"],
        counts["lead"],
        counts["replied"],
        counts["on_time"],
        share,
        counts["A"],
        counts["B"],
        counts["C"],
        *(counts[value] for value in Satisfaction.values),
    ]
