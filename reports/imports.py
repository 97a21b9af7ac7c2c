"""Bulk import (导入): read the spreadsheet a unit or the office hands in, find its header row, and run a resource
(``projects.resources``, ``proposals.resources``) over it, as a dry run for the preview or for real, all or nothing.

The file may be an .xlsx workbook (its first sheet) or a CSV file in UTF-8 (with or without a byte order mark), GBK
(what Excel on Chinese Windows saves) or UTF-16. It may look like the office's printed tables: a title row and a note
row above the header row (which may name what a column would, such as the month of a 进度月报), group heading
rows (一、信息基础设施) and 小计/合计 rows among the data. The header row is the first of the first ten rows that
holds one of the resource's marker headers (or two of its headers); rows whose key cells are all blank, or that say
小计/合计, are passed over. Row numbers in errors are the file's own.

Nothing is written unless every row is valid: a confirmed import runs every row in one transaction, which is rolled
back when any row has an error (all rows are still checked, so that every error is reported). Rows are saved one by
one (no bulk mode) so that every change has its history under the importing user. The pages keep the uploaded file
between preview and confirm (``reports.uploads``): the confirm reads the same bytes again.

What a file may hold is bounded before it is read: its size (``IMPORT_MAX_BYTES``), what an .xlsx unpacks to
(``IMPORT_MAX_UNPACKED_BYTES``, from the zip's directory, before openpyxl parses anything: a few kilobytes of zip
can hold gigabytes of text), its rows (``MAX_ROWS``) and each cell (Excel's own 32,767 characters); a cell holding a
NUL character, which no database text holds, is an error of its row.
"""

import codecs
import csv
import gc
import io
import logging
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from common.bounds import CELL_MAX
from common.db import constraint_violation
from common.exceptions import ActionForbidden, WorkflowError
from common.xlsx import FORMULA_STARTS, Column, Sheet, new_workbook
from projects.resources import (
    EXPORT_ONLY,
    FundingResource,
    ImportResource,
    IndicatorResource,
    IndicatorValueResource,
    MilestoneResource,
    ProgressReportResource,
    ProjectResource,
    is_blank,
    is_total_label,
    normalize_header,
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

HEADER_SEARCH_ROWS = 10
MAX_ROWS = 50_000
GC_THRESHOLD = 50_000  # allocations between young-generation collections while importing (Python's: 700)
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"
ZIP_SIGNATURE = b"PK\x03\x04"
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"PK")
TEMPLATE_NOTES_TITLE = "填写说明"

MAX_ZIP_MEMBERS = 10_000


