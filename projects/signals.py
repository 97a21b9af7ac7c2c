"""What the portfolio tells the apps above it (``supervision``): a project moved — a report approved, milestones
reached, completion or acceptance confirmed. Sent inside the step's transaction, after its rows are saved."""

from django.dispatch import Signal

# Arguments: ``project``, ``actor``, ``what`` (one of MOVES) and ``text`` (what happened, for people to read).
project_moved = Signal()

REPORT_APPROVED = "report_approved"
COMPLETED = "completed"
ACCEPTED = "accepted"
