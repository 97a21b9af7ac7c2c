"""Evidence kept with supervision: the files a unit sends with its answer to a notice, its report on an instruction
or on a promise, and the files the office sends with a notice (``attachments.registry``). The steps attach them
after their own checks; the upload page and API add more while the matter is open, by the same people."""

from attachments.choices import AttachmentKind
from attachments.registry import register

from .choices import CommitmentStatus, InstructionStatus
from .models import Commitment, Instruction, Notice

EVIDENCE_KINDS = (AttachmentKind.OTHER, AttachmentKind.PHOTO)


def notice_takes_files(user, notice: Notice) -> bool:
    return (
        user.is_authenticated
        and notice.is_open
        and user.organization_id == notice.unit_id
        and user.has_perm("supervision.answer_notice")
    )


def instruction_takes_files(user, instruction: Instruction) -> bool:
    return (
        user.is_authenticated
        and instruction.status == InstructionStatus.OPEN
        and user.has_perm("supervision.report_instruction")
        and instruction.units.filter(pk=user.organization_id).exists()
    )


def commitment_takes_files(user, commitment: Commitment) -> bool:
    return (
        user.is_authenticated
        and commitment.status != CommitmentStatus.FULFILLED
        and user.organization_id == commitment.unit_id
        and user.has_perm("supervision.add_commitment")
    )


def register_targets():
    register(Notice, kinds=EVIDENCE_KINDS, may_add=notice_takes_files)
    register(Instruction, kinds=EVIDENCE_KINDS, may_add=instruction_takes_files)
    register(Commitment, kinds=EVIDENCE_KINDS, may_add=commitment_takes_files)
