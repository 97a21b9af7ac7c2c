"""The demo portfolio, built from the source documents (``portfolio.toml`` beside this file).

Plans keep the documents' own dates. Projects that the documents show still under way are laid out relative to the
day the loader runs, so that this month's reporting, late milestones and red and yellow projects are live.

Loading only adds what is missing (keyed by natural keys: organisation name, project code, milestone name, report
period…), so running it twice gives the same data and never overwrites what users changed.
"""

import datetime
import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.demo import loader as regions
from accounts.models import Organization, Region, User
from common.dates import add_months
from common.demo import LoadResult

from .. import milestone_template, services
from ..choices import Health, KeyListStatus, ProjectStatus, ProjectTier, ReportStatus
from ..milestone_template import USUAL_MILESTONES
from ..models import (
    Baseline,
    BaselineEvent,
    Domain,
    Funding,
    FundingSource,
    Indicator,
    IndicatorValue,
    Milestone,
    Plan,
    ProgressReport,
    Project,
    ProjectBaseline,
    period_of,
)

DATA_FILE = Path(__file__).with_name("portfolio.toml")
DEMO_PASSWORD = "demo-2026"

EXPECTED_HEALTH = {"on_track": Health.GREEN, "lagging": Health.YELLOW, "late": Health.RED}
REPORT_HISTORY_MONTHS = 12
CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class PortfolioLoader:
    def __init__(self, *, today: datetime.date, create_accounts: bool, data: dict):
        self.today = today
        self.this_month = today.replace(day=1)
        self.create_accounts = create_accounts
        self.data = data
        self.result = LoadResult()
        self.orgs: dict[str, Organization] = {}
        self.plans: dict[str, Plan] = {}
        self.projects: dict[str, Project] = {}
        self.office_user: User | None = None

    # Reference data -------------------------------------------------------------------------------------------

    def org(self, name: str) -> Organization:
        return self.orgs[name]

    def load_organizations(self):
        for row in self.data["organizations"]:
            parent = self.org(row["parent"]) if row.get("parent") else None
            # Archived rows count as existing (all_objects): an archived demo unit is not made again.
            org, created = Organization.all_objects.get_or_create(
                name=row["name"],
                defaults={
                    "short_name": row.get("short_name", ""),
                    "kind": row["kind"],
                    "parent": parent,
                    "region": Region.objects.get(name=row["region"]),
                },
            )
            self.result.count("organizations", created)
            self.orgs[org.name] = org
            if row.get("short_name"):
                self.orgs[row["short_name"]] = org

    def place_offices(self):
        """Each region's smart-city office, where the region has none yet."""
        for region_name, office in self.data["region_offices"].items():
            for region in Region.objects.filter(name=region_name, office__isnull=True):
                region.office = self.org(office)
                region.save(update_fields=["office", "last_updated"])

    def load_reference(self):
        for row in self.data["domains"]:
            _, created = Domain.objects.get_or_create(
                code=row["code"], defaults={"name": row["name"], "group": row["group"]}
            )
            self.result.count("domains", created)
        for row in self.data["funding_sources"]:
            _, created = FundingSource.objects.get_or_create(
                code=row["code"], defaults={"name": row["name"], "is_government": row["is_government"]}
            )
            self.result.count("funding sources", created)
        for row in self.data["plans"]:
            plan, created = Plan.objects.get_or_create(
                title=row["title"],
                region=Region.objects.get(name=row["region"]),
                defaults={
                    "kind": row["kind"],
                    "issuer": row.get("issuer", ""),
                    "document_number": row.get("document_number", ""),
                    "issue_date": row.get("issue_date"),
                    "first_year": row["first_year"],
                    "last_year": row["last_year"],
                    "summary": row.get("summary", ""),
                },
            )
            self.result.count("plans", created)
            self.plans[row["key"]] = plan

    def load_accounts(self):
        if not self.create_accounts:
            return
        for row in self.data["accounts"]:
            user = User.objects.filter(username=row["username"]).first()
            if user is None:
                user = User(
                    username=row["username"],
                    last_name=row.get("last_name", ""),
                    first_name=row.get("first_name", ""),
                    organization=self.org(row["organization"]),
                    email=f"{row['username']}@smartcity.example",
                    is_staff=row["role"] in ("", "office"),
                    is_superuser=row["role"] == "",
                )
                user.set_password(DEMO_PASSWORD)
                user.save()
                if row["role"]:
                    user.groups.add(Group.objects.get(name=row["role"]))
                self.result.count("accounts", True)
            role_label = row["role"] or "superuser"
            self.result.accounts.append((user.username, role_label, str(user.organization or "")))
            if row["role"] == "office":
                self.office_user = user

    # Projects -------------------------------------------------------------------------------------------------

    def schedule(self, row: dict) -> dict:
        """Planned and actual dates: the document's own, or for live projects laid out from today."""
        if "live" not in row:
            return {key: row.get(key) for key in ("planned_start", "planned_end", "actual_start", "actual_end")}
        live = row["live"]
        start = add_months(self.this_month, -live["started_months_ago"])
        end = add_months(start, live["duration_months"]) - datetime.timedelta(days=1)
        started = start <= self.today and row["status"] in (ProjectStatus.IN_PROGRESS, ProjectStatus.SUSPENDED)
        return {
            "planned_start": start,
            "planned_end": end,
            "actual_start": start + datetime.timedelta(days=6) if started else None,
            "actual_end": None,
        }

    def load_projects(self):
        for index, row in enumerate(self.data["projects"]):
            dates = self.schedule(row)
            project, created = Project.all_objects.get_or_create(
                code=row["code"],
                defaults={
                    "name": row["name"],
                    "domain": Domain.objects.get(code=row["domain"]),
                    "tier": row["tier"],
                    "lead_org": self.org(row["lead"]),
                    "investment_model": row["investment_model"],
                    "total_investment": money(row["total_investment"]),
                    "status": row["status"],
                    "parent": self.projects[row["parent"]] if row.get("parent") else None,
                    "description": row.get("description", ""),
                    # The demo office publishes its key and pilot projects on the public progress page.
                    "is_published": row.get("published", row["tier"] != ProjectTier.GENERAL),
                    **dates,
                },
            )
            self.result.count("projects", created)
            self.projects[project.code] = project
            if created:
                project.plans.set([self.plans[key] for key in row.get("plans", [])])
                project.participating_orgs.set([self.org(name) for name in row.get("participants", [])])
            milestones = self.load_milestones(project, row)
            self.load_fundings(project, row)
            # A project with phases reports on itself; its phases are detail and file no report.
            if "live" in row and not row.get("parent"):
                self.load_reports(index, project, row, milestones)

    def milestone_plan(self, project: Project) -> list[tuple[str, int, datetime.date]]:
        start, end = project.planned_start, project.planned_end
        return [
            (usual.name, usual.weight, milestone_template.planned_date(usual, start, end)) for usual in USUAL_MILESTONES
        ]

    def actual_dates(self, project: Project, row: dict, planned: list) -> list[datetime.date | None]:
        if "live" not in row:
            if row["status"] not in ProjectStatus.finished():
                return [None] * len(planned)
            # Finished: every checkpoint passed, spread over the actual span.
            actual_span = (project.actual_end - project.actual_start).days
            return [
                project.actual_start + datetime.timedelta(days=round(share * actual_span))
                for _, _, share in USUAL_MILESTONES
            ]
        due = [date <= self.today for _, _, date in planned]
        open_from = len(planned)
        if row["live"]["scenario"] == "late":
            # Leave the latest checkpoint that is more than a month overdue open, and everything after it.
            overdue = [i for i, (_, _, date) in enumerate(planned) if (self.today - date).days > 31]
            if overdue:
                open_from = overdue[-1]
        actual = []
        for i, (_, _, date) in enumerate(planned):
            if due[i] and i < open_from:
                actual.append(min(date + datetime.timedelta(days=(i * 3) % 8), self.today))
            else:
                actual.append(None)
        return actual

    def load_milestones(self, project: Project, row: dict) -> list[Milestone]:
        planned = self.milestone_plan(project)
        actual = self.actual_dates(project, row, planned)
        milestones = []
        for (name, weight, planned_date), actual_date in zip(planned, actual, strict=True):
            milestone, created = Milestone.objects.get_or_create(
                project=project,
                name=name,
                defaults={"weight": weight, "planned_date": planned_date, "actual_date": actual_date},
            )
            self.result.count("milestones", created)
            milestones.append(milestone)
        return milestones

    def load_fundings(self, project: Project, row: dict):
        first, last = project.planned_start, project.planned_end
        span_days = (last - first).days + 1
        progress = Decimal(str(row.get("live", {}).get("progress", 100))) / 100
        for year in range(first.year, last.year + 1):
            days_in_year = (min(last, datetime.date(year, 12, 31)) - max(first, datetime.date(year, 1, 1))).days + 1
            for source_code, share in row["funding_split"].items():
                planned = money(Decimal(str(row["total_investment"])) * Decimal(str(share)) * days_in_year / span_days)
                if year < self.today.year:
                    allocated, disbursed = planned, planned if "live" not in row else money(planned * Decimal("0.9"))
                elif year == self.today.year:
                    allocated, disbursed = (
                        money(planned * Decimal("0.8")),
                        money(planned * min(progress, Decimal("0.8"))),
                    )
                else:
                    allocated = disbursed = Decimal("0")
                _, created = Funding.objects.get_or_create(
                    project=project,
                    source=FundingSource.objects.get(code=source_code),
                    year=year,
                    defaults={"planned": planned, "allocated": allocated, "disbursed": disbursed},
                )
                self.result.count("fundings", created)

    def report_text(self, key: str, seed: int, **values) -> str:
        phrases = self.data["report_phrases"][key]
        return phrases[seed % len(phrases)].format(**values)

    def load_reports(self, index: int, project: Project, row: dict, milestones: list[Milestone]):
        """Approved monthly reports up to last month, ramping to the progress the document-based data gives, and
        this month's report as the data says (not yet filed, waiting for review, or returned)."""
        live = row["live"]
        if project.actual_start is None:
            return
        start_month = project.planned_start.replace(day=1)
        months_running = (self.this_month.year - start_month.year) * 12 + self.this_month.month - start_month.month
        if months_running < 1:
            return
        final = Decimal(str(live["progress"]))
        first_shown = max(0, months_running - REPORT_HISTORY_MONTHS)
        problems_key = f"problems_{live['scenario']}"
        previous = final * first_shown / months_running
        for month_number in range(first_shown, months_running + 1):
            month = add_months(start_month, month_number)
            is_current = month == self.this_month
            if is_current:
                if live["current_report"] == "none":
                    break
                progress = min(final + Decimal("2.0"), Decimal("100"))
            else:
                progress = (final * (month_number + 1) / months_running).quantize(Decimal("0.1"))
            upcoming = next(
                (m for m in milestones if m.actual_date is None and m.planned_date >= month), milestones[-1]
            )
            seed = index * 7 + month_number
            texts = {"milestone": upcoming.name, "progress": f"{progress:.1f}"}
            status, reviewer, comment = ReportStatus.APPROVED, self.office_user, ""
            if is_current:
                status = ReportStatus(live["current_report"])
                reviewer = self.office_user if status == ReportStatus.RETURNED else None
                comment = live.get("returned_reason", "") if status == ReportStatus.RETURNED else ""
            # A month's report is due by its 5th working day (reminders.report_due_date, by the working-day calendar):
            # most come on the 3rd, one in four on the 10th, late (but in time after the May Day and National Day
            # holidays, which push the due day past the 10th); this month's has come already when the loader runs.
            filed_on_day = min(self.today.day - 1, 2) if is_current else (9 if seed % 4 == 0 else 2)
            submitted_at = timezone.make_aware(
                datetime.datetime.combine(month + datetime.timedelta(days=filed_on_day), datetime.time(9, 30))
            )
            _, created = ProgressReport.objects.get_or_create(
                project=project,
                period=period_of(month),
                defaults={
                    "progress": progress,
                    "investment_completed": money(
                        Decimal(str(row["total_investment"])) * max(progress - previous, Decimal("0")) / 100
                    ),
                    "summary": self.report_text("summary", seed, **texts),
                    "problems": self.report_text(problems_key, seed, **texts),
                    "next_steps": self.report_text("next_steps", seed, **texts),
                    "status": status,
                    "submitted_at": submitted_at,
                    "reviewer": reviewer,
                    "reviewed_at": submitted_at + datetime.timedelta(days=2) if reviewer else None,
                    "review_comment": comment,
                },
            )
            self.result.count("progress reports", created)
            previous = progress

    # Targets --------------------------------------------------------------------------------------------------

    def load_indicators(self):
        for row in self.data["indicators"]:
            indicator, created = Indicator.objects.get_or_create(
                plan=self.plans[row["plan"]],
                name=row["name"],
                defaults={
                    "goal": row.get("goal", ""),
                    "unit": row.get("unit", ""),
                    "baseline": row.get("baseline"),
                    "target": Decimal(str(row["target"])),
                    "direction": row["direction"],
                    "responsible_org": self.org(row["responsible"]),
                    "deadline": row.get("deadline"),
                },
            )
            self.result.count("indicators", created)
            if created:
                indicator.cooperating_orgs.set([self.org(name) for name in row.get("cooperating", [])])
                indicator.projects.set([self.projects[code] for code in row.get("projects", [])])
            for value in row.get("values", []):
                _, created = IndicatorValue.objects.get_or_create(
                    indicator=indicator,
                    period=value["period"],
                    defaults={"value": Decimal(str(value["value"])), "note": value.get("note", "")},
                )
                self.result.count("indicator values", created)

    # ----------------------------------------------------------------------------------------------------------

    def load_key_lists(self):
        """The regions' key-project lists (data file ``[[key_lists]]``): submitted in January, decided a week later;
        a region with no office above approves its own, unsubmitted. A live project's ``slipped_days`` is how far its
        deadline has moved since its list froze it (示意), so the lists show slippage the plan alone would hide."""
        slipped = {row["code"]: row["live"].get("slipped_days", 0) for row in self.data["projects"] if "live" in row}
        accounts = {user.username: user for user in User.objects.all()}
        for row in self.data["key_lists"]:
            region = Region.objects.get(name=row["region"])
            year = self.today.year - row["years_ago"]
            status = KeyListStatus(row["status"])
            submitted = status != KeyListStatus.APPROVED or "submitted_by" in row
            decided = status != KeyListStatus.SUBMITTED
            submitted_at = min(timezone.make_aware(datetime.datetime(year, 1, 13, 9, 30)), timezone.now())
            decided_at = min(submitted_at + datetime.timedelta(days=7), timezone.now())
            submitter, decider = accounts.get(row.get("submitted_by")), accounts.get(row.get("decided_by"))
            baseline, created = Baseline.objects.get_or_create(
                region=region,
                year=year,
                defaults={
                    "status": status,
                    "submitted_by": submitter if submitted else None,
                    "submitted_at": submitted_at if submitted else None,
                    "decided_by": decider if decided else None,
                    "decided_at": decided_at if decided else None,
                    "return_reason": row.get("return_reason", ""),
                    "note": row["note"],
                },
            )
            self.result.count("key-project lists", created)
            if not created:
                continue
            projects = Project.objects.active_in_year(year).exclude(status=ProjectStatus.CANCELLED)
            ProjectBaseline.objects.bulk_create(
                ProjectBaseline(
                    baseline=baseline,
                    project=project,
                    planned_start=project.planned_start,
                    planned_end=project.planned_end - datetime.timedelta(days=slipped.get(project.code, 0)),
                    total_investment=project.total_investment,
                )
                for project in projects.filter(region=region)
            )
            # Its course, as the services would have recorded it.
            steps = [("", KeyListStatus.SUBMITTED, submitter, submitted_at, row["note"])] if submitted else []
            if decided:
                note = row.get("return_reason", "") if submitted else row["note"]
                steps.append((KeyListStatus.SUBMITTED if submitted else "", status, decider, decided_at, note))
            for from_status, to_status, actor, at, note in steps:
                event = BaselineEvent.objects.create(
                    baseline=baseline, actor=actor, from_status=from_status, to_status=to_status, note=note
                )
                BaselineEvent.objects.filter(pk=event.pk).update(at=at)

    def load_requests(self):
        """What the units have asked the office to confirm (data file ``[[requests]]``): a liaison's plan change still
        waiting, so the office has something to confirm. Made through the services, as a unit would."""
        liaison = User.objects.filter(username="liaison").first()
        if liaison is None:
            return
        for row in self.data.get("requests", []):
            project = self.projects[row["project"]]
            if project.change_requests.exists():
                continue
            fields = {}
            if "planned_end_months" in row:
                fields["planned_end"] = add_months(project.planned_end, row["planned_end_months"])
            services.plan_change_request(actor=liaison, project=project, fields=fields, reason=row["reason"])
            self.result.count("change requests", True)

    def check_health(self):
        """Each live project should show the colour its scenario stands for; say so when today's date breaks it."""
        expected = {
            row["code"]: EXPECTED_HEALTH[row["live"]["scenario"]] for row in self.data["projects"] if "live" in row
        }
        actual = dict(Project.objects.with_figures(self.today).filter(code__in=expected).values_list("code", "health"))
        # An archived project is left out (``objects``): it is watched no more.
        self.result.health_mismatches = [
            f"{code}: {actual[code]} (expected {colour})"
            for code, colour in expected.items()
            if code in actual and actual[code] != colour
        ]

    def load(self) -> LoadResult:
        with transaction.atomic():
            self.load_organizations()
            self.place_offices()
            self.load_reference()
            self.load_accounts()
            self.load_projects()
            self.load_indicators()
            self.load_key_lists()
            self.load_requests()
        self.check_health()
        return self.result


def load(*, today: datetime.date | None = None, create_accounts: bool = False) -> LoadResult:
    regions.load()  # the units are placed in the demo's regions (loaded already by ``load_demo``)
    with DATA_FILE.open("rb") as data_file:
        data = tomllib.load(data_file)
    return PortfolioLoader(today=today or timezone.localdate(), create_accounts=create_accounts, data=data).load()
