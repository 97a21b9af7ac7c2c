"""Targets as in the office's 目标责任分解表 (target responsibility breakdown) and their actual values by month:
import and export."""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Organization
from common.spreadsheets.cells import is_blank, normalize
from common.spreadsheets.resources import EXPORT_ONLY, REQUIRED, REQUIRED_NEW, Field, ImportResource, serial_field
from common.spreadsheets.widgets import (
    DeadlineWidget,
    LookupWidget,
    NamesWidget,
    PeriodWidget,
    TextWidget,
    figure_widget,
)

from ..models import Indicator, IndicatorValue, Plan, period_of
from .lookups import unit_lookup


class IndicatorResource(ImportResource):
    """Targets as in the 目标责任分解表, keyed by 所属规划 + 指标. Export reads ``plan``, ``responsible_org``
    (select_related), ``cooperating_orgs`` (prefetched) and the ``with_attainment()`` annotations ``latest_value``
    and ``attainment`` (queried per row when absent)."""

    key = "indicators"
    label = gettext_lazy("Targets (target responsibility breakdown)")
    header_markers = ("指标",)
    required_headers = ("指标", "所属规划")
    row_key_headers = ("指标",)
    header_aliases = {
        "目标": "目标任务",
        "指标名称": "指标",
        "计量单位": "单位",
        "目标值（预期）": "目标值",
        "完成率（%）": "完成率",
        "基期值": "基线",
        "牵头单位": "责任单位",
        "协办单位": "配合单位",
        "完成时间": "完成时限",
        "规划": "所属规划",
    }
    owner_field = "responsible_org"
    export_select_related = ("plan", "responsible_org")
    export_prefetch_related = ("cooperating_orgs",)

    serial = serial_field()
    goal = Field("goal", "目标任务", TextWidget(), kind="long")
    name = Field("name", "指标", TextWidget(keep_when_blank=True), required=REQUIRED)
    unit = Field("unit", "单位", TextWidget(), note=gettext_lazy("The unit of measure, such as 万户 or 家."))
    target = Field("target", "目标值", figure_widget(), kind="number", required=REQUIRED_NEW)
    baseline = Field("baseline", "基线", figure_widget(), kind="number", clears=True)
    latest_value = Field(column_name="当前值", kind="number", required=EXPORT_ONLY)
    attainment = Field(column_name="完成率", kind="percent", required=EXPORT_ONLY)
    responsible_org = Field("responsible_org", "责任单位", unit_lookup(), required=REQUIRED_NEW)
    cooperating_orgs = Field(
        "cooperating_orgs",
        "配合单位",
        NamesWidget(Organization, ("name", "short_name"), "name"),
        note=gettext_lazy("Units separated by 、"),
    )
    deadline = Field("deadline", "完成时限", DeadlineWidget(), kind="date", clears=True)
    plan = Field("plan", "所属规划", LookupWidget(Plan, ("title",)), required=REQUIRED)

    class Meta:
        model = Indicator
        import_id_fields = ("plan", "name")
        fields = (
            "serial",
            "goal",
            "name",
            "unit",
            "target",
            "baseline",
            "latest_value",
            "attainment",
            "responsible_org",
            "cooperating_orgs",
            "deadline",
            "plan",
        )

    def get_queryset(self):
        return Indicator.objects.select_related("plan", "responsible_org").prefetch_related("cooperating_orgs")

    def get_export_queryset(self):
        return Indicator.objects.with_attainment()

    def _attainment(self, obj) -> dict:
        if hasattr(obj, "attainment") and hasattr(obj, "latest_value"):
            return {"latest_value": obj.latest_value, "attainment": obj.attainment}
        if obj.pk is None:
            return {"latest_value": None, "attainment": None}
        figures = getattr(obj, "_export_figures", None)
        if figures is None:
            figures = Indicator.objects.with_attainment().values("latest_value", "attainment").get(pk=obj.pk)
            obj._export_figures = figures
        return figures

    def dehydrate_latest_value(self, obj):
        value = self._attainment(obj)["latest_value"]
        return None if value is None else Decimal(str(value)).normalize()

    def dehydrate_attainment(self, obj):
        value = self._attainment(obj)["attainment"]
        return None if value is None else round(Decimal(str(value)), 1)

    def template_sample(self):
        plan = Plan.objects.first()
        unit = Organization.objects.order_by("name").first()
        return {
            "目标任务": "加快信息基础设施建设",
            "指标": "光纤宽带覆盖",
            "单位": "万户",
            "目标值": Decimal("150"),
            "基线": Decimal("120"),
            "责任单位": unit.name if unit else "市经信委",
            "配合单位": "",
            "完成时限": datetime.date(timezone.localdate().year, 12, 31),
            "所属规划": plan.title if plan else "",
        }


