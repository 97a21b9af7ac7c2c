"""Spreadsheets as a Chinese government office files them, written in a stream.

A ``Sheet`` writes a title row, an optional line under it (unit, date), one header row and then data rows, each cell
formatted by its column's kind: money in 万元 with two decimals, percentages, real dates, long text wrapped. The
header row is frozen and repeated on every printed page; pages are landscape A4, fitted to the width, numbered in the
footer (第 N 页 共 M 页). The workbook is openpyxl's write-only kind, so rows go to a temporary file as they come and
memory stays bounded whatever the count.

A row whose text wraps gets the height of its wrapped lines: spreadsheets do not measure a row when they open a
file (LibreOffice and WPS print the row one line high, its text running over the rows below), so the writer estimates
the lines from the text's display width (a Chinese character is two columns wide) and the column's width.

Text is always written as text: a value starting with ``=``, ``+``, ``-`` or ``@`` would otherwise become a formula
when the file is opened (formula injection). CSV files get the same protection by a leading apostrophe, and a UTF-8
byte order mark so that Excel on Chinese Windows reads them as UTF-8.
"""

import csv
import datetime
import functools
import io
import math
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.compat import safe_string
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.constants import XML_NS
from openpyxl.xml.functions import Element, SubElement

FONT_NAME = "宋体"  # SimSun: on every Chinese Windows; LibreOffice and WPS substitute a CJK font where it is missing
TITLE_FONT_NAME = "黑体"
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_WIDTH = 60
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELL_TEXT = 32767  # Excel's limit
XML_SPACE = f"{{{XML_NS}}}space"

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")

