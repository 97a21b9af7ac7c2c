"""Writes that follow a workflow or touch several rows. Views, the API, imports and commands all call these, as
``from projects import services; services.project_save(...)``.

Each checks the actor's role or unit (``ActionForbidden``, 403), then the state of what it moves (``WorkflowError``,
409), then the data (``ValidationError``, 400), locks the rows it moves and runs in one transaction.

- ``confirmation``: what a unit writes itself and what the office confirms (the confirmed plan), and its guards;
- ``projects``: saving a project (form, API, import), a unit's edit of its own, archiving;
- ``key_lists``: the annual key-project lists submitted, approved and returned between offices, and a region's own
  approval where no office is above it;
- ``requests``: completion, acceptance and plan changes asked of the office, and its decisions;
- ``reporting``: monthly reports filed (with their site photos), approved and returned, with the event of each move.
"""

from .confirmation import (
    MILESTONE_PLAN_FIELDS,
    OFFICE_FIELDS,
    PLAN_FIELDS,
    check_milestone_write,
    check_project_write,
    may_confirm,
    milestone_operations,
    split_project_changes,
)
from .key_lists import baseline_approve, key_list_approve, key_list_return, key_list_submit, may_decide, may_submit
from .projects import archive, project_edit_by_unit, project_save, restore
from .reporting import (
    FilingRefused,
    ReportFiling,
    check_report_rules,
    progress_report_approve,
    progress_report_return,
    progress_report_submit,
    progress_reports_approve,
    progress_reports_submit,
    record_report_event,
    report_needs_photo,
)
from .requests import (
    change_request_confirm,
    change_request_return,
    change_request_withdraw,
    completion_request,
    has_acceptance_report,
    plan_change_request,
    requestable_kinds,
)

__all__ = [
    "MILESTONE_PLAN_FIELDS",
    "OFFICE_FIELDS",
    "PLAN_FIELDS",
    "FilingRefused",
    "ReportFiling",
    "archive",
    "baseline_approve",
    "change_request_confirm",
    "change_request_return",
    "change_request_withdraw",
    "check_milestone_write",
    "check_project_write",
    "check_report_rules",
    "completion_request",
    "has_acceptance_report",
    "key_list_approve",
    "key_list_return",
    "key_list_submit",
    "may_confirm",
    "may_decide",
    "may_submit",
    "milestone_operations",
    "plan_change_request",
    "progress_report_approve",
    "progress_report_return",
    "progress_report_submit",
    "progress_reports_approve",
    "progress_reports_submit",
    "project_edit_by_unit",
    "project_save",
    "record_report_event",
    "report_needs_photo",
    "requestable_kinds",
    "restore",
    "split_project_changes",
]
