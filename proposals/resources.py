"""Spreadsheet import and export of proposals (提案办理台账), on the spreadsheet engine of ``common.spreadsheets``.

Importing files proposals as submitted (paper proposals registered by the committee) through
``services.proposal_submit``, or corrects a submitted one through ``services.proposal_update``; it never moves the
workflow. The handling columns (承办单位, 状态, 办理结果, 满意度, 交办日期, 答复日期, 办理天数) are export-only: units,
replies, sign-off and publication are never imported (they go through the workflow's services, by the people whose
step they are). 答复日期 is the day the reply was signed off.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.exceptions import ActionForbidden, WorkflowError
from common.spreadsheets.cells import NAME_SEPARATOR, NAME_SPLIT, is_blank, normalize
from common.spreadsheets.resources import (
    EXPORT_ONLY,
    REQUIRED,
    REQUIRED_NEW,
    Field,
    ImportResource,
    add_prefetches,
    prefetched,
    serial_field,
)
from common.spreadsheets.widgets import ChoiceWidget, DateWidget, LookupWidget, TextWidget

from . import services
from .choices import AssignmentRole, ProposalStatus
from .models import Assignment, Category, Proposal, Reply, Session

ROLE_ORDER = {AssignmentRole.LEAD: 0, AssignmentRole.SEPARATE: 1, AssignmentRole.CO: 2}


class CppccLookupWidget(LookupWidget):
    """A session or category by name among ``rows``: the importing committee's own CPPCC's (``ProposalResource``),
    so that the same name in two CPPCCs never crosses between them."""

    def __init__(self, model, lookup_fields=("name",)):
        super().__init__(model, lookup_fields)
        self.rows = model.objects.all()

    def prime(self, values):
        wanted = {normalize(value) for value in values if not is_blank(value)} - self._looked_up
        if not wanted:
            return
        raw = {str(value).strip() for value in values if not is_blank(value)}
        condition = Q()
        for field in self.lookup_fields:
            condition |= Q(**{f"{field}__in": wanted | raw})
        for obj in self.rows.filter(condition):
            self.remember(obj)
        self._looked_up |= wanted


class ProposalResource(ImportResource):
    """Proposals keyed by 届次 + 编号; proposers by name (提案人, joined by 、, the lead proposer first). 标题 is the
    title (案由, as the ledger heads it, is read as the title too), 提案内容 the problem statement and 建议 the
    suggested measures. A file without a 届次 column takes the session named above its header row (the ledger's
    title: 十五届四次提案办理台账).

    Export reads ``session``, ``category`` (select_related), ``signatures__proposer``, the assignments with their
    units, the replies with their result classes and the feedback (prefetched; ``prepare_export_queryset`` adds
    them as ``export_assignments``, ``export_replies`` and ``export_feedbacks``, or plain ``assignments``/
    ``replies``/``feedbacks`` prefetches are used). Anything missing is queried per row.
    """

    key = "proposals"
    label = gettext_lazy("Proposals")
    header_markers = ("标题", "编号")
    required_headers = ("届次", "编号")
    row_key_headers = ("编号", "标题")
    header_aliases = {
        "届次会次": "届次",
        "会次": "届次",
        "案号": "编号",
        "提案号": "编号",
        "提案编号": "编号",
        "案由": "标题",  # the title, as the committee's ledger (提案办理台账) heads it
        "提案标题": "标题",
        "题目": "标题",
        "提案者": "提案人",
        "内容": "提案内容",
        "问题": "提案内容",
        "建议办法": "建议",
        "办法": "建议",
        "提案类别": "类别",
        "提交时间": "提交日期",
        "办理状态": "状态",
    }
    office_only = False
    deferred_history = False  # the services record it

    serial = serial_field()
    session = Field("session", "届次", CppccLookupWidget(Session), required=REQUIRED)
    number = Field("number", "编号", TextWidget(keep_when_blank=True), required=REQUIRED)
    title = Field("title", "标题", TextWidget(keep_when_blank=True), required=REQUIRED_NEW)
    proposers = Field(
        column_name="提案人",
        required=REQUIRED_NEW,
        note=gettext_lazy("Names joined by 、, the lead proposer first; unknown names are added as proposers."),
    )
    category = Field("category", "类别", CppccLookupWidget(Category))
    submitted_on = Field("submitted_on", "提交日期", DateWidget(), kind="date", required=REQUIRED_NEW)
    content = Field("content", "提案内容", TextWidget(), kind="long")
    suggestions = Field("suggestions", "建议", TextWidget(), kind="long")
    units = Field(column_name="承办单位", required=EXPORT_ONLY)
    status = Field("status", "状态", ChoiceWidget(ProposalStatus), required=EXPORT_ONLY)
    result = Field(column_name="办理结果", required=EXPORT_ONLY)
    satisfaction = Field(column_name="满意度", required=EXPORT_ONLY)
    assigned_on = Field(column_name="交办日期", kind="date", required=EXPORT_ONLY)
    replied_on = Field(column_name="答复日期", kind="date", required=EXPORT_ONLY)
    handling_days = Field(column_name="办理天数", kind="integer", required=EXPORT_ONLY)

    class Meta:
        model = Proposal
        import_id_fields = ("session", "number")
        fields = (
            "serial",
            "session",
            "number",
            "title",
            "proposers",
            "category",
            "submitted_on",
            "content",
            "suggestions",
            "units",
            "status",
            "result",
            "satisfaction",
            "assigned_on",
            "replied_on",
            "handling_days",
        )

    export_select_related = ("session", "category")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.user is not None:
            # Sessions and categories by name within the importing committee's own CPPCC (names repeat across them);
            # proposers are the session's CPPCC's too (``services.proposers_from_names``).
            for name in ("session", "category"):
                widget = self.fields[name].widget
                widget.rows = self.user.scope(widget.model.objects.all(), "change")

    def get_queryset(self):
        return Proposal.objects.select_related("session", "category").prefetch_related("signatures__proposer")

    @classmethod
    def preamble_columns(cls, preamble, headers):
        if "届次" in headers:
            return {}
        text = normalize("".join(preamble))
        for name in sorted(Session.objects.values_list("name", flat=True), key=len, reverse=True):
            if normalize(name) in text:
                return {"届次": name}
        return {}

    def prepare_export_queryset(self, queryset):
        return add_prefetches(
            super().prepare_export_queryset(queryset),
            "signatures__proposer",
            Prefetch("assignments", Assignment.objects.select_related("unit"), to_attr="export_assignments"),
            Prefetch("replies", Reply.objects.select_related("result_class"), to_attr="export_replies"),
            Prefetch("feedbacks", to_attr="export_feedbacks"),
        )

    # ----- import ------------------------------------------------------------------------------------------------

    def import_extra(self, instance, row, *, new, errors, **kwargs):
        instance._import_proposers = None
        if "提案人" not in row or is_blank(row["提案人"]):
            if new:
                raise ValidationError({"proposers": [_("Name at least one proposer.")]})
            return
        names = list(dict.fromkeys(part.strip() for part in NAME_SPLIT.split(str(row["提案人"])) if part.strip()))
        too_long = [name for name in names if len(name) > 100]
        if too_long:
            raise ValidationError({"proposers": [_("A proposer's name has at most 100 characters.")]})
        instance._import_proposers = names

    def extra_changes(self, instance, original, row):
        names = getattr(instance, "_import_proposers", None)
        if names is None:
            return []
        # The instance's own prefetched signatures (not yet changed): a deep copy loses them.
        before = [signature.proposer.name for signature in instance.ordered_signatures]
        if names == before:
            instance._import_proposers = None
            return []
        return [("提案人", NAME_SEPARATOR.join(before), NAME_SEPARATOR.join(names))]

    def must_save(self, instance, is_create):
        return super().must_save(instance, is_create) or instance._import_proposers is not None

    def do_instance_save(self, instance, is_create):
        data = {
            name: getattr(instance, name) for name in ("title", "category", "content", "suggestions", "submitted_on")
        }
        try:
            if is_create:
                saved = services.proposal_submit(
                    actor=self.user,
                    data={"session": instance.session, "number": instance.number, **data},
                    proposers=instance._import_proposers,
                )
            else:
                saved = services.proposal_update(
                    actor=self.user, proposal=instance, data=data, proposers=instance._import_proposers
                )
        except (WorkflowError, ActionForbidden) as error:
            raise ValidationError({NON_FIELD_ERRORS: [str(error.message)]}) from error
        instance.pk = saved.pk
        instance._state.adding = False

    def template_sample(self):
        session = self.fields["session"].widget.rows.first()
        category = self.fields["category"].widget.rows.first()
        today = timezone.localdate()
        return {
            "届次": session.name if session else "十五届四次",
            "编号": "001",
            "标题": "关于推动智慧城市建设的建议",
            "提案人": "储建华、王明",
            "类别": category.name if category else "",
            "提交日期": today,
            "提案内容": "部门之间信息资源缺乏共享。",
            "建议": "建立统一的数据共享交换平台。",
        }

    # ----- export ------------------------------------------------------------------------------------------------

    def _related(self, obj, name: str, queryset):
        rows = getattr(obj, f"export_{name}", None)
        if rows is None:
            rows = prefetched(obj, name)
        if rows is None:
            rows = list(queryset)
        return rows

    def _assignments(self, obj):
        rows = self._related(obj, "assignments", obj.assignments.select_related("unit"))
        return sorted(rows, key=lambda a: (ROLE_ORDER.get(a.role, 9), a.unit.name))

    def _replies(self, obj):
        """The issued replies of the latest round that has any (drafts count nowhere)."""
        replies = self._related(obj, "replies", obj.replies.select_related("result_class"))
        replies = [reply for reply in replies if reply.is_issued]
        latest = max((reply.round for reply in replies), default=None)
        return [reply for reply in replies if reply.round == latest]

    def dehydrate_proposers(self, obj):
        return NAME_SEPARATOR.join(signature.proposer.name for signature in obj.ordered_signatures)

    def dehydrate_units(self, obj):
        with translation.override("zh-hans"):
            return NAME_SEPARATOR.join(
                f"{assignment.unit.name}（{AssignmentRole(assignment.role).label}）"
                for assignment in self._assignments(obj)
            )

    def dehydrate_result(self, obj):
        return NAME_SEPARATOR.join(
            dict.fromkeys(f"{reply.result_class.code}类 {reply.result_class.name}" for reply in self._replies(obj))
        )

    def dehydrate_satisfaction(self, obj):
        feedbacks = self._related(obj, "feedbacks", obj.feedbacks.all())
        latest = max((feedback.round for feedback in feedbacks), default=None)
        with translation.override("zh-hans"):
            return NAME_SEPARATOR.join(
                dict.fromkeys(
                    str(feedback.get_satisfaction_display()) for feedback in feedbacks if feedback.round == latest
                )
            )

    def dehydrate_assigned_on(self, obj):
        return min((assignment.assigned_on for assignment in self._assignments(obj)), default=None)

    def dehydrate_replied_on(self, obj):
        """The day the latest reply was signed off: what the time taken and "on time" are judged by."""
        return max((reply.signed_off_on for reply in self._replies(obj)), default=None)

    def dehydrate_handling_days(self, obj):
        assigned = self.dehydrate_assigned_on(obj)
        if assigned is None:
            return None
        replied = self.dehydrate_replied_on(obj)
        if replied is None:
            if obj.status not in ProposalStatus.awaiting_reply():
                return None
            replied = timezone.localdate()
        return (replied - assigned).days
