"""Bulk import (导入): which tables can be imported and by whom, and running a resource (``projects.resources``,
``proposals.resources``) over an uploaded file, as a dry run for the preview or for real, all or nothing; and the
empty template of each table.

Reading the file (formats, limits, the header row) is ``common.spreadsheets.files`` and ``.reading``; the resources
build on ``common.spreadsheets.resources``. Nothing is written unless every row is valid: a confirmed import runs
every row in one transaction, which is rolled back when any row has an error (all rows are still checked, so that
every error is reported). Rows are saved one by one (no bulk mode) so that every change has its history under the
importing user. The pages keep the uploaded file between preview and confirm (``common.spreadsheets.uploads``): the
confirm reads the same bytes again.
"""

import gc
import logging
from contextlib import contextmanager

import tablib
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import QueryDict
from django.utils.translation import gettext as _

from common.db import constraint_violation
from common.exceptions import ActionForbidden, WorkflowError
from common.spreadsheets.files import read_rows
from common.spreadsheets.outcomes import ImportOutcome, RowError, RowPreview
from common.spreadsheets.reading import read_table
from common.spreadsheets.resources import EXPORT_ONLY, ImportResource
from common.xlsx import Column, Sheet, new_workbook
from projects.resources import (
    FundingResource,
    IndicatorResource,
    IndicatorValueResource,
    MilestoneResource,
    ProgressReportResource,
    ProjectResource,
)
from proposals.resources import ProposalResource

logger = logging.getLogger(__name__)

RESOURCES: dict[str, type[ImportResource]] = {
    resource.key: resource
    for resource in (
        ProjectResource,
        MilestoneResource,
        FundingResource,
        ProgressReportResource,
        IndicatorResource,
        IndicatorValueResource,
        ProposalResource,
    )
}

GC_THRESHOLD = 50_000  # allocations between young-generation collections while importing (Python's: 700)
TEMPLATE_NOTES_TITLE = "填写说明"


# --------------------------------------------------------------------------------------------------------------
# Who may import what
# --------------------------------------------------------------------------------------------------------------


def get_resource_class(key: str) -> type[ImportResource] | None:
    return RESOURCES.get(key)


def importable_resources(user) -> list[type[ImportResource]]:
    """The resources ``user`` may import, in the order of ``RESOURCES``."""
    return [resource for resource in RESOURCES.values() if resource.may_import(user)]


def may_import(user, key: str) -> bool:
    resource = RESOURCES.get(key)
    return resource is not None and resource.may_import(user)


# --------------------------------------------------------------------------------------------------------------
# Running an import
# --------------------------------------------------------------------------------------------------------------


def failure_message(error: BaseException) -> str:
    """Why a row (or the file) could not be saved, for people: our own errors' messages, a constraint's message, and
    for anything else a sentence of ours (the database's own text is logged, never shown)."""
    if isinstance(error, WorkflowError | ActionForbidden):
        return str(error.message)
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    violation = constraint_violation(error)
    if violation is not None:
        return violation.message
    if isinstance(error, DatabaseError):
        return _("a value does not fit its column; check the row against the template's instructions.")
    return _("an unexpected error; the office's administrator finds it in the server's log.")


