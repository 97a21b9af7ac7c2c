"""Projects as in the office's 重大项目计划表 (major project plan table): import and export.

Columns are the office's own: Chinese headers, which are data and not translated; related objects by their names,
never database ids; choices written as their Chinese labels. A row's 当前进度（%） that differs from the computed
progress files an approved report for the month; a new row without a 项目编号 gets the next free code.
"""

import datetime
import re
from collections import Counter, defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from common.bounds import money_sum
from common.spreadsheets.cells import YEARS_DASH, format_years, is_blank, normalize, parse_years, shown
from common.spreadsheets.resources import EXPORT_ONLY, REQUIRED_NEW, Field, ImportResource, serial_field
from common.spreadsheets.widgets import (
    ChoiceWidget,
    DateWidget,
    LookupWidget,
    NamesWidget,
    NumberWidget,
    TextWidget,
    YesNoWidget,
    money_widget,
)

from ..choices import Health, InvestmentModel, ProjectStatus, ProjectTier, ReportStatus
from ..models import Domain, Funding, Milestone, Plan, ProgressReport, Project, period_of
from ..selectors import phase_investment_flags
from .lookups import unit_lookup

# Stored as the summary of a report the office's import approves (data, like the column headers).
IMPORTED_PROGRESS_SUMMARY = "由智慧办导入更新"
PLAN_SEPARATOR = "；"
PLAN_SPLIT = re.compile(r"[；;\n\r]+")
CODE_PATTERN = re.compile(r"^(?P<prefix>.*[A-Za-z][^-]*)-(?P<number>\d+)$")


