"""A project's milestones (节点), funding by source and year, and monthly progress reports (进度月报): import and
export. Reports are filed through ``projects.services``, the rules of the reporting page."""

import datetime
import re
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.spreadsheets.cells import is_blank, month_text, normalize, parse_period
from common.spreadsheets.resources import EXPORT_ONLY, REQUIRED, REQUIRED_NEW, Field, ImportResource, serial_field
from common.spreadsheets.widgets import (
    ChoiceWidget,
    DateWidget,
    LookupWidget,
    NumberWidget,
    PeriodWidget,
    TextWidget,
    money_widget,
)

from ..choices import ReportStatus
from ..models import Funding, FundingSource, Milestone, ProgressReport, Project, period_of
from .lookups import project_lookup

# A month named in a table's title (2026年5月, not followed by a day) or labelled (报告期：2026-05).
PERIOD_IN_TEXT = re.compile(r"(\d{4})年(\d{1,2})月(?!\d)")
PERIOD_LABELLED = re.compile(r"报告期[:：]([0-9年月/.\-]+)")
REPORT_CONTENT = ("形象进度（%）", "本期完成投资（万元）", "本期进展", "存在问题", "下步计划")


def _project_name(obj) -> str:
    return obj.project.name if obj.project_id else ""


def _project_lead(obj) -> str:
    return obj.project.lead_org.name if obj.project_id else ""


class MilestoneResource(ImportResource):
    """Milestones (节点), keyed by 项目编号 + 节点名称. Export reads ``project`` and ``project__lead_org``."""

    key = "milestones"
    label = gettext_lazy("Milestones")
    header_markers = ("节点名称",)
    required_headers = ("项目编号", "节点名称")
    row_key_headers = ("项目编号", "节点名称")
    header_aliases = {"节点": "节点名称", "计划日期": "计划完成日期", "实际日期": "实际完成日期", "权重（%）": "权重"}
    owner_field = "project"
    export_select_related = ("project__lead_org",)

    serial = serial_field()
    project = Field("project", "项目编号", project_lookup(), required=REQUIRED)
    project_name = Field(column_name="项目名称", required=EXPORT_ONLY)
    lead_unit = Field(column_name="牵头单位", required=EXPORT_ONLY)
    name = Field("name", "节点名称", TextWidget(keep_when_blank=True), required=REQUIRED)
    weight = Field("weight", "权重", NumberWidget(minimum=1, maximum=100, integer=True), kind="integer")
    planned_date = Field("planned_date", "计划完成日期", DateWidget(), kind="date", required=REQUIRED_NEW)
    actual_date = Field("actual_date", "实际完成日期", DateWidget(), kind="date", clears=True)
    note = Field("note", "备注", TextWidget())

    class Meta:
        model = Milestone
        import_id_fields = ("project", "name")
        fields = (
            "serial",
            "project",
            "project_name",
            "lead_unit",
            "name",
            "weight",
            "planned_date",
            "actual_date",
            "note",
        )

    def get_queryset(self):
        return Milestone.objects.select_related("project")

    dehydrate_project_name = staticmethod(_project_name)
    dehydrate_lead_unit = staticmethod(_project_lead)

    def template_sample(self):
        project = Project.objects.order_by("code").first()
        year = timezone.localdate().year
        return {
            "项目编号": project.code if project else "NB2012-KEY-01",
            "节点名称": "专家评审",
            "权重": 10,
            "计划完成日期": datetime.date(year, 6, 30),
            "实际完成日期": None,
            "备注": "",
        }


class FundingResource(ImportResource):
    """A project's money by source and year, keyed by 项目编号 + 资金来源 + 年度. Export reads ``project`` and
    ``source``."""

    key = "fundings"
    label = gettext_lazy("Funding")
    header_markers = ("资金来源",)
    required_headers = ("项目编号", "资金来源", "年度")
    row_key_headers = ("项目编号", "资金来源")
    header_aliases = {
        "年份": "年度",
        "计划（万元）": "计划资金（万元）",
        "下达（万元）": "下达资金（万元）",
        "到位（万元）": "到位资金（万元）",
    }
    owner_field = "project"
    export_select_related = ("project", "source")

    serial = serial_field()
    project = Field("project", "项目编号", project_lookup(), required=REQUIRED)
    project_name = Field(column_name="项目名称", required=EXPORT_ONLY)
    source = Field("source", "资金来源", LookupWidget(FundingSource, ("name", "code")), required=REQUIRED)
    year = Field(
        "year", "年度", NumberWidget(minimum=2000, maximum=2100, integer=True), kind="integer", required=REQUIRED
    )
    planned = Field("planned", "计划资金（万元）", money_widget(), kind="money")
    allocated = Field("allocated", "下达资金（万元）", money_widget(), kind="money")
    disbursed = Field("disbursed", "到位资金（万元）", money_widget(), kind="money")

    class Meta:
        model = Funding
        import_id_fields = ("project", "source", "year")
        fields = ("serial", "project", "project_name", "source", "year", "planned", "allocated", "disbursed")

    def get_queryset(self):
        return Funding.objects.select_related("project", "source")

    dehydrate_project_name = staticmethod(_project_name)

    def template_sample(self):
        project = Project.objects.order_by("code").first()
        source = FundingSource.objects.first()
        return {
            "项目编号": project.code if project else "NB2012-KEY-01",
            "资金来源": source.name if source else "市智慧城市专项资金",
            "年度": timezone.localdate().year,
            "计划资金（万元）": Decimal("500.00"),
            "下达资金（万元）": Decimal("0.00"),
            "到位资金（万元）": Decimal("0.00"),
        }


