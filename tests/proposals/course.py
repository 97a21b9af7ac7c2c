"""The proposal workflow walked through the services, for the tests: ``Course`` takes a proposal to any status
as the committee and each unit's own liaison and signer would (every test that needs a proposal in some status gets
it here); ``ctx`` is the standard cast; ``db_state`` is everything a move may write, so that a refused move can be
shown to have written nothing."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from accounts.choices import Role
from accounts.models import Organization, User
from proposals import services
from proposals.choices import AssignmentRole, ProposalStatus
from proposals.models import Assignment, Event, Feedback, Proposal, Reply, ResultClass

from ..factories import ProposalFactory, issue_reply, unit_user

S = ProposalStatus


def today() -> datetime.date:
    return timezone.localdate()


@dataclass
class Course:
    """Moves a proposal along the usual course to a given status, through the services, as the committee and each
    unit's own liaison and signer (who draft and sign off its reply)."""

    committee: User
    result_class: ResultClass
    # The lead unit's own liaison and signer, when the test has them; other units act through ``unit_user`` accounts.
    liaison: User | None = None
    signer: User | None = None
    # What every reply it issues says besides its result class (``text``, ``doc_number``…).
    reply_fields: dict = field(default_factory=dict)

    def bring(
        self,
        proposal: Proposal,
        status: str,
        *,
        lead: Organization | None = None,
        co=(),
        separate=(),
        assigned_on: datetime.date | None = None,
        due_date: datetime.date | None = None,
    ) -> Proposal:
        if status == S.NOT_FILED:
            services.proposal_not_file(actor=self.committee, proposal=proposal, reason="属于个人诉求，转有关部门参考")
        elif status == S.MERGED:
            into = self.bring(ProposalFactory(session=proposal.session), S.FILED)
            services.proposal_merge(actor=self.committee, proposal=proposal, into=into)
        elif status != S.SUBMITTED:
            services.proposal_file(actor=self.committee, proposal=proposal)
            if status != S.FILED:
                services.proposal_assign(
                    actor=self.committee,
                    proposal=proposal,
                    lead_unit=lead,
                    co_units=co,
                    separate_units=separate,
                    assigned_on=assigned_on,
                    due_date=due_date,
                )
            if status == S.REASSIGN_REQUESTED:
                services.proposal_request_reassign(
                    actor=self.account(lead or separate[0], Role.LIAISON), proposal=proposal, reason="不属于本单位职责"
                )
            elif status in (S.REPLIED, S.REHANDLING, S.CLOSED):
                self.reply_all(proposal)
                if status == S.REHANDLING:
                    services.proposal_feedback(actor=self.committee, proposal=proposal, satisfaction="unsatisfied")
                elif status == S.CLOSED:
                    services.proposal_close(actor=self.committee, proposal=proposal)
        proposal.refresh_from_db()
        assert proposal.status == status
        return proposal

    def account(self, unit: Organization, role: str) -> User:
        """The unit's liaison or signer: the test's own for its unit when given, else the unit's ``unit_user``."""
        own = {Role.LIAISON: self.liaison, Role.SIGNER: self.signer}.get(role)
        return own if own is not None and own.organization_id == unit.pk else unit_user(unit, role)

    def reply_all(self, proposal: Proposal):
        """Every lead or separate unit that has not replied in the current round replies."""
        for unit in self.owing(proposal):
            self.reply(proposal, unit)

    def reply(self, proposal: Proposal, unit: Organization, **fields) -> Reply:
        return issue_reply(
            proposal,
            unit,
            liaison=self.account(unit, Role.LIAISON),
            signer=self.account(unit, Role.SIGNER),
            **{"result_class": self.result_class, **self.reply_fields, **fields},
        )

    @staticmethod
    def owing(proposal: Proposal) -> list[Organization]:
        proposal = Proposal.objects.get(pk=proposal.pk)
        replied = proposal.replies.issued().filter(round=proposal.round).values("unit")
        return [
            assignment.unit
            for assignment in proposal.assignments.filter(role__in=AssignmentRole.replying()).exclude(unit__in=replied)
        ]


def db_state():
    """Everything a move may write, so that a refused move can be shown to have written nothing."""
    return (
        list(
            Proposal.objects.order_by("pk").values_list(
                "pk", "status", "round", "due_date", "not_filed_reason", "merged_into"
            )
        ),
        list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "unit", "role", "assigned_on", "due_date", "original_due_date", "extension_reason", "opinion"
            )
        ),
        list(
            Reply.objects.order_by("pk").values_list(
                "pk", "unit", "round", "status", "text", "issued_on", "signed_off_on", "is_public", "return_note"
            )
        ),
        list(Feedback.objects.order_by("pk").values_list("pk", "proposer", "round", "satisfaction")),
        list(Event.objects.order_by("pk").values_list("pk", flat=True)),
        Proposal.history.count(),
    )


def standard(ctx, status: str, **kwargs) -> Proposal:
    return ctx.course.bring(ProposalFactory(), status, lead=ctx.unit, co=[ctx.co_unit], **kwargs)
