"""The demo's supervision (督办), laid out relative to the day the loader runs, through the services as the demo
accounts would act: the 镇海区 office (``zhenhai``) has notices out on its red projects — one unanswered past its
deadline and escalated to yellow, one answered on time and closed, one the 宁波市 leader (``leader``) listed red and
whose instruction the office recorded (代录), one due soon — the committee (``committee``) has a notice out on a
proposal and has recorded the promises of 区经信局's recent replies, one of them carried by a portfolio project,
and the office chased a unit for this month's reports.

It needs the demo accounts (``load_demo`` with DEBUG on): supervision records who issued, answered and decided each
step, and a demo without accounts has nobody to act. Loading twice adds nothing (it is skipped once a notice
exists)."""

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from common.db import choice_rank
from common.demo import LoadResult
from projects.choices import Health, ProjectStatus
from projects.models import Project
from proposals.choices import ProposalStatus
from proposals.models import Proposal, Reply

from .. import services
from ..models import Commitment, Event, Instruction, Notice
from ..selectors import units_to_chase

ACCOUNTS = ("zhenhai", "liaison", "signer", "leader", "committee")


def _backdate(obj, when: datetime.datetime, **fields):
    """Move what the services stamped "now" back to the day the step happened in the demo's story."""
    type(obj).objects.filter(pk=obj.pk).update(**fields)
    Event.objects.filter(**{type(obj)._meta.model_name: obj}).update(at=when)


def load(*, today: datetime.date | None = None, create_accounts: bool = False) -> LoadResult:
    result = LoadResult()
    people = {user.username: user for user in User.objects.filter(username__in=ACCOUNTS)}
    if len(people) < len(ACCOUNTS) or Notice.objects.exists():
        return result
    today = today or timezone.localdate()
    office, liaison, leader, committee = people["zhenhai"], people["liaison"], people["leader"], people["committee"]
    unit = liaison.organization

    def moment(days_ago: int) -> datetime.datetime:
        day = today - datetime.timedelta(days=days_ago)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))

    # The projects under way, the most troubled first (red, then yellow, then the latest milestones).
    under_way = (
        Project.objects.top_level()
        .filter(region=office.region, status=ProjectStatus.IN_PROGRESS)
        .with_figures(today)
        .annotate(rank=choice_rank("health", [Health.RED, Health.YELLOW, Health.GREEN]))
        .order_by("rank", "-days_late", "code")
    )
    own = [project for project in under_way if project.lead_org_id == unit.pk]
    others = [project for project in under_way if project.lead_org_id != unit.pk]
    if len(own) < 2 or len(others) < 2:
        return result
    own_red, own_other = own[:1], own[1:]

    with transaction.atomic():
        # 1. 区经信局 has not answered a notice whose deadline passed a week ago: the daily run turned it yellow.
        late = services.notice_issue(
            actor=office,
            project=own_red[0],
            unit=unit,
            text="项目进度严重滞后，请于期限内报送赶工计划及保障措施，明确各节点完成时间和责任人。",
            deadline=today + datetime.timedelta(days=1),
        )
        Notice.objects.filter(pk=late.pk).update(deadline=today - datetime.timedelta(days=7))
        _backdate(late, moment(14), issued_at=moment(14))
        services.escalate_overdue(today)

        # 2. Another unit answered on time; the office accepted and closed the notice.
        closed = services.notice_issue(
            actor=office,
            project=others[0],
            unit=others[0].lead_org,
            text="里程碑逾期，请说明原因并提出整改措施。",
            deadline=today + datetime.timedelta(days=1),
        )
        notice_unit = User.objects.create(
            username="demo-stand-in-notice", organization=others[0].lead_org, is_active=True
        )
        notice_unit.set_unusable_password()
        notice_unit.groups.add(Group.objects.get(name=Role.LIAISON))
        notice_unit.save()
        services.notice_answer(
            actor=notice_unit, notice=closed, text="已调整施工组织，增加两个作业班组，预计下月追回进度。"
        )
        services.notice_accept(actor=office, notice=closed, note="整改措施可行，同意办结，请按计划推进。")
        Notice.objects.filter(pk=closed.pk).update(
            deadline=today - datetime.timedelta(days=10),
            issued_at=moment(20),
            first_answered_at=moment(12),
            answered_at=moment(12),
            closed_at=moment(9),
        )
        Event.objects.filter(notice=closed).update(at=moment(12))

        # 3. A notice the leader listed red (挂牌督办), recorded by the office, with the leader's instruction.
        listed = services.notice_issue(
            actor=office,
            project=others[1],
            unit=others[1].lead_org,
            text="项目连续三个月未完成月度计划，请制定专项整改方案。",
            deadline=today + datetime.timedelta(days=5),
        )
        services.notice_hang_red(actor=office, notice=listed, leader=leader, note="市领导小组会议决定挂牌督办")
        _backdate(listed, moment(6), issued_at=moment(6))
        instruction = services.instruction_give(
            actor=office,
            leader=leader,
            subject=listed,
            units=[others[1].lead_org],
            text="请牵头单位主要负责同志亲自研究，倒排工期，每周报送进展。",
            given_on=today - datetime.timedelta(days=5),
            due_date=today + datetime.timedelta(days=25),
        )
        Event.objects.filter(instruction=instruction).update(at=moment(5))
        notice_unit.delete()

        # 4. A notice due soon that 区经信局 has acknowledged.
        if own_other:
            soon = services.notice_issue(
                actor=office,
                project=own_other[0],
                unit=unit,
                text="请补充上传现场照片及合同文件，完善项目档案。",
                deadline=today + datetime.timedelta(days=3),
            )
            services.notice_acknowledge(actor=liaison, notice=soon)

        # 5. The committee's notice on a proposal 区经信局 still owes a reply to.
        owed = (
            Proposal.objects.filter(
                status__in=ProposalStatus.answering(), assignments__unit=unit, session__region=committee.region
            )
            .exclude(replies__unit=unit, replies__round=1)
            .order_by("due_date")
            .first()
        )
        if owed is not None:
            services.notice_issue(
                actor=committee,
                proposal=owed,
                unit=unit,
                text="该提案答复即将到期，请抓紧办理并按时答复，答复前与提案人当面沟通。",
                deadline=today + datetime.timedelta(days=7),
            )

        # 6. The promises of 区经信局's recent class A/B replies: one carried by a project, one already kept.
        replies = list(
            Reply.objects.issued()
            .filter(unit=unit, result_class__code__in=("A", "B"), proposal__session__region=committee.region)
            .filter(issued_on__gte=today - datetime.timedelta(days=300))
            .select_related("proposal")
            .order_by("issued_on")[:2]
        )
        for position, reply in enumerate(replies):
            commitment = services.commitment_record(
                actor=committee,
                reply=reply,
                text="将提案建议纳入年度智慧城市建设计划，完成相关平台建设并上线运行。",
                due_date=max(today, reply.issued_on) + datetime.timedelta(days=180 - 90 * position),
                projects=own_other[1:2] if position == 0 else [],
            )
            if position == 1:
                services.commitment_confirm(actor=committee, commitment=commitment, note="实地查看，平台已上线运行。")
        Commitment.objects.update(created_at=moment(30))

        # 7. This month's chase of a unit that has not reported.
        period = f"{today:%Y-%m}"
        for row in units_to_chase(office, period, today)[:1]:
            services.report_chase(actor=office, unit=row["unit"], period=period)

    result.created["supervision notices"] = Notice.objects.count()
    result.created["leaders' instructions"] = Instruction.objects.count()
    result.created["promises in replies"] = Commitment.objects.count()
    return result
