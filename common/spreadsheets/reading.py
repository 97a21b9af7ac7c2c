"""A file's data rows under a resource's headers (``read_table``).

The file may look like the office's printed tables: a title row and a note row above the header row (which may name
what a column would, such as the month of a 进度月报), group heading rows (一、信息基础设施) and 小计/合计 rows among
the data. The header row is the first of the first ten rows that holds one of the resource's marker headers (or two of
its headers); rows whose key cells are all blank, or that say 小计/合计, are passed over. Row numbers are the file's
own. A cell holding a NUL character, which no database text holds, or a formula, is an error of its row.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from .cells import is_blank, is_total_label, normalize_header
from .files import HEADER_SEARCH_ROWS, ImportFileError, read_rows
from .outcomes import RowError
from .resources import ImportResource


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