class ProjectResource(ImportResource):
    """Projects as in the 重大项目计划表, keyed by 项目编号 (a blank one in a new row gets the next free code).

    Export reads ``domain``, ``lead_org`` (select_related) and the ``with_figures()`` annotations ``progress``,
    ``planned_progress`` and ``health`` (queried per row when absent); ``prepare_export_queryset`` adds the relations
    (it does not annotate). The year's planned funding, the milestones planned in the year and the plans are loaded
    a batch at a time by ``load_export_batch``.

    Import: 当前进度（%） that differs from the project's computed progress by more than 0.05 files an approved report
    for the current month under the importing user; 起止年限 sets the planned dates when 计划开始/计划完成 are not
    given; without a 项目编号 column rows are matched by 项目名称.
    """

    key = "projects"
    label = gettext_lazy("Projects (major project plan table)")
    header_markers = ("项目名称", "项目编号")
    row_key_headers = ("项目编号", "项目名称")
    header_aliases = {
        "项目编码": "项目编号",
        "编号": "项目编号",
        "所属领域": "领域",
        "主要建设内容": "建设内容",
        "建设内容及规模": "建设内容",
        "牵头部门": "牵头单位",
        "责任单位": "牵头单位",
        "类别": "层级",
        "项目类别": "层级",
        "投资运营模式": "投资模式",
        "总投资": "总投资（万元）",
        "年度投资计划（万元）": "年度计划投资（万元）",
        "建设年限": "起止年限",
        "建设起止年限": "起止年限",
        "形象进度（%）": "当前进度（%）",
        "当前进度": "当前进度（%）",
        "项目状态": "状态",
    }
    fallback_columns = {"计划开始": "起止年限", "计划完成": "起止年限"}
    owner_field = "lead_org"

    serial = serial_field()
    code = Field(
        "code",
        "项目编号",
        TextWidget(),
        note=gettext_lazy(
            "The key: a row with an existing code updates that project. Leave blank for a new project "
            "to get the next free code."
        ),
    )
    domain = Field("domain", "领域", LookupWidget(Domain, ("name", "code")), required=REQUIRED_NEW)
    name = Field("name", "项目名称", TextWidget(keep_when_blank=True), required=REQUIRED_NEW)
    description = Field("description", "建设内容", TextWidget(), kind="long")
    lead_org = Field(
        "lead_org",
        "牵头单位",
        unit_lookup(),
        required=REQUIRED_NEW,
        note=gettext_lazy("The unit's full name or short name."),
    )
    tier = Field("tier", "层级", ChoiceWidget(ProjectTier))
    investment_model = Field("investment_model", "投资模式", ChoiceWidget(InvestmentModel))
    total_investment = Field("total_investment", "总投资（万元）", money_widget(), kind="money")
    annual_planned = Field(
        column_name="年度计划投资（万元）",
        kind="money",
        required=EXPORT_ONLY,
        note=gettext_lazy("The year's planned funding, from the project's funding."),
    )
    annual_target = Field(
        column_name="年度目标",
        kind="long",
        required=EXPORT_ONLY,
        note=gettext_lazy("The milestones planned in the year."),
    )
    years = Field(
        column_name="起止年限",
        note=gettext_lazy(
            "For example 2012—2014. Used when 计划开始 or 计划完成 is blank: a project whose years do not "
            "change keeps its dates, otherwise 1 January of the first year and 31 December of the last."
        ),
    )
    planned_start = Field(
        "planned_start",
        "计划开始",
        DateWidget(),
        kind="date",
        required=REQUIRED_NEW,
        note=gettext_lazy("Or give 起止年限."),
    )
    planned_end = Field(
        "planned_end",
        "计划完成",
        DateWidget(),
        kind="date",
        required=REQUIRED_NEW,
        note=gettext_lazy("Or give 起止年限."),
    )
    progress = Field(
        "progress",
        "当前进度（%）",
        NumberWidget(1, minimum=0, maximum=100),
        kind="percent",
        note=gettext_lazy("A different figure files an approved progress report for this month."),
    )
    planned_progress = Field(column_name="计划进度（%）", kind="percent", required=EXPORT_ONLY)
    health = Field(column_name="健康状态", required=EXPORT_ONLY)
    status = Field("status", "状态", ChoiceWidget(ProjectStatus))
    plans = Field(
        "plans",
        "所属规划",
        NamesWidget(Plan, ("title",), "title", separator=PLAN_SEPARATOR, split=PLAN_SPLIT),
        note=gettext_lazy("Plan titles separated by ；"),
    )
    is_published = Field("is_published", "是否公开", YesNoWidget())

    class Meta:
        model = Project
        import_id_fields = ("code",)
        fields = (
            "serial",
            "code",
            "domain",
            "name",
            "description",
            "lead_org",
            "tier",
            "investment_model",
            "total_investment",
            "annual_planned",
            "annual_target",
            "years",
            "planned_start",
            "planned_end",
            "progress",
            "planned_progress",
            "health",
            "status",
            "plans",
            "is_published",
        )

    export_select_related = ("domain", "lead_org")

    @classmethod
    def missing_headers(cls, headers) -> list[str]:
        return [] if {"项目编号", "项目名称"} & set(headers) else ["项目名称"]

    def get_queryset(self):
        # Light instances: each row's is deep-copied. Related objects are read only for a changed value's display.
        return Project.objects.with_stored_figures().prefetch_related("plans")

    # ----- matching rows: by code, or by name when the file has no code column -----------------------------------

    def by_name(self) -> bool:
        return "项目编号" not in self.headers

    def instance_key(self, row):
        if "项目编号" in row:
            return super().instance_key(row)
        name = row.get("项目名称")
        return None if is_blank(name) else ("name", normalize(name))

    def load_instances(self, dataset):
        if "项目编号" in (dataset.headers or []):
            return super().load_instances(dataset)
        names = {str(name).strip() for name in dataset["项目名称"] if not is_blank(name)} if dataset.dict else set()
        found, self.ambiguous_names = {}, set()
        for project in self.get_queryset().filter(name__in=names):
            key = ("name", normalize(project.name))
            if key in found:
                self.ambiguous_names.add(key)
            found[key] = project
        return {key: project for key, project in found.items() if key not in self.ambiguous_names}

    # ----- codes -------------------------------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.ambiguous_names = getattr(self, "ambiguous_names", set())
        self._codes = None
        self._month_reports = None
        self.investments = {}
        self._file_codes = (
            {str(code).strip() for code in dataset["项目编号"] if not is_blank(code)}
            if "项目编号" in (dataset.headers or []) and dataset.dict
            else set()
        )

    def _load_codes(self):
        """Every code in use, the highest number per prefix, and which prefixes each plan and tier use."""
        self._codes = set(self._file_codes)
        self._prefix_numbers: dict[str, tuple[int, int]] = {}
        self._prefix_counts: dict[tuple, Counter] = defaultdict(Counter)
        seen = set()
        for code, tier, plan_id in Project.objects.values_list("code", "tier", "plans").order_by("code"):
            self._codes.add(code)
            match = CODE_PATTERN.match(code)
            if not match:
                continue
            prefix = match["prefix"]
            if plan_id is not None:
                self._prefix_counts["plan-tier", plan_id, tier][prefix] += 1
                self._prefix_counts["plan", plan_id][prefix] += 1
            if code not in seen:
                seen.add(code)
                self._prefix_counts["tier", tier][prefix] += 1
                self._prefix_counts["all",][prefix] += 1
        for code in self._codes:
            match = CODE_PATTERN.match(code)
            if match:
                number, width = self._prefix_numbers.get(match["prefix"], (0, 2))
                self._prefix_numbers[match["prefix"]] = (
                    max(number, int(match["number"])),
                    max(width, len(match["number"])),
                )

    def next_code(self, instance, plans) -> str:
        """The next free code in the pattern the portfolio uses (NB2012-KEY-10 after NB2012-KEY-09): the prefix most
        used by projects of the same plan and tier, else of the same plan, of the same tier, of all projects."""
        if self._codes is None:
            self._load_codes()
        candidates = [("plan-tier", plan.pk, instance.tier) for plan in plans]
        candidates += [("plan", plan.pk) for plan in plans]
        candidates += [("tier", instance.tier), ("all",)]
        prefix = None
        for candidate in candidates:
            counts = self._prefix_counts.get(candidate)
            if counts:
                prefix = max(counts.items(), key=lambda item: (item[1], item[0]))[0]
                break
        if prefix is None:
            year = instance.planned_start.year if instance.planned_start else timezone.localdate().year
            prefix = f"XM{year}"
        number, width = self._prefix_numbers.get(prefix, (0, 2))
        while True:
            number += 1
            code = f"{prefix}-{number:0{width}d}"
            if code not in self._codes:
                break
        self._codes.add(code)
        self._prefix_numbers[prefix] = (number, width)
        return code

    # ----- a row -------------------------------------------------------------------------------------------------

    def import_extra(self, instance, row, *, new, errors, **kwargs):
        extra = {}
        self._apply_years(instance, row, new, extra)
        if new and self.by_name() and self.instance_key(row) in self.ambiguous_names:
            extra.setdefault("name", []).append(
                _("More than one project is called “%(name)s”: add a 项目编号 column.") % {"name": row.get("项目名称")}
            )
        if new and not instance.code and "name" not in errors:
            if is_blank(instance.name):
                extra.setdefault("name", []).append(_("A new project needs a name."))
            elif "plans" not in errors:
                instance.code = self.next_code(instance, instance._import_m2m.get("plans", []))
        self._check_progress(instance, row, new, errors, extra)
        if extra:
            raise ValidationError(extra)

    def _apply_years(self, instance, row, new, errors):
        if "起止年限" not in row:
            return
        try:
            years = parse_years(row["起止年限"])
        except ValueError as error:
            errors.setdefault("years", []).append(str(error))
            return
        if years is None:
            return
        first, last = years
        if is_blank(row.get("计划开始")) and (
            new or instance.planned_start is None or instance.planned_start.year != first
        ):
            instance.planned_start = datetime.date(first, 1, 1)
        if is_blank(row.get("计划完成")) and (new or instance.planned_end is None or instance.planned_end.year != last):
            instance.planned_end = datetime.date(last, 12, 31)

    def import_instance(self, instance, row, **kwargs):
        # The computed progress, before the file's figure replaces the attribute.
        instance._current_progress = 0.0 if instance._state.adding else float(self._figures(instance)["progress"] or 0)
        super().import_instance(instance, row, **kwargs)
        self.investments[instance.code] = (instance.pk, instance.parent_id, instance.total_investment)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        # Flagged, not refused: rows arrive one by one, and the office may be correcting the parent in another file.
        self.flags = phase_investment_flags(self.investments)

    def _check_progress(self, instance, row, new, errors, extra):
        """Keep the progress only when it differs from the computed one by more than 0.05."""
        instance._new_progress = None
        if "当前进度（%）" not in row or "progress" in errors:
            return
        current = instance._current_progress
        wanted = getattr(instance, "progress", None)
        if wanted is None or abs(float(wanted) - current) <= 0.05:
            instance.progress = current
            return
        if instance.status in ProjectStatus.finished() and float(wanted) != 100:
            extra.setdefault("progress", []).append(_("A completed or accepted project stands at 100%."))
            return
        instance._new_progress = Decimal(wanted)
        instance._old_progress = current

    def extra_changes(self, instance, original, row):
        if getattr(instance, "_new_progress", None) is None:
            return []
        return [("当前进度（%）", shown(round(instance._old_progress, 1)), shown(instance._new_progress))]

    def do_instance_save(self, instance, is_create):
        # Saved as the form and the API save a project; the plans follow with the other rows' (``save_m2m``).
        from ..services import project_save

        changed = () if is_create else getattr(instance, "_import_changed", None) or ()
        data = {name: getattr(instance, name) for name in changed}
        project_save(actor=self.user, project=instance, data=data, only_data=bool(data))

    def after_save_instance(self, instance, row, **kwargs):
        if getattr(instance, "_new_progress", None) is not None:
            self.record_progress(instance, instance._new_progress)

    def record_progress(self, project, progress: Decimal):
        """The office's figure becomes this month's approved report (a new one, or this month's, revised)."""
        from ..services import record_report_event

        period = period_of(timezone.localdate())
        now = timezone.now()
        if self._month_reports is None:
            self._month_reports = {report.project_id: report for report in ProgressReport.objects.filter(period=period)}
        report = self._month_reports.get(project.pk)
        kind = "~" if report else "+"
        from_status = report.status if report else ""
        if report is None:
            report = ProgressReport(project=project, period=period, investment_completed=0)
        report.progress = progress
        report.summary = report.summary or IMPORTED_PROGRESS_SUMMARY
        report.status = ReportStatus.APPROVED
        report.submitted_by = report.reviewer = self.user
        report.submitted_at = report.reviewed_at = now
        report.review_comment = ""
        # The constraints repeat the fields' own checks; the project and the user are the ones at hand.
        report.full_clean(exclude={"project", "submitted_by", "reviewer"}, validate_constraints=False)
        report._history_user = self.user
        report.skip_history_when_saving = True
        report.save()
        del report.skip_history_when_saving
        self.history_pending.append((report, kind))
        record_report_event(report=report, actor=self.user, from_status=from_status, note=IMPORTED_PROGRESS_SUMMARY)

    # ----- export ------------------------------------------------------------------------------------------------

    def _figures(self, obj) -> dict:
        if hasattr(obj, "health") and hasattr(obj, "planned_progress"):
            return {"progress": obj.progress, "planned_progress": obj.planned_progress, "health": obj.health}
        if obj.pk is None:
            return {"progress": 0.0, "planned_progress": None, "health": None}
        figures = getattr(obj, "_export_figures", None)
        if figures is None:
            figures = Project.objects.with_figures().values("progress", "planned_progress", "health").get(pk=obj.pk)
            obj._export_figures = figures
        return figures

    def dehydrate_progress(self, obj):
        value = self._figures(obj)["progress"]
        return None if value is None else round(Decimal(str(value)), 1)

    def dehydrate_planned_progress(self, obj):
        value = self._figures(obj)["planned_progress"]
        return None if value is None else round(Decimal(str(value)), 1)

    def dehydrate_health(self, obj):
        value = self._figures(obj)["health"]
        with translation.override("zh-hans"):
            return str(Health(value).label) if value else ""

    def dehydrate_years(self, obj):
        return format_years(obj.planned_start, obj.planned_end)

    def load_export_batch(self, objects):
        """Each project's planned funding for the year (summed by the database), its milestones planned in the year
        and its plans' titles, in three queries for the batch."""
        ids = [project.pk for project in objects]
        planned = dict(
            Funding.objects.filter(project__in=ids, year=self.year)
            .order_by()
            .values("project")
            .annotate(total=money_sum("planned"))
            .values_list("project", "total")
        )
        milestones = defaultdict(list)
        for project_id, name in (
            Milestone.objects.filter(project__in=ids, planned_date__year=self.year)
            .order_by("planned_date", "pk")
            .values_list("project", "name")
        ):
            milestones[project_id].append(name)
        plans = defaultdict(list)
        for project_id, title in Plan.objects.filter(projects__in=ids).values_list("projects", "title"):
            plans[project_id].append(title)
        for project in objects:
            project.export_annual_planned = planned.get(project.pk) or Decimal("0.00")
            project.export_annual_target = PLAN_SEPARATOR.join(milestones[project.pk])
            project.export_plan_titles = PLAN_SEPARATOR.join(plans[project.pk])

    def dehydrate_annual_planned(self, obj):
        return obj.export_annual_planned

    def dehydrate_annual_target(self, obj):
        return obj.export_annual_target

    def dehydrate_plans(self, obj):
        return obj.export_plan_titles

    def template_sample(self):
        domain = Domain.objects.order_by("group", "code").first()
        unit = Organization.objects.order_by("name").first()
        plan = Plan.objects.first()
        year = timezone.localdate().year
        with translation.override("zh-hans"):
            return {
                "项目编号": "",
                "领域": domain.name if domain else "智慧水务",
                "项目名称": "智慧水务二期工程",
                "建设内容": "建设供水管网监测和调度平台。",
                "牵头单位": unit.name if unit else "市水利局",
                "层级": str(ProjectTier.KEY.label),
                "投资模式": str(InvestmentModel.GOVERNMENT.label),
                "总投资（万元）": Decimal("1200.00"),
                "起止年限": f"{year}{YEARS_DASH}{year + 1}",
                "计划开始": datetime.date(year, 1, 1),
                "计划完成": datetime.date(year + 1, 12, 31),
                "当前进度（%）": Decimal("0.0"),
                "状态": str(ProjectStatus.PLANNED.label),
                "所属规划": plan.title if plan else "",
                "是否公开": "否",
            }