class ProgressReportResource(ImportResource):
    """Monthly progress reports (进度月报), keyed by 项目编号 + 报告期. Rows are filed through
    ``services.progress_report_submit``, the rules of the reporting page: submitted by the importing user, for a
    project of their own unit (office staff: any), and an approved report cannot be changed. Export reads
    ``project`` and ``project__lead_org``."""

    key = "reports"
    label = gettext_lazy("Progress reports")
    header_markers = ("报告期",)
    required_headers = ("项目编号", "报告期")
    row_key_headers = ("项目编号", "报告期")
    header_aliases = {
        "填报月份": "报告期",
        "月份": "报告期",
        "报送状态": "状态",
        "进度（%）": "形象进度（%）",
        "投资完成额（万元）": "本期完成投资（万元）",
        "下一步计划": "下步计划",
    }
    office_only = False
    owner_field = "project"
    deferred_history = False
    export_select_related = ("project__lead_org",)

    serial = serial_field()
    project = Field("project", "项目编号", project_lookup(), required=REQUIRED)
    project_name = Field(column_name="项目名称", required=EXPORT_ONLY)
    lead_unit = Field(column_name="牵头单位", required=EXPORT_ONLY)
    period = Field("period", "报告期", PeriodWidget(), required=REQUIRED)
    progress = Field(
        "progress", "形象进度（%）", NumberWidget(1, minimum=0, maximum=100), kind="percent", required=REQUIRED_NEW
    )
    investment_completed = Field("investment_completed", "本期完成投资（万元）", money_widget(), kind="money")
    summary = Field("summary", "本期进展", TextWidget(keep_when_blank=True), kind="long", required=REQUIRED_NEW)
    problems = Field("problems", "存在问题", TextWidget(), kind="long")
    next_steps = Field("next_steps", "下步计划", TextWidget(), kind="long")
    decline_reason = Field("decline_reason", "进度回调原因", TextWidget(), kind="long")
    status = Field("status", "状态", ChoiceWidget(ReportStatus), required=EXPORT_ONLY)

    class Meta:
        model = ProgressReport
        import_id_fields = ("project", "period")
        fields = (
            "serial",
            "project",
            "project_name",
            "lead_unit",
            "period",
            "progress",
            "investment_completed",
            "summary",
            "problems",
            "next_steps",
            "decline_reason",
            "status",
        )

    def get_queryset(self):
        return ProgressReport.objects.select_related("project__lead_org")

    dehydrate_project_name = staticmethod(_project_name)
    dehydrate_lead_unit = staticmethod(_project_lead)

    @classmethod
    def preamble_columns(cls, preamble, headers):
        """The office's 进度月报 names its month in the title (…进度月报（2026年5月）) rather than in a column."""
        if "报告期" in headers:
            return {}
        for text in preamble:
            labelled = PERIOD_LABELLED.search(normalize(text))
            if labelled:
                try:
                    return {"报告期": parse_period(labelled.group(1))}
                except ValueError:
                    pass
            month = PERIOD_IN_TEXT.search(normalize(text))
            if month and 1 <= int(month.group(2)) <= 12:
                return {"报告期": month_text(int(month.group(1)), int(month.group(2)))}
        return {}

    @classmethod
    def row_is_data(cls, record):
        """A project listed without any report (未报送 in the office's table) is not a report."""
        present = [header for header in REPORT_CONTENT if header in record]
        return not present or any(not is_blank(record[header]) for header in present)

    def permission_message(self):
        return _("You may only report on projects led by your own unit.")

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        # The reporting page's rule, checked here too so that a dry run reports it.
        if not instance._state.adding and instance.status == ReportStatus.APPROVED:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This report has been approved and can no longer be changed.")]}
            )
        from ..services import check_report_rules

        check_report_rules(instance)

    def do_instance_save(self, instance, is_create):
        from common.exceptions import ActionForbidden, WorkflowError

        from ..services import progress_report_submit

        fields = ("project", "period", "progress", "investment_completed", "summary", "problems", "next_steps")
        data = {name: getattr(instance, name) for name in (*fields, "decline_reason")}
        try:
            # A spreadsheet carries no photos: those a report needs are added to it afterwards, before approval.
            saved = progress_report_submit(
                actor=self.user, data=data, report=None if is_create else instance, photos_follow=True
            )
        except (WorkflowError, ActionForbidden) as error:
            raise ValidationError({NON_FIELD_ERRORS: [str(error.message)]}) from error
        instance.pk = saved.pk
        instance._state.adding = False

    def template_sample(self):
        project = Project.objects.reporting().order_by("code").first() or Project.objects.order_by("code").first()
        return {
            "项目编号": project.code if project else "NB2012-KEY-01",
            "报告期": period_of(timezone.localdate()),
            "形象进度（%）": Decimal("45.0"),
            "本期完成投资（万元）": Decimal("120.00"),
            "本期进展": "完成招投标，签订建设合同。",
            "存在问题": "",
            "下步计划": "开工建设。",
        }
