"""The bytes of an uploaded spreadsheet as rows of cells: an .xlsx workbook (its first sheet) or a CSV file in UTF-8
(with or without a byte order mark), GBK (what Excel on Chinese Windows saves) or UTF-16.

What a file may hold is bounded before it is read: its size (``IMPORT_MAX_BYTES``), what an .xlsx unpacks to
(``IMPORT_MAX_UNPACKED_BYTES``, from the zip's directory, before openpyxl parses anything: a few kilobytes of zip
can hold gigabytes of text), its rows (``MAX_ROWS``) and each cell (Excel's own 32,767 characters). A file that
cannot be read raises ``ImportFileError``, whose message says why, for people.
"""

import codecs
import csv
import io
import logging
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from common.bounds import CELL_MAX
from common.xlsx import FORMULA_STARTS

from .cells import is_blank

logger = logging.getLogger(__name__)

# The header row is looked for in the first rows (``reading.read_table``): a file holds at most this many beside
# MAX_ROWS rows of data.
HEADER_SEARCH_ROWS = 10
MAX_ROWS = 50_000
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0"
ZIP_SIGNATURE = b"PK\x03\x04"
BINARY_SIGNATURES = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"PK")
MAX_ZIP_MEMBERS = 10_000


class ImportFileError(Exception):
    """The file as a whole cannot be read: its message says why, for people."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


@dataclass
class FileRow:
    """A non-empty row of the file: its number in the file, its cells, and which of them hold a formula."""

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


def _xlsx_rows(data: bytes) -> list[FileRow]:
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
                rows.append(FileRow(number, values, formulas))
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


def _csv_rows(data: bytes) -> tuple[list[FileRow], str]:
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
                rows.append(FileRow(number, values))
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


def read_rows(data: bytes) -> tuple[list[FileRow], str]:
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