class ImportFileError(Exception):
    """The file as a whole cannot be read: its message says why, for people."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class RowError:
    """One error: the file's row number (None for the file as a whole), the column's header and the message."""

    row: int | None
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class RowPreview:
    """What a row would do (or did): ``action`` is new, update, skip, invalid or error."""

    row: int
    action: str
    label: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Table:
    """The data rows of a file under the resource's headers, with the file's row number of each."""

    headers: list[str]
    rows: list[list]
    row_numbers: list[int]
    header_row: int
    ignored_columns: list[str] = field(default_factory=list)
    passed_over: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = ""
    constants: dict[str, object] = field(default_factory=dict)


@dataclass
class ImportOutcome:
    resource: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    rows: list[RowPreview] = field(default_factory=list)
    header_row: int | None = None
    ignored_columns: list[str] = field(default_factory=list)
    passed_over: list[int] = field(default_factory=list)
    encoding: str = ""
    constants: dict[str, object] = field(default_factory=dict)
    # What looks wrong but is not refused (phases adding up to more than their project): for the reader to check.
    flags: list[str] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return not self.dry_run and not self.errors

    @property
    def changed_rows(self) -> list[RowPreview]:
        return [row for row in self.rows if row.action in ("new", "update")]

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "errors": [error.as_dict() for error in self.errors],
            "flags": self.flags,
        }


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
# Reading the file
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    values: list
    formulas: set[int] = field(default_factory=set)


def max_bytes() -> int:
    return settings.IMPORT_MAX_BYTES


def check_size(size: int):
    if size == 0:
        raise ImportFileError(_("The file is empty."))
    if size > max_bytes():
        raise ImportFileError(
            _("The file is %(size)s; files of at most %(limit)s can be imported. Split it into several files.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes())}
        )


def read_upload(uploaded) -> bytes:
    """The bytes of an uploaded file, refused before reading when it is empty or too large."""
    check_size(uploaded.size or 0)
    data = uploaded.read()
    check_size(len(data))
    return data


def _not_a_spreadsheet() -> ImportFileError:
    return ImportFileError(
        _("This file is not a spreadsheet. Upload an Excel workbook (.xlsx) or a CSV file (.csv) with a header row.")
    )


def check_unpacked_size(data: bytes):
    """Refuse a workbook whose zip members unpack to more than ``IMPORT_MAX_UNPACKED_BYTES`` together, from the sizes
    its directory declares (Python's zip reader stops at the declared size), before anything is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        logger.info("Unreadable zip uploaded: %r", error)
        raise _damaged_workbook() from error
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    unpacked = sum(member.file_size for member in members)
    if len(members) > MAX_ZIP_MEMBERS or unpacked > limit:
        raise ImportFileError(
            _(
                "The workbook unpacks to %(size)s; workbooks of at most %(limit)s unpacked can be imported. Remove "
                "what the table does not need (pictures, other sheets, very long texts) or split it into several "
                "files."
            )
            % {"size": filesizeformat(unpacked), "limit": filesizeformat(limit)}
        )


def _damaged_workbook() -> ImportFileError:
    return ImportFileError(
        _(
            "The workbook cannot be opened: it is damaged or not an Excel workbook (.xlsx). Open it in Excel or "
            "WPS, save it again as .xlsx and upload it again."
        )
    )


def _xlsx_rows(data: bytes) -> list[_Row]:
    check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:
        logger.info("Unreadable workbook uploaded: %r", error)
        raise _damaged_workbook() from error
    try:
        sheet = workbook.worksheets[0]
        # Some programs write a wrong "used range"; read every row there is.
        sheet.reset_dimensions()
        rows, previous = [], 0
        for cells in sheet.iter_rows(min_row=1):
            number = next((cell.row for cell in cells if getattr(cell, "row", None)), previous + 1)
            previous = number
            values, formulas = [], set()
            for index, cell in enumerate(cells):
                column = getattr(cell, "column", None)
                index = column - 1 if column else index
                while len(values) < index:
                    values.append(None)
                if cell.data_type == "f":
                    formulas.add(index)
                    values.append(str(cell.value))
                else:
                    values.append(cell.value)
                _check_cell_length(cell.value, number, index)
            if any(not is_blank(value) for value in values):
                rows.append(_Row(number, values, formulas))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFileError(_("The file has more than %(count)d rows: split it.") % {"count": MAX_ROWS})
        return rows
    except ImportFileError:
        raise
    except Exception as error:
        logger.info("Unreadable worksheet uploaded: %r", error)
        raise ImportFileError(
            _("The workbook is damaged: its first sheet cannot be read. Save it again as .xlsx and upload it again.")
        ) from error
    finally:
        workbook.close()


def _check_cell_length(value, row: int, index: int):
    if isinstance(value, str) and len(value) > CELL_MAX:
        raise ImportFileError(
            _(
                "Cell %(cell)s holds %(length)s characters; a cell holds at most %(limit)s (Excel's own limit), and "
                "no column here takes as many."
            )
            % {"cell": f"{get_column_letter(index + 1)}{row}", "length": f"{len(value):,}", "limit": f"{CELL_MAX:,}"}
        )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in: UTF-8 (with or without BOM), UTF-16 or GBK."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            raise _not_a_spreadsheet() from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise _not_a_spreadsheet() from None
    if b"\x00" in data[:4096] or data.startswith(BINARY_SIGNATURES):
        raise _not_a_spreadsheet()
    for encoding, label in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise _not_a_spreadsheet()


def _unguard(value: str):
    """A CSV cell as typed: trimmed, and without the apostrophe our exports put before text that looks like a
    formula."""
    value = value.strip()
    if value.startswith("'") and value[1:2] in FORMULA_STARTS:
        value = value[1:]
    return value or None


def _csv_rows(data: bytes) -> tuple[list[_Row], str]:
    text, encoding = decode_text(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    rows = []
    number = 0
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
            values = [_unguard(value) for value in values]
            for index, value in enumerate(values):
                _check_cell_length(value, number, index)
            if any(value is not None for value in values):
                rows.append(_Row(number, values))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                raise ImportFileError(_("The file has more than %(count)d rows: split it.") % {"count": MAX_ROWS})
    except csv.Error as error:
        logger.info("Unreadable CSV uploaded: %r", error)
        raise ImportFileError(
            _(
                "The CSV file cannot be read after row %(row)d: a cell is longer than any column takes, or quotes "
                "are not closed. Open it in Excel or WPS, check that row and save it again."
            )
            % {"row": number}
        ) from error
    return rows, encoding


def read_rows(data: bytes) -> tuple[list[_Row], str]:
    """The non-empty rows of the file's first sheet, and the text encoding of a CSV file ("" for a workbook)."""
    check_size(len(data))
    if data.startswith(OLE2_SIGNATURE):
        raise ImportFileError(
            _(
                "This workbook is protected by a password or saved in the old Excel 97-2003 format (.xls). Remove the "
                "password, or save it as an Excel workbook (.xlsx), and upload it again."
            )
        )
    if data.startswith(ZIP_SIGNATURE):
        return _xlsx_rows(data), ""
    return _csv_rows(data)


def read_table(data: bytes, resource_class: type[ImportResource]) -> Table:
    """The file's data rows under the resource's headers (see the module's description)."""
    rows, encoding = read_rows(data)
    if not rows:
        raise ImportFileError(_("The file is empty."))
    lookup = resource_class.header_lookup()

    header = None
    for row in rows[:HEADER_SEARCH_ROWS]:
        found = {lookup.get(normalize_header(value)) for value in row.values if not is_blank(value)} - {None}
        # The row with a marker header; or with two of the resource's headers, to name the missing ones.
        if found & set(resource_class.header_markers) or len(found) >= 2:
            header = row
            break
    if header is None:
        raise ImportFileError(
            _(
                "No header row was found in the first %(count)d rows. The file needs a row of column headers with "
                "%(markers)s; the columns are: %(headers)s."
            )
            % {
                "count": HEADER_SEARCH_ROWS,
                "markers": _(" or ").join(resource_class.header_markers),
                "headers": "、".join(resource_class.import_headers()),
            }
        )

    columns, ignored = [], []
    for index, value in enumerate(header.values):
        if is_blank(value):
            continue
        canonical = lookup.get(normalize_header(value))
        if canonical is None or canonical in {name for _index, name in columns}:
            ignored.append(str(value).strip())
            continue
        columns.append((index, canonical))
    headers = [name for _index, name in columns]
    preamble = [
        " ".join(str(value) for value in row.values if not is_blank(value)) for row in rows[: rows.index(header)]
    ]
    constants = resource_class.preamble_columns(preamble, headers)
    missing = resource_class.missing_headers(headers + list(constants))
    if missing:
        message = _("The header row (row %(row)d) lacks the column(s) %(missing)s.") % {
            "row": header.number,
            "missing": "、".join(missing),
        }
        if ignored:
            message += " " + _("Columns not recognised: %(ignored)s.") % {"ignored": "、".join(ignored)}
        message += " " + _("The columns are: %(headers)s.") % {"headers": "、".join(resource_class.import_headers())}
        raise ImportFileError(message)

    key_headers = [name for name in resource_class.row_key_headers if name in headers]
    header_keys = [normalize_header(value) for value in header.values]
    table = Table(
        headers=headers + list(constants),
        rows=[],
        row_numbers=[],
        header_row=header.number,
        ignored_columns=ignored,
        constants=constants,
    )
    for row in rows[rows.index(header) + 1 :]:
        values = [row.values[index] if index < len(row.values) else None for index, _name in columns]
        values = [None if is_blank(value) else value for value in values]
        if all(value is None for value in values):
            continue
        record = dict(zip(headers, values, strict=True))
        if any(isinstance(value, str) and is_total_label(value) for value in row.values) or (
            key_headers and all(record[name] is None for name in key_headers)
        ):
            table.passed_over.append(row.number)
            continue
        if [normalize_header(value) for value in row.values] == header_keys:
            continue  # the header row again (tables pasted one under the other)
        if not resource_class.row_is_data(record):
            table.passed_over.append(row.number)
            continue
        for position, (index, name) in enumerate(columns):
            if isinstance(values[position], str) and "\x00" in values[position]:
                table.errors.append(
                    RowError(
                        row.number,
                        name,
                        _("Cell %(cell)s holds a NUL character, which no text may hold: delete it.")
                        % {"cell": f"{get_column_letter(index + 1)}{row.number}"},
                    )
                )
                # Checked without it, so that the row's other errors are its own.
                values[position] = values[position].replace("\x00", "") or None
                continue
            if index in row.formulas:
                table.errors.append(
                    RowError(
                        row.number,
                        name,
                        _("Cell %(cell)s holds a formula (%(formula)s): enter its value instead.")
                        % {"cell": f"{get_column_letter(index + 1)}{row.number}", "formula": values[position]},
                    )
                )
                values[position] = None
        table.rows.append(values + list(constants.values()))
        table.row_numbers.append(row.number)
    if not table.rows:
        raise ImportFileError(
            _("There are no rows to import under the header row (row %(row)d).") % {"row": header.number}
        )
    table.encoding = encoding
    return table


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
