"""The synthetic portfolio's proposals: sessions, proposers, proposals with their units, replies and feedback."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from accounts.choices import OrganizationKind
from accounts.models import Organization
from bench.synthetic import CITY_DEPARTMENTS, NAME_PREFIX, PLACES, PROJECT_SUBJECTS, weighted
from common.dates import add_months
from proposals.choices import AssignmentRole, ProposalStatus, ProposerKind, ReplyStatus, Satisfaction
from proposals.models import (
    Assignment,
    Category,
    Feedback,
    Proposal,
    Proposer,
    Reply,
    ResultClass,
    Session,
    Signature,
)
from proposals.services import default_due_date, latest_due_date, opinion_due_date

RESULT_CLASSES = [
    ("A", "解决或采纳", "问题已解决或基本解决，建议已采纳"),
    ("B", "列入计划拟解决", "正在解决或已列入计划"),
    ("C", "留作参考", "因条件限制暂时无法解决，留作参考"),
]
PROPOSAL_STATUS_WEIGHTS = {
    ProposalStatus.ASSIGNED: 25,
    ProposalStatus.REPLIED: 20,
    ProposalStatus.REHANDLING: 10,
    ProposalStatus.CLOSED: 45,
}
RESULT_CLASS_WEIGHTS = {"A": 50, "B": 35, "C": 15}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN_NAMES = ["建国", "海燕", "志强", "晓明", "丽华", "文杰", "秀英", "国平", "静", "磊", "敏", "军"]
SECTORS = ["经济界", "科技界", "教育界", "医药卫生界", "农业界", "社会福利界", "无党派人士"]
PARTIES = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "无党派"]


@dataclass
class ProposalCourse:
    """How one proposal went: its units (lead first), proposers (lead first), dates, reply and feedback."""

    units: list[Organization]
    signers: list[Proposer]
    assigned_on: datetime.date
    original_due_date: datetime.date
    due_date: datetime.date | None = None
    extension_reason: str = ""
    issued_on: datetime.date | None = None
    reply_due_date: datetime.date | None = None
    satisfaction: str | None = None
    given_on: datetime.date | None = None
    proposal: Proposal | None = None


class ProposalSeeding:
    """The proposals half of ``ScalePortfolio`` (``bench/seed_portfolio.py``): it uses the portfolio's ``rng``,
    ``today``, ``units``, ``domains``, ``projects`` and ``create``."""

    def ensure_result_classes(self) -> dict[str, ResultClass]:
        for order, (code, name, description) in enumerate(RESULT_CLASSES, start=1):
            ResultClass.objects.get_or_create(
                code=code, region=None, defaults={"name": name, "description": description, "order": order}
            )
        # The seeded sessions are of no region: so are the classes and categories their proposals take.
        return {
            result_class.code: result_class
            for result_class in ResultClass.objects.filter(code__in=RESULT_CLASS_WEIGHTS, region=None)
        }

    def build_proposers(self) -> list[Proposer]:
        rng = self.rng
        proposers = []
        for index in range(1, 201):
            if index % 10 == 0:
                proposers.append(
                    Proposer(name=f"{NAME_PREFIX}{rng.choice(PARTIES)}支部{index:03d}", kind=ProposerKind.ORGANIZATION)
                )
            else:
                proposers.append(
                    Proposer(
                        name=f"{NAME_PREFIX}{rng.choice(SURNAMES)}{rng.choice(GIVEN_NAMES)}{index:03d}",
                        kind=ProposerKind.MEMBER,
                        sector=rng.choice(SECTORS),
                        party=rng.choice(PARTIES),
                        organization=rng.choice(CITY_DEPARTMENTS),
                    )
                )
        return self.create("proposers", Proposer, proposers)

    def build_proposals(self, count: int):
        """Proposals of two sessions, each with its units, and replies and feedback as its status requires. The
        dates follow the workflow's rules (reply due three months after assignment, six at most; a second round
        after an unsatisfied feedback), so that some proposals are overdue."""
        rng, today = self.rng, self.today
        result_classes = self.ensure_result_classes()
        categories = list(Category.objects.filter(region=None).order_by("pk")) or [None]
        sessions = self.create(
            "sessions",
            Session,
            [
                Session(name=f"{NAME_PREFIX}十三届{number}", year=opening.year, opening_date=opening)
                for number, opening in (("五次", add_months(today, -22)), ("六次", add_months(today, -10)))
            ],
        )
        proposers = self.build_proposers()
        handling_units = [unit for unit in self.units if unit.kind != OrganizationKind.COMPANY]
        numbers = dict.fromkeys(sessions, 0)
        courses = []
        for status in weighted(rng, PROPOSAL_STATUS_WEIGHTS, count):
            session = rng.choice(sessions)
            numbers[session] += 1
            submitted_on = session.opening_date + datetime.timedelta(days=rng.randint(0, 4))
            assigned_on = min(
                submitted_on + datetime.timedelta(days=rng.randint(7, max(7, (today - submitted_on).days - 30))), today
            )
            course = ProposalCourse(
                units=rng.sample(handling_units, 2 if rng.random() < 0.35 else 1),
                signers=rng.sample(proposers, rng.choices([1, 2, 3, 4], weights=[55, 25, 12, 8])[0]),
                assigned_on=assigned_on,
                original_due_date=default_due_date(assigned_on),
            )
            due_date = course.original_due_date
            if rng.random() < 0.15:
                due_date = min(add_months(due_date, rng.randint(1, 2)), latest_due_date(assigned_on))
                course.extension_reason = "需协调多个部门，申请延期答复。"
            if status != ProposalStatus.ASSIGNED:
                # Up to four months after assignment: some replies come after their due date.
                course.issued_on = min(assigned_on + datetime.timedelta(days=rng.randint(15, 120)), today)
                course.reply_due_date = due_date
            if status == ProposalStatus.REHANDLING:
                course.satisfaction = Satisfaction.UNSATISFIED
            elif status == ProposalStatus.CLOSED and rng.random() < 0.85:
                course.satisfaction = rng.choice(Satisfaction.content())
            if course.satisfaction:
                course.given_on = min(course.issued_on + datetime.timedelta(days=rng.randint(3, 30)), today)
            if status == ProposalStatus.REHANDLING:
                # A new round, not an extension: every unit's due date starts afresh (as the feedback service does).
                due_date = course.original_due_date = add_months(
                    course.given_on, settings.PROPOSALS["REHANDLING_MONTHS"]
                )
                course.extension_reason = ""
            course.due_date = due_date
            domain = rng.choice(self.domains)
            is_key = rng.random() < 0.05
            course.proposal = Proposal(
                session=session,
                number=f"{numbers[session]:04d}",
                title=f"关于加快{rng.choice(PLACES)}{domain.name}{rng.choice(PROJECT_SUBJECTS)}建设的建议",
                category=rng.choice(categories),
                content="部门间数据共享不足，业务系统重复建设。",
                suggestions="统筹规划，建设统一平台，推动数据共享。",
                submitted_on=submitted_on,
                is_key=is_key,
                supervising_leader=f"{NAME_PREFIX}副市长" if is_key else "",
                status=status,
                round=2 if status == ProposalStatus.REHANDLING else 1,
                due_date=due_date,
            )
            courses.append(course)
        self.create("proposals", Proposal, [course.proposal for course in courses])

        signatures, assignments, replies, feedbacks, related = [], [], [], [], []
        for course in courses:
            proposal, lead_unit = course.proposal, course.units[0]
            signatures += [
                Signature(proposal=proposal, proposer=proposer, position=position)
                for position, proposer in enumerate(course.signers, start=1)
            ]
            for role, unit in zip((AssignmentRole.LEAD, AssignmentRole.CO), course.units, strict=False):
                opinion_on = None
                if role == AssignmentRole.CO and (course.issued_on or rng.random() < 0.5):
                    # A co-handling unit sends its opinion before the lead unit replies.
                    opinion_on = min(
                        course.assigned_on + datetime.timedelta(days=rng.randint(5, 14)), course.issued_on or today
                    )
                assignments.append(
                    Assignment(
                        proposal=proposal,
                        unit=unit,
                        role=role,
                        assigned_on=course.assigned_on,
                        due_date=course.due_date,
                        original_due_date=course.original_due_date,
                        extension_reason=course.extension_reason,
                        opinion_due_date=(
                            opinion_due_date(course.assigned_on, course.due_date) if role == AssignmentRole.CO else None
                        ),
                        opinion="同意主办单位意见，配合做好相关工作。" if opinion_on else "",
                        opinion_on=opinion_on,
                    )
                )
            if course.issued_on:
                replies.append(
                    Reply(
                        proposal=proposal,
                        unit=lead_unit,
                        round=1,
                        text="经研究，我单位将按照建议推进相关工作。",
                        result_class=result_classes[weighted(rng, RESULT_CLASS_WEIGHTS)[0]],
                        doc_number=f"{lead_unit.short_name}函〔{course.issued_on.year}〕{proposal.number}号",
                        status=ReplyStatus.ISSUED,
                        issued_on=course.issued_on,
                        # Signed off in the system on the letter's day (the bench has no drafts).
                        signed_off_on=course.issued_on,
                        signed_off_at=timezone.make_aware(
                            datetime.datetime.combine(course.issued_on, datetime.time(10))
                        ),
                        due_date=course.reply_due_date,
                        signer=f"{NAME_PREFIX}局长",
                        is_public=rng.random() < 0.5,
                    )
                )
            if course.satisfaction:
                feedbacks.append(
                    Feedback(
                        proposal=proposal,
                        proposer=course.signers[0],
                        round=1,
                        satisfaction=course.satisfaction,
                        given_on=course.given_on,
                    )
                )
            if rng.random() < 0.3:
                related.append(
                    Proposal.related_projects.through(proposal_id=proposal.pk, project_id=rng.choice(self.projects).pk)
                )
        self.create("signatures", Signature, signatures)
        self.create("assignments", Assignment, assignments)
        self.create("replies", Reply, replies)
        self.create("feedback", Feedback, feedbacks)
        self.create("proposal project links", Proposal.related_projects.through, related)
