"""The synthetic portfolio of any size, for load tests and benchmarks: units, plans, projects with their milestones,
monthly reports and funding, targets, and (through ``ProposalSeeding``) proposals.

Rows are written with ``bulk_create`` in one transaction (no workflow services, no history rows, no proposal
timeline events), so that 10,000 projects take seconds; ``bench/synthetic.py`` says how they are marked.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.choices import OrganizationKind, Role
from accounts.models import Organization, Region, User
from bench.seed_proposals import ProposalSeeding
from bench.synthetic import (
    BENCH_USERNAME,
    CITY_DEPARTMENTS,
    DISTRICTS,
    NAME_PREFIX,
    PLACES,
    PLAN_TITLE_PREFIX,
    PROJECT_CODE_PREFIX,
    PROJECT_SUBJECTS,
    REFERENCE_CODE_PREFIX,
    REVIEWER_USERNAME,
    UNIT_SUFFIX,
    weighted,
)
from common.dates import add_months
from projects.choices import (
    DomainGroup,
    IndicatorDirection,
    InvestmentModel,
    PlanKind,
    ProjectStatus,
    ProjectTier,
    ReportStatus,
)
from projects.figures import refresh_all_figures
from projects.models import (
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    period_of,
)

# PostgreSQL takes this many rows per INSERT; Django lowers it on SQLite to stay under 999 parameters.
BATCH_SIZE = 1000
PROJECTS_PER_CHUNK = 5000
REPORT_MONTHS = 12
CENT = Decimal("0.01")
TENTH = Decimal("0.1")

DISTRICT_DEPARTMENTS = ["经济和信息化局", "住房和城乡建设局", "卫生健康局"]
COMPANIES = ["城市大数据集团有限公司", "智慧交通运营有限公司"]

# Used only for the groups of domains the database has none of.
DOMAIN_NAMES = {
    DomainGroup.INFRASTRUCTURE: "合成信息基础设施",
    DomainGroup.DATA_RESOURCES: "合成基础数据资源",
    DomainGroup.CITY_SERVICES: "合成城市管理服务",
    DomainGroup.INDUSTRY: "合成产业发展",
    DomainGroup.INDUSTRIAL_BASE: "合成产业基地",
}
# Used only when the database has fewer than two government sources or no social-capital source.
GOVERNMENT_SOURCES = [("sc-city-budget", "合成市级财政资金"), ("sc-district-budget", "合成区级财政资金")]
SOCIAL_SOURCE = ("sc-social-capital", "合成社会资本")

PROJECT_ENDINGS = ["平台", "系统", "工程"]
# Name, weight, share of the planned span at which it falls due; projects get four to six of them.
MILESTONES = [
    ("方案编制", 10, 0.08),
    ("立项审批", 10, 0.18),
    ("招投标", 15, 0.30),
    ("开工建设", 15, 0.40),
    ("上线试运行", 25, 0.80),
    ("竣工验收", 25, 1.00),
]
STATUS_WEIGHTS = {
    ProjectStatus.PLANNED: 6,
    ProjectStatus.PREPARING: 8,
    ProjectStatus.IN_PROGRESS: 58,
    ProjectStatus.COMPLETED: 12,
    ProjectStatus.ACCEPTED: 6,
    ProjectStatus.SUSPENDED: 5,
    ProjectStatus.CANCELLED: 5,
}
TIER_WEIGHTS = {ProjectTier.KEY: 20, ProjectTier.PILOT: 15, ProjectTier.NATIONAL_PILOT: 5, ProjectTier.GENERAL: 60}
MODEL_WEIGHTS = {
    InvestmentModel.GOVERNMENT: 60,
    InvestmentModel.PURCHASE_OF_SERVICE: 12,
    InvestmentModel.PPP: 8,
    InvestmentModel.BOT: 4,
    InvestmentModel.FRANCHISE: 4,
    InvestmentModel.JOINT_VENTURE: 4,
    InvestmentModel.COMMERCIAL: 8,
}
# How far a live project's progress runs from plan, which drives its health: on track is green, lagging yellow
# (10–20 points behind or a milestone a little late), late red (a milestone more than a month late, far behind).
SCENARIO_WEIGHTS = {"on_track": 60, "lagging": 25, "late": 15}
SCENARIO_PROGRESS_GAP = {"on_track": (-6.0, 8.0), "lagging": (-19.0, -12.0), "late": (-35.0, -22.0)}
RETURN_REASONS = [
    "本期完成投资与资金拨付不符，请核实。",
    "进展描述过于简单，请补充具体工作量。",
    "形象进度与节点完成情况不一致，请说明。",
]
INDICATOR_METRICS = [
    ("覆盖率", "%", False),
    ("接入部门数", "个", False),
    ("网上办理率", "%", False),
    ("数据共享量", "万条", False),
    ("平均响应时间", "分钟", True),
]


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT)


def share_elapsed(day: datetime.date, start: datetime.date, end: datetime.date) -> float:
    if day >= end:
        return 1.0
    if day <= start:
        return 0.0
    return (day - start).days / (end - start).days


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


@dataclass
class ProjectLayout:
    """What the children of one project are built from: its milestone dates and how its progress runs."""

    project: Project
    milestones: list[tuple[str, int, datetime.date, datetime.date | None]]
    progress_now: float
    progress_start: datetime.date
    progress_end: datetime.date


class ScalePortfolio(ProposalSeeding):
    """Builds the synthetic portfolio; ``counts`` says how many rows of each kind it wrote."""

    # The region the synthetic plans belong to (none: a deployment without regions).
    plan_region: Region | None = None

    def __init__(self, *, rng: random.Random, today: datetime.date, progress: Callable[[str], None] = print):
        self.rng = rng
        self.today = today
        self.progress = progress
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.this_month = today.replace(day=1)
        self.counts: dict[str, int] = {}

    def create(self, label: str, model, rows: list) -> list:
        created = model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts[label] = self.counts.get(label, 0) + len(created)
        return created

    def moment(self, day: datetime.date, hour: int) -> datetime.datetime:
        """An aware time on ``day``, never later than now."""
        return min(
            datetime.datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59), tzinfo=self.tz), self.now
        )

    def build(self, project_count: int) -> dict[str, int]:
        self.ensure_accounts()
        self.units = self.build_units()
        self.domains = self.ensure_domains()
        self.government_sources, self.social_sources = self.ensure_funding_sources()
        self.plans = self.build_plans()
        self.projects = []
        # A chunk at a time, so that 100,000 projects' 1.2 million reports are never all in memory at once.
        for first in range(0, project_count, PROJECTS_PER_CHUNK):
            layouts = self.build_projects(first, min(PROJECTS_PER_CHUNK, project_count - first))
            self.build_milestones(layouts)
            self.build_reports(layouts)
            self.build_fundings(layouts)
            self.projects += [layout.project for layout in layouts]
            self.progress(f"{len(self.projects)} of {project_count} projects with milestones, reports and funding")
        # bulk_create sends no signal: the stored figures (``projects.figures``) are written once, set-based, here.
        self.progress(f"{refresh_all_figures()} projects' figures stored")
        self.build_indicators(max(1, project_count // 20))
        self.build_proposals(project_count // 2)
        self.progress(f"{project_count // 2} proposals")
        return self.counts

    # Reference data ---------------------------------------------------------------------------------------------

    def ensure_accounts(self):
        groups = {group.name: group for group in Group.objects.filter(name__in=[Role.LEADER, Role.OFFICE])}
        if len(groups) < 2:
            raise CommandError("The role groups are missing: run `manage.py migrate` first.")
        users = {}
        for username, role in ((BENCH_USERNAME, Role.LEADER), (REVIEWER_USERNAME, Role.OFFICE)):
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, last_name=NAME_PREFIX, first_name=username)
                user.set_unusable_password()
                user.save()
                self.counts["users"] = self.counts.get("users", 0) + 1
            user.groups.add(groups[role])
            users[username] = user
        self.reviewer = users[REVIEWER_USERNAME]

    def build_units(self) -> list[Organization]:
        def unit(name: str, kind: str, parent=None) -> Organization:
            return Organization(name=f"{name}{UNIT_SUFFIX}", short_name=name, kind=kind, parent=parent)

        districts = self.create("units", Organization, [unit(name, OrganizationKind.DISTRICT) for name in DISTRICTS])
        departments = [unit(name, OrganizationKind.DEPARTMENT) for name in CITY_DEPARTMENTS]
        departments += [
            unit(f"{district.short_name}{name}", OrganizationKind.DEPARTMENT, parent=district)
            for district in districts
            for name in DISTRICT_DEPARTMENTS
        ]
        departments += [unit(name, OrganizationKind.COMPANY) for name in COMPANIES]
        return districts + self.create("units", Organization, departments)

    def ensure_domains(self) -> list[Domain]:
        domains = list(Domain.objects.order_by("pk"))
        present = {domain.group for domain in domains}
        missing = [
            Domain(code=f"{REFERENCE_CODE_PREFIX}{group}", name=DOMAIN_NAMES[group], group=group)
            for group in DomainGroup.values
            if group not in present
        ]
        return domains + self.create("domains", Domain, missing)

    def ensure_funding_sources(self) -> tuple[list[FundingSource], list[FundingSource]]:
        sources = list(FundingSource.objects.order_by("pk"))
        government = [source for source in sources if source.is_government]
        social = [source for source in sources if not source.is_government]
        missing = [
            FundingSource(code=code, name=name, is_government=True)
            for code, name in GOVERNMENT_SOURCES[: max(0, 2 - len(government))]
        ]
        if not social:
            missing.append(FundingSource(code=SOCIAL_SOURCE[0], name=SOCIAL_SOURCE[1], is_government=False))
        for source in self.create("funding sources", FundingSource, missing):
            (government if source.is_government else social).append(source)
        return government, social

    def build_plans(self) -> list[Plan]:
        """Three two-year action plans covering the years the projects run in."""
        first = self.today.year - 3
        return self.create(
            "plans",
            Plan,
            [
                Plan(
                    title=f"{PLAN_TITLE_PREFIX} {year}",
                    kind=PlanKind.ACTION_PLAN,
                    issuer=f"市智慧城市建设领导小组{UNIT_SUFFIX}",
                    region=self.plan_region,
                    first_year=year,
                    last_year=year + 1,
                )
                for year in (first, first + 2, first + 4)
            ],
        )

    # Projects and their children --------------------------------------------------------------------------------

    def schedule(self, status: str) -> tuple[datetime.date, datetime.date, datetime.date | None, datetime.date | None]:
        """Planned start and end (a span of one to four years around today) and actual dates that fit the status."""
        rng, today = self.rng, self.today
        months = rng.randint(12, 48)
        if status == ProjectStatus.PLANNED:
            start = today + datetime.timedelta(days=rng.randint(15, 180))
        elif status == ProjectStatus.PREPARING:
            start = today + datetime.timedelta(days=rng.randint(-60, 90))
        elif status in ProjectStatus.finished():
            start = add_months(today - datetime.timedelta(days=rng.randint(10, 400)), -months)
        else:
            # Some run past their planned end: overrunning projects are what a dashboard must show.
            start = today - datetime.timedelta(days=rng.randint(60, months * 30 + 90))
        end = add_months(start, months) - datetime.timedelta(days=1)
        actual_start = actual_end = None
        if status not in (ProjectStatus.PLANNED, ProjectStatus.PREPARING) and start < today:
            actual_start = min(start + datetime.timedelta(days=rng.randint(0, 30)), today)
        if status in ProjectStatus.finished():
            actual_end = max(min(end + datetime.timedelta(days=rng.randint(-20, 60)), today), actual_start)
        return start, end, actual_start, actual_end

    def milestone_dates(
        self, status: str, scenario: str, start: datetime.date, end: datetime.date, actual_end: datetime.date | None
    ) -> list[tuple[str, int, datetime.date, datetime.date | None]]:
        rng, today = self.rng, self.today
        dropped = set(rng.sample(range(1, len(MILESTONES) - 1), rng.choice([0, 1, 1, 2])))
        span = (end - start).days
        planned = [
            (name, weight, start + datetime.timedelta(days=round(share * span)))
            for index, (name, weight, share) in enumerate(MILESTONES)
            if index not in dropped
        ]
        if status in ProjectStatus.finished():
            done = [True] * len(planned)
        else:
            started = status not in (ProjectStatus.PLANNED, ProjectStatus.PREPARING)
            done = [started and date < today for _, _, date in planned]
            overdue = [i for i, (_, _, date) in enumerate(planned) if date < today]
            if scenario == "late":
                # The first milestone more than a month overdue stays open, with everything after it.
                long_overdue = [i for i in overdue if (today - planned[i][2]).days > 30]
                if long_overdue:
                    done = [flag and i < long_overdue[0] for i, flag in enumerate(done)]
            elif scenario == "lagging" and overdue and (today - planned[overdue[-1]][2]).days <= 30:
                done[overdue[-1]] = False
        latest = actual_end or today
        return [
            (name, weight, date, min(date + datetime.timedelta(days=rng.randint(-7, 12)), latest) if flag else None)
            for (name, weight, date), flag in zip(planned, done, strict=True)
        ]

    def build_projects(self, first: int, count: int) -> list[ProjectLayout]:
        """``count`` projects, numbered from ``first`` + 1."""
        rng, today = self.rng, self.today
        statuses = weighted(rng, STATUS_WEIGHTS, count)
        scenarios = weighted(rng, SCENARIO_WEIGHTS, count)
        tiers = weighted(rng, TIER_WEIGHTS, count)
        models = weighted(rng, MODEL_WEIGHTS, count)
        layouts = []
        for offset in range(count):
            status, scenario, number = statuses[offset], scenarios[offset], first + offset + 1
            domain = rng.choice(self.domains)
            start, end, actual_start, actual_end = self.schedule(status)
            lead_org = rng.choice(self.units)
            project = Project(
                code=f"{PROJECT_CODE_PREFIX}{number:06d}",
                name=f"{rng.choice(PLACES)}{domain.name}{rng.choice(PROJECT_SUBJECTS)}"
                f"{rng.choice(PROJECT_ENDINGS)}{number:05d}",
                domain=domain,
                tier=tiers[offset],
                lead_org=lead_org,
                # What Project.save would set, and bulk_create does not call it.
                region_id=lead_org.region_id,
                investment_model=models[offset],
                total_investment=money(10 ** rng.uniform(2, 4.5)),
                planned_start=start,
                planned_end=end,
                actual_start=actual_start,
                actual_end=actual_end,
                status=status,
                description="合成数据，用于性能测试。",
                is_published=rng.random() < 0.3,
            )
            milestones = self.milestone_dates(status, scenario, start, end, actual_end)
            if status in ProjectStatus.finished():
                progress = 100.0
            elif today <= start:
                progress = 0.0
            else:
                # Planned progress as ``with_figures`` computes it, then off by the scenario's gap.
                due = sum(weight for _, weight, date, _ in milestones if date <= today)
                planned_progress = 100.0 * due / sum(weight for _, weight, _, _ in milestones)
                progress = min(100.0, max(0.0, planned_progress + rng.uniform(*SCENARIO_PROGRESS_GAP[scenario])))
            layouts.append(
                ProjectLayout(project, milestones, progress, actual_start or start, actual_end or max(end, today))
            )
        self.create("projects", Project, [layout.project for layout in layouts])
        links = [
            Project.plans.through(project_id=layout.project.pk, plan_id=action_plan.pk)
            for layout in layouts
            for action_plan in self.plans
            if action_plan.first_year <= layout.project.planned_end.year
            and layout.project.planned_start.year <= action_plan.last_year
        ]
        self.create("plan links", Project.plans.through, links)
        return layouts

    def build_milestones(self, layouts: list[ProjectLayout]):
        self.create(
            "milestones",
            Milestone,
            [
                Milestone(project=layout.project, name=name, weight=weight, planned_date=planned, actual_date=actual)
                for layout in layouts
                for name, weight, planned, actual in layout.milestones
            ],
        )

    def build_reports(self, layouts: list[ProjectLayout]):
        """Twelve monthly reports per project up to this month. Past months are approved (a few stayed returned);
        this month's are a mix of submitted, approved and returned. A report for a month is due in the first days
        of that month; submissions spread over the 1st to the 10th, so some are late."""
        rng, today = self.rng, self.today
        months = [add_months(self.this_month, offset) for offset in range(-REPORT_MONTHS, 1)]
        reports = []
        for layout in layouts:
            project = layout.project
            now_share = share_elapsed(today, layout.progress_start, layout.progress_end)
            previous = None
            for month in months:
                share = share_elapsed(min(month_end(month), today), layout.progress_start, layout.progress_end)
                ratio = share / now_share if now_share else 0.0
                progress = Decimal(f"{layout.progress_now * ratio:.1f}")
                if previous is None:
                    # The month before the window only sets where the first report's investment starts from.
                    previous = progress
                    continue
                is_current = month == self.this_month
                if is_current:
                    status = weighted(
                        rng, {ReportStatus.SUBMITTED: 47, ReportStatus.APPROVED: 45, ReportStatus.RETURNED: 8}
                    )[0]
                else:
                    status = ReportStatus.RETURNED if rng.random() < 0.02 else ReportStatus.APPROVED
                submitted_at = self.moment(month.replace(day=rng.randint(1, 10)), rng.randint(8, 18))
                reviewed = status != ReportStatus.SUBMITTED
                reports.append(
                    ProgressReport(
                        project=project,
                        period=period_of(month),
                        progress=progress,
                        investment_completed=(project.total_investment * (progress - previous) / 100).quantize(CENT),
                        summary=f"本期完成{rng.choice(PROJECT_SUBJECTS)}相关工作，形象进度{progress}%。",
                        problems="" if rng.random() < 0.7 else "部门间数据对接进度偏慢。",
                        next_steps="按计划推进下一节点。",
                        status=status,
                        submitted_at=submitted_at,
                        reviewer=self.reviewer if reviewed else None,
                        reviewed_at=min(submitted_at + datetime.timedelta(days=rng.randint(1, 5)), self.now)
                        if reviewed
                        else None,
                        review_comment=rng.choice(RETURN_REASONS) if status == ReportStatus.RETURNED else "",
                    )
                )
                previous = progress
        self.create("progress reports", ProgressReport, reports)

    def funding_keys(self, project: Project) -> list[tuple[FundingSource, int]]:
        """Three different (source, year) pairs; projects with private money get a social-capital source."""
        years = range(project.planned_start.year, project.planned_end.year + 1)
        government = [(source, year) for source in self.government_sources for year in years]
        social = [(source, year) for source in self.social_sources for year in years]
        if project.investment_model == InvestmentModel.GOVERNMENT and len(government) >= 3:
            return self.rng.sample(government, 3)
        first = self.rng.choice(social)
        return [first, *self.rng.sample([key for key in government + social if key != first], 2)]

    def build_fundings(self, layouts: list[ProjectLayout]):
        rng, this_year = self.rng, self.today.year
        fundings = []
        for layout in layouts:
            project = layout.project
            keys = self.funding_keys(project)
            shares = [rng.uniform(0.2, 1.0) for _ in keys]
            for (source, year), share in zip(keys, shares, strict=True):
                planned = money(project.total_investment * Decimal(share / sum(shares)))
                if year < this_year:
                    allocated_share, disbursed_share = rng.uniform(0.85, 1.0), rng.uniform(0.7, 1.0)
                elif year == this_year:
                    allocated_share, disbursed_share = rng.uniform(0.4, 0.9), rng.uniform(0.3, 0.9)
                else:
                    allocated_share = disbursed_share = 0.0
                # Rounded down, so that planned ≥ allocated ≥ disbursed holds to the cent.
                allocated = (planned * Decimal(allocated_share)).quantize(CENT, rounding=ROUND_DOWN)
                disbursed = (allocated * Decimal(disbursed_share)).quantize(CENT, rounding=ROUND_DOWN)
                fundings.append(
                    Funding(
                        project=project,
                        source=source,
                        year=year,
                        planned=planned,
                        allocated=allocated,
                        disbursed=disbursed,
                    )
                )
        self.create("fundings", Funding, fundings)

    # Targets ----------------------------------------------------------------------------------------------------

    def build_indicators(self, count: int):
        rng = self.rng
        indicators, metrics = [], []
        for index in range(count):
            metric, unit, lower_is_better = rng.choice(INDICATOR_METRICS)
            plan = rng.choice(self.plans)
            baseline = Decimal(rng.randint(20, 60))
            target = baseline / 2 if lower_is_better else baseline * 2
            indicators.append(
                Indicator(
                    plan=plan,
                    goal="提升城市治理数字化水平",
                    name=f"{NAME_PREFIX}指标{index + 1:04d}：{rng.choice(self.domains).name}{metric}",
                    unit=unit,
                    baseline=baseline,
                    target=target,
                    direction=IndicatorDirection.LOWER_IS_BETTER
                    if lower_is_better
                    else IndicatorDirection.HIGHER_IS_BETTER,
                    responsible_org=rng.choice(self.units),
                    deadline=datetime.date(plan.last_year, 12, 31),
                )
            )
            metrics.append((baseline, target))
        self.create("indicators", Indicator, indicators)
        values, links = [], []
        for indicator, (baseline, target) in zip(indicators, metrics, strict=True):
            months_back = sorted(rng.sample(range(24), rng.randint(1, 6)), reverse=True)
            for step, back in enumerate(months_back, start=1):
                reached = Decimal(step / len(months_back) * rng.uniform(0.5, 1.1))
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        period=period_of(add_months(self.this_month, -back)),
                        value=(baseline + (target - baseline) * reached).quantize(TENTH),
                    )
                )
            links += [
                Indicator.projects.through(indicator_id=indicator.pk, project_id=project.pk)
                for project in rng.sample(self.projects, min(len(self.projects), rng.randint(2, 5)))
            ]
        self.create("indicator values", IndicatorValue, values)
        self.create("indicator project links", Indicator.projects.through, links)
