"""Every list page exports every row its filters choose (all pages, in the list's order) as Excel or as CSV in UTF-8
with a byte order mark, in the columns of the import resource, so that an exported file imports back unchanged."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from projects.choices import ReportStatus
from tests.factories import (
    DomainFactory,
    IndicatorFactory,
    MilestoneFactory,
    OrganizationFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


def xlsx_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(index for index, row in enumerate(rows) if "序号" in row or "项目编号" in row or "案号" in row)
    return rows[header:]


def csv_rows(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode())  # Excel on Chinese Windows then reads UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def projects(db):
    roads = DomainFactory(name="智能交通")
    bureau = OrganizationFactory(name="市交通局", short_name="交通局")
    made = [
        ProjectFactory(code=f"P{number:03d}", name=f"项目{number}", domain=roads, lead_org=bureau)
        for number in range(1, 61)
    ]
    ProjectFactory(code="Q001", name="=1+2", total_investment=Decimal("88.5"))
    return made


def test_project_list_exports_every_filtered_row_not_just_the_page(client, office_user, projects):
    client.force_login(office_user)
    rows = xlsx_rows(client.get("/projects/", {"domain": projects[0].domain_id, "per_page": 25, "export": "xlsx"}))
    header, data = rows[0], rows[1:]
    code = header.index("项目编号")
    assert [row[code] for row in data] == [f"P{number:03d}" for number in range(1, 61)]
    assert {"项目名称", "领域", "牵头单位", "总投资（万元）", "当前进度（%）", "状态"} <= set(header)


def test_project_list_csv_keeps_text_as_text(client, office_user, projects):
    client.force_login(office_user)
    rows = csv_rows(client.get("/projects/", {"search": "=1+2", "export": "csv"}))
    header = rows[0]
    assert len(rows) == 2
    row = dict(zip(header, rows[1], strict=True))
    assert row["项目名称"] == "'=1+2"  # a formula never runs when the file is opened
    assert float(row["总投资（万元）"]) == 88.5


def test_the_other_lists_export_their_rows(client, office_user, projects):
    first = projects[0]
    MilestoneFactory(project=first, name="系统上线", planned_date=datetime.date(2026, 9, 30))
    ProgressReportFactory(project=first, period="2026-05", status=ReportStatus.APPROVED)
    IndicatorFactory(name="视频监控覆盖率")
    ProposalFactory(title="关于推进智慧停车的建议")
    client.force_login(office_user)
    expected = {
        "/milestones/": "系统上线",
        "/progress/": first.code,
        "/targets/": "视频监控覆盖率",
        "/proposals/": "关于推进智慧停车的建议",
    }
    for url, value in expected.items():
        for kind, read in (("xlsx", xlsx_rows), ("csv", csv_rows)):
            rows = read(client.get(url, {"export": kind}))
            assert any(value in [str(cell) for cell in row] for row in rows[1:]), (url, kind)


def test_export_needs_the_right_to_read_the_list(client, projects):
    response = client.get("/projects/", {"export": "xlsx"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