NUMBER_FORMATS = {
    "money": "#,##0.00",
    "number": "#,##0.####",
    "integer": "0",
    "percent": '0.0"%"',  # the value is already in percent (40.0 means 40%), as the app stores it
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
DEFAULT_WIDTHS = {"money": 14, "number": 12, "integer": 8, "percent": 10, "date": 12, "datetime": 17, "text": 16}
WRAPPED_KINDS = ("long", "text")
FONT_SIZES = {"title": 16, "note": 10, "header": 11, "data": 10.5, "total": 10.5, "detail": 10.5}
# Points per wrapped line of each style (its font size and the line spacing of 宋体 in Excel and WPS, a little more
# than LibreOffice's CJK fonts take), and the room above and below the lines.
LINE_HEIGHTS = {style: round(size * 1.35, 1) for style, size in FONT_SIZES.items()}
ROW_PADDING = 4.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
DETAIL_INDENT = 2  # a detail row (a project's phase) is indented this much in the columns that show its rank
FOOTER = '&"宋体"&10第 &P 页 共 &N 页'


@dataclass(frozen=True)
class Column:
    """One column: its header, the kind of its values (text, long, money, number, integer, percent, date,
    datetime) and, optionally, its width in characters (else one that suits the kind and the header)."""

    header: str
    kind: str = "text"
    width: int | None = None
    # Detail rows (a phase under its project) are indented in this column.
    indents_detail: bool = False
    # "center" for a column of serial numbers (1, 2, 2-1…), which would otherwise sit left or right by their type.
    align: str | None = None

    @property
    def display_width(self) -> int:
        if self.width:
            return self.width
        if self.kind == "long":
            return 40
        return max(DEFAULT_WIDTHS.get(self.kind, 16), text_width(self.header) + 2)


def text_width(value) -> int:
    """Characters as wide as ``value``'s longest line shown: a Chinese character takes two."""
    text = str(value or "")
    return max(map(_line_width, text.splitlines() or [""]))


def _line_width(line: str) -> int:
    if line.isascii():
        return len(line)
    return len(line) + len(_wide_characters().findall(line))


@functools.cache
def _wide_characters() -> re.Pattern:
    """The wide (W) and full-width (F) characters of Unicode's East Asian Width as one character class, so that they
    are counted at C speed (each row of a 10,000-row export is measured for its height)."""
    ranges, start = [], None
    for code in range(0x1100, 0x40000):
        wide = unicodedata.east_asian_width(chr(code)) in "WF"
        if wide and start is None:
            start = code
        elif not wide and start is not None:
            ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    if start is not None:
        ranges.append(f"{re.escape(chr(start))}-{re.escape(chr(0x3FFFF))}")
    return re.compile(f"[{''.join(ranges)}]")


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes wrapped in a column ``width`` characters wide (each of its own lines at least
    one). A cell keeps about a character's room for its margins, and wrapping at word ends loses some more: the
    estimate errs on the side of one line too many rather than a line cut off."""
    room = _room(width)
    if "\n" not in text and len(text) * 2 <= room:  # fits even if every character is wide: the common case
        return 1
    return _lines(text, room)


def _room(width: float) -> float:
    return max(1.0, (width - 1) * 0.95)


def _lines(text: str, room: float) -> int:
    return sum(max(1, math.ceil(_line_width(line) / room)) for line in text.split("\n"))


def fitted_widths(columns: list[Column], rows: list[list]) -> list[int]:
    """Widths that fit the header and the values of each column (for tables small enough to look at first)."""
    widths = []
    for index, column in enumerate(columns):
        if column.width or column.kind == "long":
            widths.append(column.display_width)
            continue
        values = (row[index] for row in rows if index < len(row))
        widest = max([text_width(column.header), *(text_width(_shown(value, column.kind)) for value in values)])
        widths.append(min(MAX_WIDTH, max(6, widest + 2)))
    return widths


def _shown(value, kind: str) -> str:
    if isinstance(value, float | Decimal) and kind in ("money", "number", "percent"):
        return f"{value:,.2f}"
    if isinstance(value, datetime.date):
        return "2026-01-01 00:00" if isinstance(value, datetime.datetime) else "2026-01-01"
    return str(value if value is not None else "")


def as_text(value) -> str:
    """A text cell's value for CSV, where a leading apostrophe is the only way to keep a formula out."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class Sheet:
    """One worksheet of a write-only workbook. Call ``heading()`` once, then ``row()`` for each row."""

    def __init__(self, workbook: Workbook, title: str, columns: list[Column], widths: list[int] | None = None):
        self.worksheet = StreamedWorksheet(parent=workbook, title=title[:31])
        workbook._add_sheet(self.worksheet)
        self.columns = columns
        self.fonts = {
            "title": Font(name=TITLE_FONT_NAME, size=FONT_SIZES["title"], bold=True),
            "note": Font(name=FONT_NAME, size=FONT_SIZES["note"]),
            "header": Font(name=FONT_NAME, size=FONT_SIZES["header"], bold=True),
            "data": Font(name=FONT_NAME, size=FONT_SIZES["data"]),
            "total": Font(name=FONT_NAME, size=FONT_SIZES["total"], bold=True),
            "detail": Font(name=FONT_NAME, size=FONT_SIZES["detail"]),
        }
        self.widths = widths or [column.display_width for column in columns]
        # The columns whose text wraps, with the room in them: the ones a row's height depends on.
        self.wrapped = [
            (index, _room(width))
            for index, (column, width) in enumerate(zip(columns, self.widths, strict=True))
            if column.kind in WRAPPED_KINDS
        ]
        for index, width in enumerate(self.widths, start=1):
            self.worksheet.column_dimensions[get_column_letter(index)].width = width
        setup = self.worksheet.page_setup
        setup.orientation = "landscape"
        setup.paperSize = Worksheet.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        self.worksheet.sheet_properties.pageSetUpPr.fitToPage = True
        self.worksheet.print_options.horizontalCentered = True
        self.worksheet.oddFooter.center.text = FOOTER
        self.rows_written = 0
        self.styles = {}

    def heading(self, title: str | None = None, note: str | None = None) -> None:
        """The title row and the line under it (each spanning the table), then the header row, frozen and repeated
        on every printed page."""
        header_row = 1 + (title is not None) + (note is not None)
        # A write-only sheet writes its views with the first row: the panes are set before any row.
        self.worksheet.freeze_panes = f"A{header_row + 1}"
        self.worksheet.print_title_rows = f"{header_row}:{header_row}"
        last = get_column_letter(len(self.columns))
        table_width = sum(self.widths)
        for text, style in ((title, "title"), (note, "note")):
            if text is None:
                continue
            cell = WriteOnlyCell(self.worksheet, text)
            cell.font = self.fonts[style]
            # The note may be longer than the table is wide (the month's summary): it wraps rather than being cut.
            cell.alignment = Alignment(
                horizontal="center" if style == "title" else "left", vertical="center", wrap_text=style == "note"
            )
            self.rows_written += 1
            self.worksheet.merged_cells.add(CellRange(f"A{self.rows_written}:{last}{self.rows_written}"))
            if style == "title":
                # The title is printed at 16 points: half again as wide as the data's characters.
                lines = wrapped_lines(text, table_width / (FONT_SIZES["title"] / FONT_SIZES["data"]))
                self.worksheet.row_dimensions[self.rows_written].height = max(30, self._height([lines], style))
            else:
                self.worksheet.row_dimensions[self.rows_written].height = self._height(
                    [wrapped_lines(text, table_width)], style
                )
            self.worksheet.append([cell])
        header_cells = []
        for column in self.columns:
            cell = WriteOnlyCell(self.worksheet, column.header)
            cell.font = self.fonts["header"]
            cell.fill = HEADER_FILL
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header_cells.append(cell)
        self.rows_written += 1
        self.worksheet.row_dimensions[self.rows_written].height = self._height(
            [wrapped_lines(column.header, width) for column, width in zip(self.columns, self.widths, strict=True)],
            "header",
        )
        self.worksheet.append(header_cells)

    def section(self, label: str, column: int = 1) -> None:
        """A heading inside the table (一、信息基础设施): ``label`` in bold on grey, from ``column`` (counted from 0)
        to the table's last column, on one line."""
        last = len(self.columns)
        cells = []
        for index in range(last):
            cell = WriteOnlyCell(self.worksheet, label if index == column else None)
            cell.font = self.fonts["total"]
            cell.fill = TOTAL_FILL
            cell.border = BORDER
            cell.alignment = Alignment(vertical="center")
            cells.append(cell)
        self.rows_written += 1
        row = self.rows_written
        self.worksheet.merged_cells.add(
            CellRange(f"{get_column_letter(column + 1)}{row}:{get_column_letter(last)}{row}")
        )
        self.worksheet.row_dimensions[row].height = self._height([1], "total")
        self.worksheet.append(cells)

    def row(self, values: list, style: str = "data") -> None:
        """A data row (``style`` "total" for subtotal and total rows: bold on grey; "detail" for a row that belongs
        to the one above it, such as a project's phase: indented in the columns that say so). A short row is filled
        with blank cells, so that its borders run the table's width."""
        values = [*values[: len(self.columns)], *[None] * (len(self.columns) - len(values))]
        cells, styles = [], []
        for index, value in enumerate(values):
            value = cell_value(value)
            cells.append(value)
            styles.append(self._style_id(index, style, isinstance(value, str)))
        lines = 1
        for index, room in self.wrapped:
            text = cells[index] if index < len(cells) else None
            # As wrapped_lines, without a call for the many short texts that fit however wide their characters are.
            if isinstance(text, str) and (len(text) * 2 > room or "\n" in text):
                lines = max(lines, _lines(text, room))
        self.rows_written += 1
        self.worksheet.append(DataRow(cells, styles, self._height([lines], style)))

    @staticmethod
    def _height(lines: list[int], style: str) -> float:
        """A row's height in points for the most lines one of its cells wraps to."""
        return min(MAX_ROW_HEIGHT, max([1, *lines]) * LINE_HEIGHTS[style] + ROW_PADDING)

    def _style_id(self, index: int, style: str, is_text: bool) -> str:
        # Registering a font or a border with the workbook hashes it: done once per column and kind of cell.
        key = (index, style, is_text)
        if key not in self.styles:
            probe = WriteOnlyCell(self.worksheet)
            self._apply_style(probe, self.columns[index], style, is_text)
            self.styles[key] = str(probe.style_id)
        return self.styles[key]

    def _apply_style(self, cell: WriteOnlyCell, column: Column, style: str, is_text: bool) -> None:
        cell.font = self.fonts[style]
        cell.border = BORDER
        if style == "total":
            cell.fill = TOTAL_FILL
        if column.kind in NUMBER_FORMATS and not is_text:
            cell.number_format = NUMBER_FORMATS[column.kind]
        wrap = column.kind in WRAPPED_KINDS
        horizontal = column.align or ("right" if column.kind in ("money", "number", "percent") else None)
        if style == "detail" and column.indents_detail:
            cell.alignment = Alignment(vertical="center", wrap_text=wrap, horizontal="left", indent=DETAIL_INDENT)
        else:
            cell.alignment = Alignment(vertical="center", wrap_text=wrap, horizontal=horizontal)


def new_workbook() -> Workbook:
    return Workbook(write_only=True)


def cell_value(value):
    """``value`` as a cell holds it: Decimal as float, an aware time as the local wall-clock time (Excel has no time
    zones), text without the control characters a workbook cannot hold and cut to Excel's 32,767 characters."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value[:MAX_CELL_TEXT])
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


class DataRow(tuple):
    """A row of cell values (from ``cell_value``), the id of each one's registered style, and the row's height in
    points."""

    def __new__(cls, values: list, styles: list[str], height: float):
        return super().__new__(cls, (values, styles, height))


class StreamedWorksheet(WriteOnlyWorksheet):
    """openpyxl's write-only worksheet that writes a ``DataRow`` straight to the sheet's XML, one element per row.

    openpyxl makes a cell object per value, binds and checks it twice and streams it tag by tag: at 10,000 rows of 20
    columns that took three seconds, this one. Rows of cells (the title and header rows) go openpyxl's own way. The
    cells written are those openpyxl writes: inline strings (never formulas), numbers, booleans, and dates as serial
    numbers with the style's date format."""

    def _write_rows(self):
        try:
            xf = self._writer.xf.send(True)
        except StopIteration:
            self._already_saved()
        with xf.element("sheetData"):
            row_idx = 1
            try:
                while True:
                    row = yield
                    if isinstance(row, DataRow):
                        xf.write(self._row_element(row_idx, *row))
                    else:
                        self._writer.write_row(xf, self._values_to_row(row, row_idx), row_idx)
                    row_idx += 1
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _row_element(self, row_idx: int, values: list, styles: list[str], height: float):
        number = str(row_idx)
        row = Element("row", r=number, ht=safe_string(height), customHeight="1")
        epoch = self.parent.epoch
        for column, (value, style) in enumerate(zip(values, styles, strict=True), start=1):
            letter = get_column_letter(column)
            if value is None:
                SubElement(row, "c", r=letter + number, s=style)
            elif value == "":
                SubElement(row, "c", r=letter + number, s=style, t="inlineStr")
            elif isinstance(value, str):
                cell = SubElement(row, "c", r=letter + number, s=style, t="inlineStr")
                text = SubElement(SubElement(cell, "is"), "t")
                if value != value.strip():
                    text.set(XML_SPACE, "preserve")
                text.text = value
            elif isinstance(value, bool):
                cell = SubElement(row, "c", r=letter + number, s=style, t="b")
                SubElement(cell, "v").text = "1" if value else "0"
            elif isinstance(value, int | float):
                cell = SubElement(row, "c", r=letter + number, s=style, t="n")
                SubElement(cell, "v").text = safe_string(value)
            elif isinstance(value, datetime.date | datetime.time):
                cell = SubElement(row, "c", r=letter + number, s=style, t="n")
                SubElement(cell, "v").text = safe_string(to_excel(value, epoch))
            else:
                cell = SubElement(row, "c", r=letter + number, s=style, t="inlineStr")
                SubElement(SubElement(cell, "is"), "t").text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        return row


def xlsx_response(workbook: Workbook, filename: str) -> FileResponse:
    """The workbook saved to a temporary file (deleted once sent) and streamed from there."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it once sent
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def list_workbook(title: str, columns: list[Column], rows: Iterable[list]) -> Workbook:
    """A list's export (every row its filters choose) as one streamed sheet: the title, the date and unit line, the
    header row and the rows."""
    workbook = new_workbook()
    sheet = Sheet(workbook, title, columns)
    sheet.heading(title, f"导出日期：{timezone.localdate():%Y年%m月%d日}    单位：万元")
    for values in rows:
        sheet.row(values)
    return workbook


def csv_chunks(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """Rows as CSV text in pieces of about 64 kB, after a byte order mark and the header; text that could start a
    formula gets an apostrophe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(header)
    for row in rows:
        writer.writerow([as_text(value) if isinstance(value, str) else _csv_value(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    """Rows streamed as CSV in UTF-8 with a byte order mark (``csv_chunks``)."""
    response = StreamingHttpResponse(csv_chunks(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
