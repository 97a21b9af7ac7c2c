"""Evidence kept with supervision: the files a unit sends with its answer to a notice, its report on an instruction
or on a promise, and the files the office sends with a notice (``attachments.registry``). The steps attach them
after their own checks; the upload page and API add more while the matter is open, by the same people."""

from attachments.choices import AttachmentKind
from attachments.registry import register

from .choices import CommitmentStatus, InstructionStatus
from .models import Commitment, Instruction, Notice
from .steps import commitment_unit, instruction_unit, notice_unit

EVIDENCE_KINDS = (AttachmentKind.OTHER, AttachmentKind.PHOTO)


def notice_takes_files(user, notice: Notice) -> bool:
    return user.is_authenticated and notice.is_open and notice_unit(user, notice)


def instruction_takes_files(user, instruction: Instruction) -> bool:
    """A named unit, while the instruction is being carried out (who reports on it: ``steps.instruction_unit``)."""
    return (
        user.is_authenticated and instruction.status == InstructionStatus.OPEN and instruction_unit(user, instruction)
    )


def commitment_takes_files(user, commitment: Commitment) -> bool:
    """The promising unit, until the committee confirms it (who reports on it: ``steps.commitment_unit``)."""
    return (
        user.is_authenticated and commitment.status != CommitmentStatus.FULFILLED and commitment_unit(user, commitment)
    )


def register_targets():
    register(Notice, kinds=EVIDENCE_KINDS, may_add=notice_takes_files)
    register(Instruction, kinds=EVIDENCE_KINDS, may_add=instruction_takes_files)
    register(Commitment, kinds=EVIDENCE_KINDS, may_add=commitment_takes_files)
