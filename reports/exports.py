"""The official tables the office hands in, as Excel workbooks (see DOMAIN.md, "What the office hands in").

Each function takes what the table is for (a year, a plan, a period, a session) and returns a write-only workbook:
a title row, a line with the compiling office, the date and the unit of money, the header row, the rows, and the
subtotals and totals. Texts in the files are Chinese whatever the reader's language: they
are filed with superiors as they are.
"""

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice

from django.conf import settings
from django.db.models import DecimalField, F, FloatField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone, translation

from accounts.models import Region, RegionScope
from common.bounds import money_sum
from common.db import DaysBetween
from common.xlsx import Column, Sheet, fitted_widths, new_workbook
from projects.choices import DomainGroup, Health, ProjectStatus, ReportStatus
from projects.models import Indicator, Plan, ProgressReport, Project
from projects.querysets import health_rule
from projects.resources import ProjectResource
from proposals.choices import AssignmentRole, Satisfaction
from proposals.models import Assignment, Feedback, Proposal, Reply, Session
from proposals.selectors import cppcc_name, ledger_proposals, proposal_statistics, share

from . import selectors
from .assessment import Assessment
from .choices import AssessmentIndicator


@dataclass(frozen=True)
class TableScope:
    """Whose official table: a region's own rows, or with those of the regions below it (``with_below``: a city's
    table of its districts together), within what the reader reads (``reader``, ``User.region_scope``). The region's
    office compiles the table and the region's name is in its title; without a region, the deployment's office
    (settings ``OFFICE_NAME``, ``OFFICE_PLACE``) and every row the reader reads."""

    region: Region | None = None
    with_below: bool = False
    reader: RegionScope | None = None

    def filter(self, queryset):
        if self.reader is not None:
            queryset = self.reader.filter(queryset)
        path = getattr(queryset.model, "region_path", None)
        if self.region is None or path is None:
            return queryset
        regions = Region.objects.within(self.region) if self.with_below else [self.region.pk]
        return queryset.filter(**{f"{path}__in": regions})

    @property
    def key(self):
        return (self.region and self.region.pk, self.with_below, self.reader.key if self.reader else "all")

    @property
    def place(self) -> str:
        if self.region is None:
            return settings.OFFICE["PLACE"]
        below = self.with_below and self.region.children.exists()
        return f"{self.region.name}（含下辖区县）" if below else self.region.name

    @property
    def whole(self) -> str:
        """How the summary names the whole area: 全市, 全区 (镇海区), 全县 (象山县)."""
        suffix = self.region.name[-1] if self.region is not None else "市"
        return f"全{suffix}" if suffix in "省市区县旗" else "全域"

    @property
    def compiler(self) -> str:
        office = self.region.office if self.region is not None else None
        return office.name if office is not None else settings.OFFICE["NAME"]


def _note(*parts: str, compiler: str | None = None) -> str:
    """The line under the title: who compiled the table (the smart-city office, unless ``compiler`` names another),
    the date, and ``parts``."""
    today = timezone.localdate()
    date = f"{today.year}年{today.month}月{today.day}日"  # as official documents write it: 2026年12月6日
    return "    ".join([f"编制单位：{compiler or settings.OFFICE['NAME']}", f"日期：{date}", *parts])


def _committee_note(session: Session, *parts: str) -> str:
    """The proposal tables are the session's CPPCC's (政协提案委员会), not the smart-city office's; without regions,
    the committee the settings name."""
    compiler = cppcc_name(session.region) if session.region_id else settings.PROPOSALS["COMMITTEE_NAME"]
    return _note(*parts, compiler=compiler)


# A table's columns are fitted to what its first rows hold: all of them in a table of the usual hundreds of rows.
FITTED_ROWS = 2000
# The projects of a long table are read and written this many at a time, so that its memory does not grow with it.
CHUNK_PROJECTS = 2000


