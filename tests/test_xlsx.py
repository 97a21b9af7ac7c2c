"""The streamed workbook writer (``common.xlsx``): every kind of value comes back from the file as it went in, styled
by its column, hostile text included; a sheet of rows is the same whether openpyxl or the streamed writer wrote it."""

import datetime
import io
import zipfile
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from common.xlsx import MAX_CELL_TEXT, Column, Sheet, new_workbook

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