class IndicatorWidget(LookupWidget):
    """An indicator by its name (指标) within the plan named in the same row (所属规划)."""

    def __init__(self):
        super().__init__(Indicator, ("name",), "name", select_related=("plan",))

    def remember(self, obj):
        self._by_field[0].setdefault((normalize(obj.plan.title), normalize(obj.name)), {})[obj.pk] = obj

    def prime(self, values):
        wanted = {normalize(value) for value in values if not is_blank(value)} - self._looked_up
        if not wanted:
            return
        raw = {str(value).strip() for value in values if not is_blank(value)}
        for obj in Indicator.objects.filter(name__in=wanted | raw).select_related("plan"):
            self.remember(obj)
        self._looked_up |= wanted

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        plan = (row or {}).get("所属规划")
        if is_blank(plan):
            raise ValueError(_("Name the plan (所属规划) the indicator belongs to."))
        if normalize(value) not in self._looked_up:
            self.prime([value])
        found = self._by_field[0].get((normalize(plan), normalize(value)))
        if not found:
            raise ValueError(_("The plan “%(plan)s” has no indicator “%(name)s”.") % {"plan": plan, "name": value})
        return next(iter(found.values()))


class IndicatorValueResource(ImportResource):
    """Actual values of targets by month, keyed by 所属规划 + 指标 + 报告期. Export reads ``indicator__plan``."""

    key = "indicator-values"
    label = gettext_lazy("Target values")
    header_markers = ("实际值",)
    required_headers = ("所属规划", "指标", "报告期", "实际值")
    row_key_headers = ("指标", "报告期")
    header_aliases = {"指标名称": "指标", "月份": "报告期", "当前值": "实际值", "数值": "实际值", "规划": "所属规划"}
    owner_field = "indicator"
    export_select_related = ("indicator__plan",)

    serial = serial_field()
    plan = Field(column_name="所属规划", required=REQUIRED, note=gettext_lazy("The plan the indicator belongs to."))
    indicator = Field("indicator", "指标", IndicatorWidget(), required=REQUIRED)
    period = Field("period", "报告期", PeriodWidget(), required=REQUIRED)
    value = Field("value", "实际值", figure_widget(), kind="number", required=REQUIRED_NEW)
    note = Field("note", "备注", TextWidget())

    class Meta:
        model = IndicatorValue
        import_id_fields = ("indicator", "period")
        fields = ("serial", "plan", "indicator", "period", "value", "note")

    def get_queryset(self):
        return IndicatorValue.objects.select_related("indicator__plan")

    def dehydrate_plan(self, obj):
        return obj.indicator.plan.title if obj.indicator_id else ""

    def template_sample(self):
        indicator = Indicator.objects.select_related("plan").first()
        return {
            "所属规划": indicator.plan.title if indicator else "",
            "指标": indicator.name if indicator else "光纤宽带覆盖",
            "报告期": period_of(timezone.localdate()),
            "实际值": Decimal("130"),
            "备注": "",
        }