def _table(title: str, sheet_title: str, columns: list[Column], rows: Iterable[tuple[list, str]], note: str):
    """A workbook of one sheet, its columns fitted to the first FITTED_ROWS rows; the rows are written as they come,
    so a table read in chunks never lies whole in memory. ``rows`` are (values, style) pairs; a "section" row is a
    heading inside the table, its label the second value."""
    workbook = new_workbook()
    rows = iter(rows)
    first = list(islice(rows, FITTED_ROWS))
    fitted = fitted_widths(columns, [values for values, style in first if style != "section"])
    sheet = Sheet(workbook, sheet_title, columns, widths=fitted)
    sheet.heading(title, note)
    for values, style in chain(first, rows):
        if style == "section":
            sheet.section(values[1])
        else:
            sheet.row(values, style)
    return workbook


# 重大项目计划表

CHINESE_ORDINALS = "一二三四五六七八九十"

PLAN_COLUMNS = [
    Column("序号", "integer", 6, align="center"),
    Column("领域", width=14),
    Column("项目名称", width=28, indents_detail=True),
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
PLAN_SUMMED = ("总投资（万元）", "年度计划投资（万元）")


def project_plan(year: int, plan: Plan | None = None, scope: TableScope = TableScope()):
    """重大项目计划表 for ``year``: the projects under way that year (of ``plan`` only, if given; cancelled ones left
    out), grouped by domain group with a subtotal each and a grand total. Each row is the projects' import resource's
    own rendering of these columns (年度计划投资 the funding planned for the year, 年度目标 the milestones planned in
    it), so the file imports back; the last column, 项目编号, is its key.

    A project's phases (一期, 二期…) under way that year are listed under it, indented and numbered 1-1, 1-2…; a project
    is listed when it or one of its phases is. Phases are part of their project: the subtotals and the total add up
    the top-level rows only (projects.querysets, "phases")."""
    under_way = scope.filter(Project.objects.active_in_year(year)).exclude(status=ProjectStatus.CANCELLED)
    listed = under_way.filter(plans=plan) if plan is not None else under_way
    top = Project.objects.top_level().filter(Q(pk__in=listed.values("pk")) | Q(pk__in=listed.values("parent_id")))
    # A listed project's phases under way that year go with it, whether or not the plan names them.
    phases = under_way.filter(parent__in=top.values("pk"))
    named = f"（{plan.title}）" if plan is not None else ""
    title = f"{year}年度{scope.place}智慧城市建设重大项目计划表{named}"
    rows = _plan_rows(year, top, phases)
    return _table(title, f"{year}年度计划表", PLAN_COLUMNS, rows, _note("单位：万元", compiler=scope.compiler))


def _plan_rows(year: int, top, phases) -> Iterator[tuple[list, str]]:
    """The plan table's rows: for each domain group (in the plans' order) a section, its projects in the order of
    their domain and code, each followed by its phases (numbered 3-1, 3-2…), and a subtotal; then the total. Read
    CHUNK_PROJECTS projects (with their phases) at a time."""
    resource = ProjectResource(year=year)
    headers = resource.get_export_headers()
    summed = [index for index, column in enumerate(PLAN_COLUMNS) if column.header in PLAN_SUMMED]
    totals = []
    ordinals = iter(CHINESE_ORDINALS)
    number = 0
    with translation.override("zh-hans"):
        for value, label in DomainGroup.choices:
            in_group = list(
                top.filter(domain__group=value).order_by("domain__name", "code").values_list("pk", flat=True)
            )
            if not in_group:
                continue
            yield ["", f"{next(ordinals)}、{label}"], "section"
            subtotal = _sums([], summed)
            for start in range(0, len(in_group), CHUNK_PROJECTS):
                chunk = in_group[start : start + CHUNK_PROJECTS]
                chosen = Project.objects.filter(
                    Q(pk__in=chunk) | Q(pk__in=phases.filter(parent__in=chunk).values("pk"))
                )
                objects = resource.prepare_export_queryset(
                    chosen.with_stored_figures().select_related("domain", "lead_org").order_by("domain__name", "code")
                )
                values, phases_of = {}, defaultdict(list)
                for project, exported in zip(objects, resource.export_rows(objects), strict=True):
                    row = dict(zip(headers, exported, strict=True))
                    # The table names units as the office writes them, by short name (the import takes either).
                    row["牵头单位"] = _unit_name(project.lead_org)
                    values[project.pk] = [row[column.header] for column in PLAN_COLUMNS[1:]]
                    if project.parent_id:
                        phases_of[project.parent_id].append(project.pk)
                for pk in chunk:
                    number += 1
                    row = [number, *values[pk]]
                    subtotal = _sums([subtotal, row], summed)
                    yield row, "data"
                    for position, phase in enumerate(phases_of[pk], 1):
                        yield [f"{number}-{position}", *values[phase]], "detail"
            totals.append(subtotal)
            yield _total_row("小计", subtotal, summed), "total"
        yield _total_row("合计", _sums(totals, summed), summed), "total"


def _by_domain_group(projects: list[Project]) -> list[tuple[str, list[tuple[str | int, Project]]]]:
    """``projects`` (in the order given) by domain group, the groups in the plans' order, each project followed by
    its phases: (the group's label, [(the row's 序号, project)…]). A phase is numbered after its project (3-1, 3-2…);
    a phase whose project is not among ``projects`` stands on its own."""
    present = {project.pk for project in projects}
    phases, groups = defaultdict(list), defaultdict(list)
    for project in projects:
        if project.parent_id in present:
            phases[project.parent_id].append(project)
        else:
            groups[project.domain.group].append(project)
    result, number = [], 0
    for value, label in DomainGroup.choices:
        entries = []
        for project in groups.get(value, []):
            number += 1
            entries.append((number, project))
            entries.extend((f"{number}-{position}", phase) for position, phase in enumerate(phases[project.pk], 1))
        if entries:
            result.append((label, entries))
    return result


def _sums(rows: list, columns: list[int]) -> dict[int, Decimal]:
    """The sum of each of ``columns`` over ``rows`` (lists of values, or earlier sums; a blank counts as nothing),
    in decimals, so that a total is the sum of its rows to the fen."""
    return {index: sum((Decimal(str(row[index] or 0)) for row in rows), Decimal(0)) for index in columns}


def _total_row(label: str, sums: dict[int, Decimal], columns: list[int]) -> list:
    row = ["", label] + [""] * (max(columns) - 1)
    for index in columns:
        row[index] = sums[index]
    return row


# 目标责任分解表

TARGET_COLUMNS = [
    Column("序号", "integer", 6, align="center"),
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
    note = _note(f"共{counts['total']}项指标，已达标{counts['met']}项", compiler=TableScope(plan.region).compiler)
    return _table(title, "目标责任分解", TARGET_COLUMNS, rows, note)


def _unit_name(unit) -> str:
    return unit.label if unit is not None else ""


# 项目进度月报


def period_end(period: str) -> datetime.date:
    year, month = (int(part) for part in period.split("-"))
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


PROGRESS_COLUMNS = [
    Column("序号", "integer", 6, align="center"),
    Column("领域", width=12),
    Column("项目编号", width=14),
    Column("项目名称", width=28, indents_detail=True),
    Column("牵头单位", width=16),
    Column("报送状态"),
    Column("形象进度（%）", "percent"),
    Column("计划进度（%）", "percent"),
    Column("健康状态"),
    Column("本期完成投资（万元）", "money"),
    Column("累计完成投资（万元）", "money"),
    Column("本期进展", "long", 30),
    Column("存在问题", "long", 26),
    Column("下步计划", "long", 26),
    Column("备注", "long", 24),
]
PROGRESS_SUMMED = ("本期完成投资（万元）", "累计完成投资（万元）")


def progress_report(period: str, scope: TableScope = TableScope()):
    """项目进度月报 for ``period`` (YYYY-MM): every project that reports monthly or filed a report that month, grouped
    by domain group and listed by domain and code (a phase under its project), with the office's summary on top.

    A project has reported when its report of the month is submitted or approved; a returned report (已退回) counts
    as not reported: its figures are left out, the reason for returning it is in 备注. The progress shown is the
    reported one, or else the project's progress at the month's end (its latest approved report up to the month);
    the planned progress and the health are as of the month's end (or today, for the current month), the health
    rated on the progress shown by the one rule (``projects.querysets.health_rule``). The cumulative investment adds
    the approved reports before the month and the month's own report. Subtotals and totals add up the top-level
    projects only."""
    as_of = min(period_end(period), timezone.localdate())
    period_reports = ProgressReport.objects.filter(period=period)
    filed = period_reports.exclude(status=ReportStatus.RETURNED).filter(project=OuterRef("pk"))
    earlier = (
        ProgressReport.objects.filter(project=OuterRef("pk"), status=ReportStatus.APPROVED, period__lt=period)
        .order_by()
        .values("project")
        .annotate(total=money_sum("investment_completed"))
        .values("total")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    projects = (
        scope.filter(Project.objects.all())
        .filter(Q(pk__in=Project.objects.reporting().values("pk")) | Q(pk__in=period_reports.values("project_id")))
        .with_stored_figures(as_of)
        .annotate(
            month_progress=Coalesce(
                Cast(Subquery(filed.values("progress")[:1]), FloatField()), F("progress"), output_field=FloatField()
            ),
            month_health=health_rule(F("status"), F("planned_progress") - F("month_progress"), F("days_late")),
            cumulative_investment=Coalesce(Subquery(earlier, output_field=money), Value(0), output_field=money)
            + Coalesce(Subquery(filed.values("investment_completed")[:1]), Value(0), output_field=money),
        )
        .select_related("lead_org", "domain")
        .prefetch_related(Prefetch("progress_reports", queryset=period_reports, to_attr="period_reports"))
        .order_by("domain__name", "code")
    )
    summed = [index for index, column in enumerate(PROGRESS_COLUMNS) if column.header in PROGRESS_SUMMED]
    counts = dict.fromkeys(("listed", "approved", "submitted", "returned"), 0)
    rows, totals = [], []
    with translation.override("zh-hans"):
        for ordinal, (label, entries) in zip(CHINESE_ORDINALS, _by_domain_group(list(projects)), strict=False):
            rows.append((["", f"{ordinal}、{label}"], "section"))
            counted = []
            for number, project in entries:
                row, status = _progress_row(number, project)
                rows.append((row, "detail" if project.parent_id else "data"))
                if not project.parent_id:
                    counted.append(row)
                    counts["listed"] += 1
                    if status:
                        counts[status] += 1
            subtotal = _sums(counted, summed)
            totals.append(subtotal)
            rows.append((_total_row("小计", subtotal, summed), "total"))
        rows.append((_total_row("合计", _sums(totals, summed), summed), "total"))
    figures_scope = selectors.Scope(today=as_of, regions=scope)
    groups = selectors.portfolio_groups(figures_scope)
    headline = selectors.headline_figures(figures_scope, groups)
    bands = headline["bands"]
    reported = counts["approved"] + counts["submitted"]
    reporting = (
        f"本期应报送项目{counts['listed']}个，已报送{reported}个（已审核{counts['approved']}个、"
        f"待审核{counts['submitted']}个），未报送{counts['listed'] - reported}个"
        + (f"（其中退回重报{counts['returned']}个）" if counts["returned"] else "")
        + "。"
    )
    summary = (
        f"{scope.whole}智慧城市建设项目共{headline['projects'][0]:.0f}个，已完成{bands['completed'][0]:.0f}个，"
        f"在建{bands['in_progress'][0]:.0f}个，未开工{bands['not_started'][0]:.0f}个；"
        f"整体进度{_percent(headline['progress_plain'])}（按投资加权{_percent(headline['progress_weighted'])}）。"
    )
    year, month = period.split("-")
    title = f"{scope.place}智慧城市建设项目进度月报（{year}年{int(month)}月）"
    note = _note("单位：万元", summary + reporting, compiler=scope.compiler)
    return _table(title, f"{year}年{int(month)}月", PROGRESS_COLUMNS, rows, note)


def _progress_row(number, project) -> tuple[list, str | None]:
    """A project's row of the 月报 and the state of its report of the month (None: there is none)."""
    report = project.period_reports[0] if project.period_reports else None
    counts = report is not None and report.status != ReportStatus.RETURNED
    if report is None:
        state = "未报送"
    elif report.status == ReportStatus.SUBMITTED:
        state = "待审核"
    else:
        state = str(report.get_status_display())
    note = f"退回原因：{report.review_comment}" if report is not None and not counts else ""
    row = [
        number,
        project.domain.name,
        project.code,
        project.name,
        _unit_name(project.lead_org),
        state,
        project.month_progress if counts else None,
        round(project.planned_progress, 1),
        str(Health(project.month_health).label),
        report.investment_completed if counts else None,
        project.cumulative_investment,
        report.summary if counts else "",
        report.problems if counts else "",
        report.next_steps if counts else "",
        note,
    ]
    return row, report.status if report is not None else None


def _percent(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


# 提案办理台账

LEDGER_COLUMNS = [
    Column("序号", "integer", 6, align="center"),
    Column("案号", width=8),
    Column("案由", width=36),
    Column("提案人", width=18),
    Column("类别", width=14),
    Column("主办单位", width=18),
    Column("协办单位", "long", 22),
    Column("提交日期", "date"),
    Column("交办日期", "date"),
    Column("答复期限", "date"),
    Column("答复日期", "date"),
    Column("办理状态", width=10),
    Column("办理结果", width=18),
    Column("满意度", width=10),
    Column("办理天数", "integer"),
]


def proposal_ledger(session: Session):
    """提案办理台账 for ``session``: every proposal with its proposers, handling units, dates, status, the result
    class of its latest reply, the latest feedback, and the days from assignment to the latest reply."""
    assigned = Assignment.objects.filter(proposal=OuterRef("pk")).order_by("assigned_on").values("assigned_on")[:1]
    # The day the latest issued reply was signed off: what "on time" and the days taken are judged by.
    replied = Reply.objects.issued().filter(proposal=OuterRef("pk")).order_by("-signed_off_on")
    replied = replied.values("signed_off_on")[:1]
    proposals = (
        ledger_proposals(proposals=Proposal.objects.filter(session=session))
        .annotate(assigned_on=Subquery(assigned), replied_on=Subquery(replied))
        .annotate(days_taken=DaysBetween(F("replied_on"), F("assigned_on")))
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.issued().select_related("result_class").order_by("round", "signed_off_on", "pk"),
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
    return _table(f"{session.name}提案办理台账", "提案办理台账", LEDGER_COLUMNS, rows, _committee_note(session))


# 提案办理情况统计表


STATS_COLUMNS = [
    Column("序号", "integer", 6, align="center"),
    Column("承办单位", width=24),
    Column("交办件数", "integer"),
    Column("其中主办、分办", "integer"),
    Column("已答复", "integer"),
    Column("办复率（%）", "percent"),
    Column("按期答复", "integer"),
    Column("按期答复率（%）", "percent"),
    Column("A类", "integer"),
    Column("B类", "integer"),
    Column("C类", "integer"),
    Column("满意", "integer"),
    Column("基本满意", "integer"),
    Column("不满意", "integer"),
]
STATS_CLASSES = ("A", "B", "C")
STATS_COUNTS = ("assigned", "replying", "replied", "on_time", *STATS_CLASSES, *Satisfaction.values)


def proposal_stats(session: Session):
    """提案办理情况统计表 for ``session``: the session's proposals received, filed (立案), merged (并案), not filed
    (不予立案), assigned and answered, with the answer rate (办复率), on the line under the title; then per handling
    unit — proposals assigned (and of them to reply to, as lead or separate unit), replied and the unit's answer rate,
    replied by the unit's due date, the replies' result classes A/B/C, and the proposers' feedback on the proposals
    the unit replied to — with the total of the rows. The figures are ``proposals.selectors.proposal_statistics``'."""
    statistics = proposal_statistics(sessions=[session])
    assignments, replies = statistics.unit_assignments(session), statistics.unit_replies(session)
    classes, feedback = statistics.unit_classes(session), statistics.unit_satisfaction(session)
    units = []
    for unit_id in {*assignments, *replies}:
        assigned, replied = assignments.get(unit_id, {}), replies.get(unit_id, {})
        counts = {
            "assigned": assigned.get("assigned", 0),
            "replying": assigned.get("replying", 0),
            "replied": replied.get("replied", 0),
            # 按期答复: replied and no reply late, in any round — as the dashboard, the scorecard and the ledger count
            # it; a late first reply is not made good by a second one on time.
            "on_time": replied.get("on_time", 0),
            **{code: classes.get(unit_id, {}).get(code, 0) for code in STATS_CLASSES},
            **{value: feedback.get(unit_id, {}).get(value, 0) for value in Satisfaction.values},
        }
        units.append(((assigned or replied)["name"], counts))
    rows = []
    totals = dict.fromkeys(STATS_COUNTS, 0)
    for number, (name, counts) in enumerate(sorted(units, key=lambda unit: unit[0]), start=1):
        for key in STATS_COUNTS:
            totals[key] += counts[key]
        rows.append(([number, name, *_stats_values(counts)], "data"))
    rows.append((["", "合计", *_stats_values(totals)], "total"))
    counts = statistics.counts(session)
    awaiting = counts["received"] - counts["filed"] - counts["merged"] - counts["not_filed"]
    summary = (
        f"共收到提案{counts['received']}件，立案{counts['filed']}件，并案{counts['merged']}件，"
        f"不予立案{counts['not_filed']}件" + (f"，待审查{awaiting}件" if awaiting else "") + "；"
        f"交办{counts['assigned']}件，已办复{counts['answered']}件，办复率{_percent(counts['answer_rate'])}。"
    )
    title = f"{session.name}提案办理情况统计表"
    return _table(title, "办理情况统计", STATS_COLUMNS, rows, _committee_note(session, summary))


def _stats_values(counts: dict) -> list:
    return [
        counts["assigned"],
        counts["replying"],
        counts["replied"],
        share(counts["replied"], counts["replying"]),
        counts["on_time"],
        share(counts["on_time"], counts["replied"]),
        counts["A"],
        counts["B"],
        counts["C"],
        *(counts[value] for value in Satisfaction.values),
    ]


# 区县智慧城市建设考核

# Each indicator's name, the unit of its value and the kind of its column.
ASSESSMENT_NAMES = {
    AssessmentIndicator.LAG: ("平均滞后", "百分点", "number"),
    AssessmentIndicator.LATE: ("逾期节点", "个", "integer"),
    AssessmentIndicator.REPORTS: ("月报按时率", "%", "percent"),
    AssessmentIndicator.NOTICES: ("督办通知按时办结率", "%", "percent"),
}
ASSESSMENT_COLUMNS = [
    Column("名次", "integer", 6, align="center"),
    Column("区县", width=16),
    Column("项目数（个）", "integer"),
    *(
        column
        for name, unit, kind in ASSESSMENT_NAMES.values()
        for column in (Column(f"{name}（{unit}）", kind), Column(f"{name}得分", "number"))
    ),
    Column("加减分", "number"),
    Column("加减分事由", "long", 36),
    Column("总分", "number"),
]


def assessment_title(result: Assessment) -> str:
    return f"{result.region.name}区县智慧城市建设考核（{result.year}年）"


def district_assessment(result: Assessment):
    """区县智慧城市建设考核 for a region and year (``assessment.district_assessment``): per region directly below, the
    rank, the projects assessed, each indicator's value and points, the additions and deductions with their reasons
    and the total. Compiled by the assessing region's office; the rules' weights and the day of the figures are on
    the note line. An indicator not yet measured shows 未计量; a region without a score (no rules for the year, or no
    project under way in it) has no rank."""
    rows = []
    for row in result.rows:
        values = [row.rank or "", row.region.name, row.projects]
        for figure in row.indicators:
            values.append(figure.value if figure.indicator.measured else "未计量")
            values.append(figure.points)
        reasons = "\n".join(f"{adjustment.points:+}：{adjustment.reason}" for adjustment in row.adjustments)
        values.extend([row.adjustment_total if row.adjustments else None, reasons, row.score])
        rows.append((values, "data"))
    rule = result.rule
    if rule is not None:
        weights = "、".join(
            f"{name}{rule.scale(key).weight}分" for key, (name, _unit, _kind) in ASSESSMENT_NAMES.items()
        )
        rules = f"权重：{weights}"
    else:
        rules = "本年度尚未制定考核细则，不计分"
    day = result.as_of
    note = _note(f"数据截至：{day.year}年{day.month}月{day.day}日", rules, compiler=TableScope(result.region).compiler)
    return _table(assessment_title(result), f"{result.year}年区县考核", ASSESSMENT_COLUMNS, rows, note)