@contextmanager
def fewer_garbage_collections():
    """An import keeps thousands of rows' objects alive until it ends, which makes Python's cycle collector run
    often over a growing heap for nothing (a fifth of a large import's time); it runs less often meanwhile."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def run_import(*, key: str, user, data: bytes, dry_run: bool = True) -> ImportOutcome:
    """Import ``data`` (the bytes of an .xlsx or .csv file) with the resource ``key`` as ``user``.

    A dry run (the preview) does everything in a transaction that is rolled back. Otherwise the import is written in
    one transaction, and only when no row has an error. Raises ``ImportFileError`` for a file that cannot be read;
    errors of rows are in the outcome. The caller checks ``may_import`` first.
    """
    resource_class = RESOURCES[key]
    table = read_table(data, resource_class)
    resource = resource_class(user=user)
    resource.file_rows = table.row_numbers
    dataset = tablib.Dataset(*table.rows, headers=table.headers)
    trial = dry_run or bool(table.errors)
    with fewer_garbage_collections():
        result = resource.import_data(
            dataset, dry_run=trial, raise_errors=False, use_transactions=True, rollback_on_validation_errors=True
        )

    errors = list(table.errors)
    for error in result.base_errors:
        logger.warning("Import of %s failed", key, exc_info=error.error)
        errors.append(RowError(None, "", _("The import failed: %(error)s") % {"error": failure_message(error.error)}))
    for invalid in result.invalid_rows:
        row = resource.file_row(invalid.number)
        for name, messages in invalid.error_dict.items():
            errors.extend(RowError(row, resource.column_for(name), str(message)) for message in messages)
    for error_row in result.error_rows:
        for error in error_row.errors:
            logger.warning("Import of %s: row %s failed", key, error_row.number, exc_info=error.error)
            errors.append(
                RowError(
                    resource.file_row(error_row.number),
                    "",
                    _("This row could not be saved: %(error)s") % {"error": failure_message(error.error)},
                )
            )
    order = {header: position for position, header in enumerate(resource_class.all_headers())}
    errors.sort(key=lambda error: (error.row or 0, order.get(error.field, -1)))

    previews = [
        RowPreview(
            row=resource.file_row(number),
            action=row_result.import_type,
            label=row_result.object_repr or "",
            changes=resource.row_changes.get(number, []),
        )
        for number, row_result in enumerate(result.rows, start=1)
    ]
    return ImportOutcome(
        resource=key,
        dry_run=trial,
        created=result.totals["new"],
        updated=result.totals["update"],
        skipped=result.totals["skip"],
        errors=errors,
        rows=previews,
        header_row=table.header_row,
        ignored_columns=table.ignored_columns,
        passed_over=table.passed_over,
        encoding=table.encoding,
        constants=table.constants,
        flags=resource.flags,
    )


# --------------------------------------------------------------------------------------------------------------
# A large file's import as a background job (``jobs``): confirmed on the page, written by the worker
# --------------------------------------------------------------------------------------------------------------

ERROR_COLUMNS = [Column("行", "integer", 8, align="center"), Column("列", width=20), Column("错误", "long", 80)]
JOB_ERRORS_SHOWN = 500  # the job's page lists this many; the report has them all


def file_rows(data: bytes) -> int:
    """How many rows the file has, title and header rows included (a file that cannot be read raises
    ``ImportFileError``): what decides whether its import is a background job."""
    return len(read_rows(data)[0])


def run_import_job(job, out, progress) -> str:
    """The import job's runner (``jobs.registry``): the job's uploaded file imported for real, as its owner, all or
    nothing; its counts and first errors in ``job.outcome``; when there are errors, their report (row, column,
    message) written to ``out``. Returns the report's file name, or "" when there is none."""
    key = QueryDict(job.query).get("resource", "")
    if not may_import(job.owner, key):
        raise ActionForbidden(_("You may not import this table."))
    with job.source.open("rb") as source:
        data = source.read()
    outcome = run_import(key=key, user=job.owner, data=data, dry_run=False)
    job.outcome = {
        "created": outcome.created,
        "updated": outcome.updated,
        "skipped": outcome.skipped,
        "error_count": len(outcome.errors),
        "errors": [error.as_dict() for error in outcome.errors[:JOB_ERRORS_SHOWN]],
        "flags": outcome.flags,
    }
    progress(len(outcome.rows))
    if not outcome.errors:
        return ""
    workbook = new_workbook()
    sheet = Sheet(workbook, "导入错误", ERROR_COLUMNS)
    sheet.heading(f"导入错误：{job.title}", f"共{len(outcome.errors)}处错误，未导入任何数据。")
    for error in outcome.errors:
        sheet.row([error.row, error.field, error.message])
    workbook.save(out)
    return f"导入错误-{key}.xlsx"


# --------------------------------------------------------------------------------------------------------------
# The empty template
# --------------------------------------------------------------------------------------------------------------


def template_workbook(key: str):
    """An empty workbook to fill in: the headers and one sample row, then a sheet 填写说明 describing each column."""
    resource_class = RESOURCES[key]
    resource = resource_class()
    columns = [column for column in resource_class.column_fields() if column.required != EXPORT_ONLY]
    workbook = new_workbook()
    sheet = Sheet(workbook, str(resource_class.label), [Column(column.column_name, column.kind) for column in columns])
    sheet.heading()
    sample = resource.template_sample()
    sheet.row([sample.get(column.column_name) for column in columns])

    notes = Sheet(
        workbook,
        TEMPLATE_NOTES_TITLE,
        [
            Column(_("Column"), width=22),
            Column(_("Required"), width=18),
            Column(_("What to enter"), "long", width=50),
            Column(_("Allowed values"), "long", width=70),
        ],
    )
    notes.heading(
        title=_("How to fill in: %(table)s") % {"table": resource_class.label},
        note=_(
            "Keep the header row; delete the sample row under it before importing. Title, note, group heading "
            "and subtotal rows may stay. Headers not listed here are ignored."
        ),
    )
    for column in resource_class.column_fields():
        notes.row([column.column_name, column.requirement_label(), str(column.note or ""), column.widget.describe()])
    return workbook
