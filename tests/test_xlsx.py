"""The streamed workbook writer (``common.xlsx``): every kind of value comes back from the file as it went in, styled
by its column, hostile text included; a sheet of rows is the same whether openpyxl or the streamed writer wrote it."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from common.xlsx import (
    LINE_HEIGHTS,
    MAX_CELL_TEXT,
    MAX_ROW_HEIGHT,
    ROW_PADDING,
    Column,
    Sheet,
    new_workbook,
    wrapped_lines,
)

COLUMNS = [
    Column("名称"),
    Column("金额（万元）", "money"),
    Column("进度（%）", "percent"),
    Column("日期", "date"),
    Column("时间", "datetime"),
    Column("序号", "integer"),
    Column("是否公开"),
    Column("说明", "long"),
]


def written(rows, style="data"):
    workbook = new_workbook()
    sheet = Sheet(workbook, "测试", COLUMNS)
    sheet.heading(title="标题", note="单位：万元")
    for values in rows:
        sheet.row(values, style)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_back(content):
    return load_workbook(io.BytesIO(content)).active


def test_each_kind_of_value_reads_back_with_its_column_format():
    moment = timezone.make_aware(datetime.datetime(2026, 11, 21, 9, 30))
    sheet = read_back(
        written([["智慧水务", Decimal("1234.50"), 45.5, datetime.date(2026, 11, 21), moment, 7, True, "建设内容"]])
    )
    row = list(sheet[4])
    assert [cell.value for cell in row] == [
        "智慧水务",
        1234.5,
        45.5,
        datetime.datetime(2026, 11, 21),
        datetime.datetime(2026, 11, 21, 9, 30),  # the local wall-clock time
        7,
        True,
        "建设内容",
    ]
    assert [cell.number_format for cell in row[1:6]] == ["#,##0.00", '0.0"%"', "yyyy-mm-dd", "yyyy-mm-dd hh:mm", "0"]
    assert row[0].font.name == "宋体"
    assert row[0].border.left.style == "thin"
    assert row[7].alignment.wrap_text
    assert row[1].alignment.horizontal == "right"
    assert sheet.freeze_panes == "A4"
    assert sheet["A1"].value == "标题"
    assert [cell.value for cell in sheet[3]] == [column.header for column in COLUMNS]


def test_blank_cells_keep_their_borders():
    sheet = read_back(written([["名称", None, None, None, None, None, "", None]]))
    assert sheet["B4"].value is None and sheet["G4"].value is None
    assert sheet["B4"].border.left.style == "thin"
    assert sheet["B4"].number_format == "#,##0.00"


def test_total_rows_are_bold_on_grey():
    sheet = read_back(written([["合计", Decimal("10")]], style="total"))
    assert sheet["A4"].font.b
    assert sheet["B4"].fill.fgColor.rgb.endswith("F2F2F2")


def test_hostile_text_is_written_as_text_exactly():
    hostile = [
        '=HYPERLINK("http://evil","点我")',
        "+1+1",
        "-2",
        "@SUM(A1)",
        "<script>alert('x')</script> & \"quoted\"",
        "'; DROP TABLE projects_project; --",
        "  前后有空格  ",
        "表情😀与生僻字𠀀𪚥",
        "第一行\n第二行",
    ]
    sheet = read_back(written([[text] for text in hostile]))
    assert [sheet.cell(row=4 + index, column=1).value for index in range(len(hostile))] == hostile
    assert all(sheet.cell(row=4 + index, column=1).data_type == "s" for index in range(len(hostile)))


def test_control_characters_are_dropped_and_text_cut_to_excels_limit():
    sheet = read_back(written([["控制\x00字符\x07\x1b"], ["长" * (MAX_CELL_TEXT + 10)]]))
    assert sheet["A4"].value == "控制字符"
    assert len(sheet["A5"].value) == MAX_CELL_TEXT


def test_no_cell_is_a_formula():
    content = written([["=1+2", Decimal("3")]])
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    assert 't="inlineStr"' in xml


def test_wrapped_lines_count_chinese_characters_double():
    assert wrapped_lines("智慧水务", 40) == 1
    assert wrapped_lines("建" * 37, 40) == 2  # 74 columns wide in a column of about 37
    assert wrapped_lines("x" * 38, 40) == 2 and wrapped_lines("x" * 37, 40) == 1
    assert wrapped_lines("第一行\n第二行\n\n第四行", 40) == 4


def test_a_row_is_as_high_as_its_longest_wrapped_text():
    long_text = "完成系统联调与数据对接，" * 10  # 120 characters: 240 columns, seven lines at width 40
    blank = [None, None, None, None, None, ""]
    content = written([["短", *blank, "说明"], ["短", *blank, long_text]])
    sheet = read_back(content)
    one_line, seven_lines = sheet.row_dimensions[4].height, sheet.row_dimensions[5].height
    assert one_line == pytest.approx(LINE_HEIGHTS["data"] + ROW_PADDING)
    assert seven_lines == pytest.approx(7 * LINE_HEIGHTS["data"] + ROW_PADDING)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<row r="5" ht="' in xml and 'customHeight="1"' in xml
    # The header row is as high as its wrapped headers; a long note wraps instead of running off the page.
    assert sheet.row_dimensions[3].height >= LINE_HEIGHTS["header"]
    assert sheet["A2"].alignment.wrap_text


def test_row_height_stops_at_excels_limit():
    sheet = read_back(written([["长" * 5000]]))
    assert sheet.row_dimensions[4].height == MAX_ROW_HEIGHT


def test_pages_are_numbered_in_the_footer():
    sheet = read_back(written([["智慧水务"]]))
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
