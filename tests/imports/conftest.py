"""Spreadsheets for the import tests, written the way the office's files come: by the app's own exports
(``common.xlsx``), edited cell by cell with openpyxl, or saved as CSV in the encodings Excel uses."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from common.xlsx import Column, Sheet, new_workbook
from projects.choices import ProjectStatus, ProjectTier
from tests.factories import DomainFactory, OrganizationFactory, PlanFactory, ProjectFactory


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_xlsx(resource, queryset, *, title=None, note=None) -> bytes:
    """The list ``queryset`` as the list exports write it: ``get_export_columns`` and ``export_rows``."""
    workbook = new_workbook()
    sheet = Sheet(workbook, "导出", resource.get_export_columns())
    sheet.heading(title=title, note=note)
    for values in resource.export_rows(resource.prepare_export_queryset(queryset)):
        sheet.row(values)
    return workbook_bytes(workbook)


def table_xlsx(headers, rows, *, title=None, note=None, kinds=None) -> bytes:
    """A workbook with a header row and ``rows``; a row given as ("total", values) is written as a total row."""
    kinds = kinds or {}
    workbook = new_workbook()
    sheet = Sheet(workbook, "Sheet1", [Column(header, kinds.get(header, "text")) for header in headers])
    sheet.heading(title=title, note=note)
    for row in rows:
        if isinstance(row, tuple) and row and row[0] == "total":
            sheet.row(row[1], style="total")
        else:
            sheet.row(row)
    return workbook_bytes(workbook)


def header_row_of(sheet, header: str) -> int:
    for row in sheet.iter_rows(min_row=1, max_row=12):
        if any(cell.value == header for cell in row):
            return row[0].row
    raise AssertionError(f"no header row with {header}")


def edit_xlsx(data: bytes, marker: str, key_header: str, changes: dict) -> bytes:
    """Change cells of an exported workbook: ``changes`` maps (key value, header) to the new value; the row is the
    one whose ``key_header`` cell holds the key value."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header_row = header_row_of(sheet, marker)
    columns = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
    rows = {}
    for row in sheet.iter_rows(min_row=header_row + 1):
        key = row[columns[key_header] - 1].value
        if key is not None:
            rows[str(key)] = row[0].row
    for (key, header), value in changes.items():
        sheet.cell(row=rows[str(key)], column=columns[header], value=value)
    return workbook_bytes(workbook)


def append_xlsx_row(data: bytes, marker: str, values: dict) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    header_row = header_row_of(sheet, marker)
    columns = {cell.value: cell.column for cell in sheet[header_row] if cell.value}
    row = sheet.max_row + 1
    for header, value in values.items():
        sheet.cell(row=row, column=columns[header], value=value)
    return workbook_bytes(workbook)


def csv_bytes(headers, rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are compared in English: the Chinese catalogue is the lead's to complete (and pages default to it)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def portfolio(db, unit, other_unit):
    """Two domains, a plan with three projects of the pattern NB2012-KEY-NN, and one project of another unit."""
    water = DomainFactory(code="water", name="智慧水务", group="city_services")
    transport = DomainFactory(code="transport", name="智慧交通", group="city_services")
    plan = PlanFactory(title="2026年智慧城市建设行动计划", first_year=2026, last_year=2027)
    projects = [
        ProjectFactory(
            code=f"NB2012-KEY-0{number}",
            name=name,
            domain=water if number != 2 else transport,
            lead_org=unit,
            tier=ProjectTier.KEY,
            total_investment=Decimal("1000.00") * number,
            planned_start=datetime.date(2026, 1, 1),
            planned_end=datetime.date(2027, 6, 30),
            status=ProjectStatus.IN_PROGRESS,
        )
        for number, name in ((1, "智慧水务一期"), (2, "智慧交通信号优化"), (3, "城市供水管网监测"))
    ]
    for project in projects:
        project.plans.add(plan)
    foreign = ProjectFactory(
        code="NB2012-KEY-04",
        name="防汛指挥系统",
        domain=water,
        lead_org=other_unit,
        planned_start=datetime.date(2026, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
    )
    foreign.plans.add(plan)
    return {"water": water, "transport": transport, "plan": plan, "projects": projects, "foreign": foreign}


@pytest.fixture
def extra_units(db):
    return [OrganizationFactory(name="宁波市经济和信息化委员会", short_name="市经信委")]


def waiting_file(user, token):
    """Where an upload of ``user`` waits for its confirm (common.spreadsheets.uploads)."""
    from pathlib import Path

    from django.conf import settings

    return Path(settings.IMPORT_UPLOAD_DIR) / str(user.pk) / f"{token}.upload"
