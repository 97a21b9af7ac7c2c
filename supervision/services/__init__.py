"""Every supervision step, one function each: role, state and data checked; the row locked; an event recorded; the
people concerned notified."""

from .chasing import report_chase
from .commitments import commitment_confirm, commitment_record, commitment_report, commitment_return
from .instructions import instruction_carry_out, instruction_give, instruction_report
from .notices import (
    escalate_overdue,
    notice_accept,
    notice_acknowledge,
    notice_answer,
    notice_hang_red,
    notice_issue,
    notice_return,
)

__all__ = [
    "commitment_confirm",
    "commitment_record",
    "commitment_report",
    "commitment_return",
    "escalate_overdue",
    "instruction_carry_out",
    "instruction_give",
    "instruction_report",
    "notice_accept",
    "notice_acknowledge",
    "notice_answer",
    "notice_hang_red",
    "notice_issue",
    "notice_return",
    "report_chase",
]
