"""What an uploaded file may hold is bounded before it costs the server anything, and whatever a cell holds is at
worst an error of its row, in Chinese, never a 500 and never the database's own words (SQLite and PostgreSQL)."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from common import bounds
from projects.models import Funding, ProgressReport, Project
from projects.resources import ProjectResource
from reports import imports
from tests.factories import FundingSourceFactory

from .conftest import csv_bytes, edit_xlsx, export_xlsx, workbook_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the messages in Chinese, as the office does (the package's fixture reads English)."""
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


def one_cell_workbook(text: str) -> bytes:
    """A monthly report whose 本期进展 is ``text``, written into the workbook's XML as it is (openpyxl would cut it
    at 32,767 characters, Excel's limit: the files that matter here were not written by Excel)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["项目编号", "报告期", "形象进度（%）", "本期进展"])
    sheet.append(["NB2012-KEY-01", "2026-05", 40, "TEXT-OF-THE-CELL"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook_bytes(workbook))) as source, zipfile.ZipFile(buffer, "w") as target:
        for member in source.infolist():
            target.writestr(member, source.read(member).replace(b"TEXT-OF-THE-CELL", text.encode()))
    return buffer.getvalue()


def api_import(api, user, data, key="reports", name="月报.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return api.as_user(user).post(reverse("api:import", args=[key]), {"file": file}, format="multipart")


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(api, office_user, settings):
    """A few kilobytes of zip holding fifty megabytes of text (the demo server took 39 s and 2.1 GB for a gigabyte)."""
    settings.IMPORT_MAX_UNPACKED_BYTES = 20 * 1024 * 1024
    small = one_cell_workbook("完成招投标。")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b"x" * (50 * 1024 * 1024) + b"--></worksheet>")
            bomb.writestr(member, data)
    data = buffer.getvalue()
    assert len(data) < 200 * 1024
    start = time.perf_counter()
    response = api_import(api, office_user, data)
    assert time.perf_counter() - start < 2
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "解压后" in message and "20.0" in message


def test_a_cell_longer_than_excel_allows_is_refused(api, office_user):
    response = api_import(api, office_user, one_cell_workbook("长" * (bounds.CELL_MAX + 1)))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "row": None,
            "field": "",
            "message": "单元格 D2 有 32,768 个字符；一个单元格最多 32,767 个字符（Excel 的上限），"
            "也没有哪一栏能容纳这么多。",
        }
    ]
    assert not ProgressReport.objects.exists()


def test_a_csv_cell_past_the_csv_readers_limit_is_explained_in_chinese(api, office_user):
    data = ('项目编号,报告期,本期进展\nNB2012-KEY-01,2026-05,"' + "长" * 200_000 + '"\n').encode("utf-8")
    response = api_import(api, office_user, data, name="月报.csv")
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert "单元格" in message and "field larger" not in message


def test_a_text_longer_than_its_column_is_an_error_of_its_row(api, office_user, portfolio):
    response = api_import(api, office_user, one_cell_workbook("长" * (bounds.TEXT_MAX + 1)))
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["row"], error["field"]) == (2, "本期进展")
    assert "5000" in error["message"]


def test_a_nul_character_after_the_first_4_kb_is_an_error_of_its_row(api, office_user, portfolio):
    rows = [["NB2012-KEY-01", f"2026-0{month}", 40, "完成" * 800] for month in range(1, 4)]
    rows.append(["NB2012-KEY-02", "2026-04", 40, "完成招投标\x00。"])
    data = csv_bytes(["项目编号", "报告期", "形象进度（%）", "本期进展"], rows)
    assert data.index(b"\x00") > 4096
    response = api_import(api, office_user, data, name="月报.csv")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 5, "field": "本期进展", "message": "单元格 D5 含有 NUL 字符，文字中不能有此字符：请删除。"}
    ]
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("年度", "1e30", "“1e30”数值过大。"),
        ("年度", 1e30, "数值过大"),
        ("计划资金（万元）", "99999999999999999999", "数值过大"),
        ("计划资金（万元）", "100000000", "99999999.99"),
        ("年度", "92521", "2100"),
    ],
)
def test_numbers_beyond_any_column_are_errors_of_their_row(api, office_user, portfolio, column, value, expected):
    FundingSourceFactory(name="市智慧城市专项资金")
    headers = ["项目编号", "资金来源", "年度", "计划资金（万元）"]
    row = {"项目编号": "NB2012-KEY-01", "资金来源": "市智慧城市专项资金", "年度": 2026, "计划资金（万元）": 100}
    row[column] = value
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    workbook.active.append([row[header] for header in headers])
    response = api_import(api, office_user, workbook_bytes(workbook), key="fundings")
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["row"] == 2 and error["field"] == column
    assert expected in error["message"]
    assert not Funding.objects.exists()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("92521-01-01", "不是日期"),
        ("9999-12-31", "2100-12-31"),
        ("0001-01-01", "1949-01-01"),
        (2958465, "2100-12-31"),  # Excel's last day, 9999-12-31
    ],
)
def test_dates_beyond_the_years_are_errors_of_their_row(api, office_user, portfolio, value, expected):
    data = export_xlsx(ProjectResource(), Project.objects.with_figures().order_by("code"), title="计划表")
    data = edit_xlsx(data, "项目名称", "项目编号", {("NB2012-KEY-01", "计划完成"): value})
    response = api_import(api, office_user, data, key="projects")
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["field"] == "计划完成"
    assert expected in error["message"]


def test_the_database_never_speaks_to_the_user(portfolio):
    from django.db import DataError

    assert "database" not in imports.failure_message(DataError("value too long for type character varying(30)"))
    assert imports.failure_message(DataError("x")) == "有值超出了该栏的容量；请对照模板的填写说明检查这一行。"
