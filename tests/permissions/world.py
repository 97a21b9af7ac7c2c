"""The permission table's data: one data set the rows ask about, each role's session signed in once."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from accounts.choices import RegionLevel, Role
from accounts.models import Region
from attachments.services import attach
from jobs.choices import JobStatus
from jobs.models import Job
from notifications.models import Delivery, SentReminder
from notifications.services import notify
from projects import services as portfolio
from projects.choices import ReportStatus
from proposals import services as handling
from proposals.choices import ProposalStatus
from proposals.models import Assignment, Category, Proposal, ResultClass
from reports.assessment import DEFAULT_SCALES
from reports.models import AssessmentRule
from supervision import services as supervision
from tests.attachments import pictures
from tests.factories import (
    FundingFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
    UserFactory,
    issue_reply,
)
from tests.permissions.table import SIGNER, period_of
from tests.proposals.course import Course
from workdays.models import SpecialDay


def city_region() -> Region:
    province = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    return Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=province)


def build_world() -> SimpleNamespace:
    today = timezone.localdate()

    def later_day(days: int) -> datetime.date:
        return today + datetime.timedelta(days=days)

    w = SimpleNamespace(today=today, period=period_of(today))
    w.region = Region.objects.create(name="镇海区", level=RegionLevel.COUNTY, code="330211", parent=city_region())
    w.unit = OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局")
    w.other_unit = OrganizationFactory(name="镇海区水利局", short_name="区水利局")
    w.co_unit = OrganizationFactory(name="镇海区大数据发展中心", short_name="区大数据中心")
    w.spare_org = OrganizationFactory(name="镇海区临时工作专班", short_name="专班")
    w.users = {
        "office": UserFactory(
            username="office-staff",
            organization=OrganizationFactory(name="市智慧办"),
            role=Role.OFFICE,
            is_staff=True,
        ),
        "liaison": UserFactory(username="liaison-own", organization=w.unit, role=Role.LIAISON),
        "other_liaison": UserFactory(username="liaison-other", organization=w.other_unit, role=Role.LIAISON),
        "leader": UserFactory(username="leader", organization=OrganizationFactory(name="市领导小组"), role=Role.LEADER),
        "committee": UserFactory(
            username="committee", organization=OrganizationFactory(name="区政协提案委"), role=Role.COMMITTEE
        ),
        SIGNER: UserFactory(username="signer-own", organization=w.unit, role=Role.SIGNER),
    }
    office, liaison, committee = w.users["office"], w.users["liaison"], w.users["committee"]

    # The portfolio: one project of each liaison's unit, with what hangs off a project.
    w.source = FundingSourceFactory(code="city-budget", name="市级财政资金")
    w.plan = PlanFactory(title="镇海区新型智慧城市建设三年行动计划（2026—2028年）", first_year=2026, last_year=2028)
    w.own_project = ProjectFactory(code="ZH-2026-001", name="城市大脑一期", lead_org=w.unit)
    w.own_project.plans.add(w.plan)
    w.domain = w.own_project.domain
    w.own_milestone = MilestoneFactory(
        project=w.own_project, name="完成招投标", weight=100, planned_date=datetime.date(2026, 3, 31)
    )
    w.own_funding = FundingFactory(project=w.own_project, source=w.source)
    w.others_project = ProjectFactory(code="ZH-2026-002", name="智慧水务监测平台", lead_org=w.other_unit)
    MilestoneFactory(project=w.others_project, name="完成设备安装", planned_date=datetime.date(2026, 9, 30))
    w.own_indicator = IndicatorFactory(plan=w.plan, name="政务服务事项网上可办率", responsible_org=w.unit, unit="%")
    w.own_value = IndicatorValueFactory(indicator=w.own_indicator, period="2026-06", value=Decimal("82"))
    w.others_indicator = IndicatorFactory(plan=w.plan, name="重点河道监测覆盖率", responsible_org=w.other_unit)
    IndicatorValueFactory(indicator=w.others_indicator, period="2026-05")
    w.report = ProgressReportFactory(
        project=w.own_project,
        period=period_of(today, 1),  # last month's, waiting for review; this month's is still to file
        status=ReportStatus.SUBMITTED,
        submitted_by=liaison,
        submitted_at=timezone.now(),
    )
    # A site photo on that report and an approval in the project's file (the attachments' addresses).
    (w.photo,) = attach(actor=liaison, obj=w.report, files=[pictures.photo(1)], check_permission=False)
    (w.document,) = attach(
        actor=office,
        obj=w.own_project,
        files=[pictures.pdf()],
        kind="approval",
        number="镇发改审批〔2026〕8号",
        issued_on=datetime.date(2026, 1, 15),
        check_permission=False,
    )
    requested = ProjectFactory(code="ZH-2026-003", name="城市大脑二期", lead_org=w.unit)
    w.change_request = portfolio.plan_change_request(
        actor=liaison, project=requested, fields={"tier": "pilot"}, reason="调整为试点项目。"
    )
    w.spare_plan = PlanFactory(title="镇海区数字乡村试点任务书", first_year=2026, last_year=2026)
    w.spare_indicator = IndicatorFactory(plan=w.plan, name="待撤销指标", responsible_org=w.unit)
    w.baseline, _ = portfolio.baseline_approve(actor=office, year=2026)

    # Proposals at each stage of their course.
    w.session = SessionFactory()
    w.category = Category.objects.order_by("pk").first()
    w.result_class = ResultClass.objects.get_or_create(code="B", defaults={"name": "列入计划拟解决", "order": 2})[0]
    course = Course(committee=committee, result_class=w.result_class)

    def proposal(title, status, *, lead=None, co=()):
        item = ProposalFactory(session=w.session, title=title, category=w.category)
        return course.bring(item, status, lead=lead, co=co)

    w.submitted = ProposalFactory(session=w.session, title="关于推进城市大脑建设的建议", category=w.category)
    w.filed = proposal("关于建设智慧停车系统的建议", ProposalStatus.FILED)
    w.assigned = proposal("关于推动政务数据共享的建议", ProposalStatus.ASSIGNED, lead=w.unit, co=[w.co_unit])
    w.assignment = Assignment.objects.get(proposal=w.assigned, unit=w.unit)
    w.drafted = proposal("关于推进数据要素流通的建议", ProposalStatus.ASSIGNED, lead=w.unit)
    w.draft = handling.reply_save_draft(
        actor=liaison, proposal=w.drafted, text="拟答复：已列入计划。", result_class=w.result_class
    )
    w.replied = proposal("关于完善一网通办的建议", ProposalStatus.ASSIGNED, lead=w.unit)
    w.reply = issue_reply(
        w.replied, w.unit, liaison=liaison, signer=w.users[SIGNER], text="已列入明年计划。", result_class=w.result_class
    )
    handling.reply_publish(actor=committee, reply=w.reply)
    w.replied = Proposal.objects.get(pk=w.replied.pk)
    closed = proposal("关于加强河道监测的建议", ProposalStatus.ASSIGNED, lead=w.other_unit)
    w.hidden_reply = issue_reply(
        closed, w.other_unit, liaison=w.users["other_liaison"], text="正在研究。", result_class=w.result_class
    )
    handling.proposal_feedback(actor=committee, proposal=closed, satisfaction="satisfied")
    w.proposer = w.replied.lead_proposer

    # Supervision: a notice to the own unit on its project, a leader's instruction recorded by the office (代录), a
    # promise of the issued reply.
    w.notice = supervision.notice_issue(
        actor=office, project=w.own_project, unit=w.unit, text="请说明进度滞后原因。", deadline=later_day(10)
    )
    w.instruction = supervision.instruction_give(
        actor=office,
        subject=w.own_project,
        leader=w.users["leader"],
        text="加快推进。",
        units=[w.unit],
        due_date=later_day(30),
    )
    w.commitment = supervision.commitment_record(
        actor=committee, reply=w.reply, text="明年建成。", due_date=later_day(90)
    )

    # Each role's browser session, signed in once.
    w.sessions = {}
    for role, user in w.users.items():
        client = Client()
        client.force_login(user)
        w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value

    # A row of every model in the admin, so that its pages answer for the row rather than "not found".
    AssessmentRule.objects.create(region=w.region.parent, year=2026, **DEFAULT_SCALES)
    AuthToken.objects.create(w.users["leader"])
    SentReminder.objects.create(recipient=liaison, key="report:overdue", sent_on=today)
    # The liaison's own notification (everyone else is told it does not exist) and its e-mail in the delivery log.
    (w.notification,) = notify([liaison], kind="notice", title="督办通知", url="/", key="world:notice")
    Delivery.objects.get_or_create(
        notification=w.notification, channel="email", defaults={"address": "liaison@example.gov.cn", "kind": "notice"}
    )
    # The liaison's own export job (a failed one: no file, so its download is not found for anyone).
    w.job = Job.objects.create(
        owner=liaison,
        title="项目库",
        path="/projects/",
        query="export=xlsx",
        language="zh-hans",
        status=JobStatus.FAILED,
    )
    attempt = {"username": "intruder", "ip_address": "10.0.0.9", "user_agent": "curl", "http_accept": "*/*"}
    AccessAttempt.objects.create(**attempt, path_info="/", get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt, path_info="/")
    AccessLog.objects.create(**attempt, path_info="/")
    # The calendar's own day (a flush by an earlier transactional test may have emptied the shipped ones).
    w.special_day, _ = SpecialDay.objects.get_or_create(
        date=datetime.date(2026, 10, 10), defaults={"kind": "worked", "holiday": "national_day"}
    )
    w.admin_objects = {
        model._meta.label_lower: model._default_manager.order_by("pk").first() for model in admin.site._registry
    }
    w.client = Client()
    w.fill = {"unit": w.unit.pk, "plan": w.plan.pk, "period": period_of(today, 1), "session": w.session.pk}
    return w
