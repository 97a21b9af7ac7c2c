"""The steps the supervision pages offer, each declared once: its address, its button, its form, whether the page
offers it to a user now, and the service that makes it (which checks role, state and data again)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import forms, services
from .choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus
from .services.base import is_issuing_side
from .services.commitments import PROMISING_CLASSES, may_confirm
from .services.instructions import tracking_subject


@dataclass(frozen=True, kw_only=True)
class Step:
    slug: str
    label: str
    # The permissions that make the step at all (any one of them): a role without one gets 403 at once.
    permissions: tuple[str, ...]
    form: type[forms.StepForm]
    offered: Callable  # offered(user, obj): the page shows the step's form
    run: Callable  # run(actor, obj, cleaned_data)
    done: str  # the message after it
    danger: bool = False

    def allowed(self, user) -> bool:
        return any(user.has_perm(permission) for permission in self.permissions)

    def make_form(self, data=None, files=None, *, obj, user):
        kwargs = {"notice": obj, "user": user} if self.form is forms.HangRedForm else {}
        return self.form(data, files, prefix=self.slug, **kwargs)


def notice_unit(user, notice) -> bool:
    return user.has_perm("supervision.answer_notice") and user.organization_id == notice.unit_id


def notice_may_hang_red(user, notice) -> bool:
    if not notice.is_open or notice.level == NoticeLevel.RED:
        return False
    if user.has_perm("supervision.escalate_notice"):
        return user.region_scope.allows(notice, "view")
    return is_issuing_side(user, notice.subject)


NOTICE_STEPS = {
    step.slug: step
    for step in (
        Step(
            slug="acknowledge",
            label=_("Acknowledge receipt"),
            permissions=("supervision.answer_notice",),
            form=forms.StepForm,
            offered=lambda user, n: n.status == NoticeStatus.ISSUED and notice_unit(user, n),
            run=lambda actor, n, data: services.notice_acknowledge(actor=actor, notice=n),
            done=_("Notice %(number)s acknowledged."),
        ),
        Step(
            slug="answer",
            label=_("Answer"),
            permissions=("supervision.answer_notice",),
            form=forms.AnswerForm,
            offered=lambda user, n: n.status in NoticeStatus.awaiting_unit() and notice_unit(user, n),
            run=lambda actor, n, data: services.notice_answer(actor=actor, notice=n, **data),
            done=_("Answer to notice %(number)s sent."),
        ),
        Step(
            slug="accept",
            label=_("Accept and close"),
            permissions=("supervision.change_notice",),
            form=forms.NoteForm,
            offered=lambda user, n: n.status == NoticeStatus.ANSWERED and is_issuing_side(user, n.subject),
            run=lambda actor, n, data: services.notice_accept(actor=actor, notice=n, **data),
            done=_("Notice %(number)s closed."),
        ),
        Step(
            slug="return",
            label=_("Send back"),
            permissions=("supervision.change_notice",),
            form=forms.ReasonForm,
            offered=lambda user, n: n.status == NoticeStatus.ANSWERED and is_issuing_side(user, n.subject),
            run=lambda actor, n, data: services.notice_return(actor=actor, notice=n, **data),
            done=_("Answer to notice %(number)s sent back."),
        ),
        Step(
            slug="hang-red",
            label=_("List for supervision (挂牌督办)"),
            permissions=("supervision.escalate_notice", "supervision.change_notice"),
            form=forms.HangRedForm,
            offered=notice_may_hang_red,
            run=lambda actor, n, data: services.notice_hang_red(actor=actor, notice=n, **data),
            done=_("Notice %(number)s listed for supervision."),
            danger=True,
        ),
    )
}


def instruction_unit(user, instruction) -> bool:
    return user.has_perm("supervision.report_instruction") and user.organization_id in {
        unit.pk for unit in instruction.units.all()
    }


def instruction_tracker(user, instruction) -> bool:
    return user.has_perm("supervision.change_instruction") and is_issuing_side(
        user, tracking_subject(instruction.subject)
    )


INSTRUCTION_STEPS = {
    step.slug: step
    for step in (
        Step(
            slug="report",
            label=_("Report what the unit did"),
            permissions=("supervision.report_instruction",),
            form=forms.AnswerForm,
            offered=lambda user, i: i.status == InstructionStatus.OPEN and instruction_unit(user, i),
            run=lambda actor, i, data: services.instruction_report(actor=actor, instruction=i, **data),
            done=_("Report on the instruction sent."),
        ),
        Step(
            slug="carry-out",
            label=_("Mark carried out"),
            permissions=("supervision.change_instruction",),
            form=forms.NoteForm,
            offered=lambda user, i: i.status == InstructionStatus.OPEN and instruction_tracker(user, i),
            run=lambda actor, i, data: services.instruction_carry_out(actor=actor, instruction=i, **data),
            done=_("Instruction marked carried out."),
        ),
    )
}


def commitment_unit(user, commitment) -> bool:
    return user.has_perm("supervision.add_commitment") and user.organization_id == commitment.unit_id


COMMITMENT_STEPS = {
    step.slug: step
    for step in (
        Step(
            slug="report",
            label=_("Report the promise kept"),
            permissions=("supervision.add_commitment",),
            form=forms.AnswerForm,
            offered=lambda user, c: c.status == CommitmentStatus.OPEN and commitment_unit(user, c),
            run=lambda actor, c, data: services.commitment_report(actor=actor, commitment=c, **data),
            done=_("Report on the promise sent to the committee."),
        ),
        Step(
            slug="confirm",
            label=_("Confirm fulfilled"),
            permissions=("supervision.confirm_commitment",),
            form=forms.NoteForm,
            offered=lambda user, c: c.status != CommitmentStatus.FULFILLED and may_confirm(user, c),
            run=lambda actor, c, data: services.commitment_confirm(actor=actor, commitment=c, **data),
            done=_("Promise confirmed fulfilled."),
        ),
        Step(
            slug="return",
            label=_("Send back"),
            permissions=("supervision.confirm_commitment",),
            form=forms.ReasonForm,
            offered=lambda user, c: c.status == CommitmentStatus.CLAIMED and may_confirm(user, c),
            run=lambda actor, c, data: services.commitment_return(actor=actor, commitment=c, **data),
            done=_("Report on the promise sent back."),
        ),
    )
}


# What the pages offer to add (the buttons on a project's or a proposal's page, the forms they open).


def may_issue(user, subject) -> bool:
    return user.has_perm("supervision.add_notice") and is_issuing_side(user, subject)


def may_instruct(user, subject) -> bool:
    """A leader of the subject's regions for himself; the issuing side's staff on a leader's behalf (代录)."""
    if not user.has_perm("supervision.add_instruction"):
        return False
    if user.has_perm("supervision.escalate_notice"):
        return user.region_scope.allows(subject, "view")
    return is_issuing_side(user, tracking_subject(subject))


def may_record_promise(user, reply) -> bool:
    if not reply.is_issued or reply.result_class is None or reply.result_class.code not in PROMISING_CLASSES:
        return False
    if user.has_perm("supervision.confirm_commitment") and user.region_scope.allows(reply.proposal, "change"):
        return True
    return user.has_perm("supervision.add_commitment") and user.organization_id == reply.unit_id
