"""As the office would do it: download the 2012 重大项目计划表, open and save it in LibreOffice, change three projects'
progress and add a project, upload it, read the preview, confirm, and find exactly those changes; a liaison's GBK
CSV of progress reports; a file with one bad row, which writes nothing and names the row."""

import datetime
import io
import os
import shutil
import subprocess
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from projects.choices import ProjectStatus, ReportStatus
from projects.models import ProgressReport, Project, period_of
from tests.factories import DomainFactory, OrganizationFactory, PlanFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def saved_by_libreoffice(data: bytes, tmp_path) -> bytes:
    """The file as LibreOffice writes it back (or unchanged where LibreOffice is not installed)."""
    if not shutil.which("soffice"):
        if os.environ.get("REQUIRE_LIBREOFFICE"):
            pytest.fail("LibreOffice is required here (apt-get install libreoffice-calc-nogui)")
        return data
    source = tmp_path / "计划表.xlsx"
    source.write_bytes(data)
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path / "out"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (tmp_path / "out" / "计划表.xlsx").read_bytes()


@pytest.fixture
def plan_2012(db):
    plan = PlanFactory(title="2012年宁波市加快创建智慧城市行动计划", first_year=2012, last_year=2012)
    bureau = OrganizationFactory(name="宁波市经济和信息化委员会", short_name="市经信委")
    domains = [
        DomainFactory(name="光纤宽带", group="infrastructure"),
        DomainFactory(name="智慧交通", group="city_services"),
    ]
    projects = []
    for number in range(1, 7):
        project = ProjectFactory(
            code=f"NB2012-KEY-{number:02d}",
            name=f"重点项目{number}",
            domain=domains[number % 2],
            lead_org=bureau,
            planned_start=datetime.date(2012, 1, 1),
            planned_end=datetime.date(2013, 12, 31),
            status=ProjectStatus.IN_PROGRESS,
        )
        project.plans.add(plan)
        projects.append(project)
    return plan


def upload(client, key, data, name):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("import", args=[key]), {"file": file})


def test_the_office_edits_the_2012_plan_table_and_imports_it_back(client, office_user, plan_2012, tmp_path):
    client.force_login(office_user)
    response = client.get("/reports/export/project-plan.xlsx", {"year": 2012, "plan": plan_2012.pk})
    data = saved_by_libreoffice(b"".join(response.streaming_content), tmp_path)

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.active
    header = next(row for row in range(1, 10) if sheet.cell(row, 3).value == "项目名称")
    columns = {sheet.cell(header, column).value: column for column in range(1, sheet.max_column + 1)}
    changed = {"NB2012-KEY-01": 35, "NB2012-KEY-03": 60, "NB2012-KEY-05": 90}
    for row in range(header + 1, sheet.max_row + 1):
        code = sheet.cell(row, columns["项目编号"]).value
        if code in changed:
            sheet.cell(row, columns["当前进度（%）"], changed[code])
    new_row = sheet.max_row + 1
    for name, value in {
        "领域": "光纤宽带",
        "项目名称": "农村宽带普及工程",
        "建设内容": "行政村光纤全覆盖",
        "牵头单位": "市经信委",
        "总投资（万元）": 3200,
        "起止年限": "2012—2013",
        "状态": "在建",
    }.items():
        sheet.cell(new_row, columns[name], value)
    edited = io.BytesIO()
    workbook.save(edited)

    preview = upload(client, "projects", edited.getvalue(), "2012年度重大项目计划表.xlsx")
    outcome = preview.context["outcome"]
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (1, 3, 3, [])
    assert Project.objects.count() == 6 and not ProgressReport.objects.exists()  # a preview writes nothing

    response = client.post(reverse("import", args=["projects"]), {"token": preview.context["token"], "confirm": "1"})
    assert response.status_code == 302
    figures = {project.code: project.progress for project in Project.objects.with_figures()}
    for code, progress in changed.items():
        assert figures[code] == progress
    assert [figures[code] for code in ("NB2012-KEY-02", "NB2012-KEY-04", "NB2012-KEY-06")] == [0, 0, 0]
    new = Project.objects.get(name="农村宽带普及工程")
    assert (new.planned_start, new.planned_end) == (datetime.date(2012, 1, 1), datetime.date(2013, 12, 31))
    assert new.total_investment == Decimal("3200") and new.lead_org.short_name == "市经信委"
    reports = ProgressReport.objects.filter(status=ReportStatus.APPROVED, period=period_of(datetime.date.today()))
    assert reports.count() == 3 and {report.reviewer for report in reports} == {office_user}


def test_a_liaison_imports_a_gbk_csv_of_progress_reports(client, liaison, plan_2012):
    own = Project.objects.get(code="NB2012-KEY-02")
    own.lead_org = liaison.organization
    own.save()
    period = period_of(datetime.date.today())
    text = (
        "项目编号,报告期,形象进度（%）,本期完成投资（万元）,本期进展,存在问题,下步计划\n"
        f"NB2012-KEY-02,{period},45,120,完成设备安装,无,联调测试\n"
    )
    client.force_login(liaison)
    preview = upload(client, "reports", text.encode("gbk"), "月报.csv")
    assert preview.context["outcome"].errors == [] and preview.context["outcome"].created == 1
    client.post(reverse("import", args=["reports"]), {"token": preview.context["token"], "confirm": "1"})
    report = ProgressReport.objects.get(project=own, period=period)
    assert (report.progress, report.summary, report.submitted_by) == (Decimal("45.0"), "完成设备安装", liaison)


def test_one_bad_row_writes_nothing_and_is_named(client, office_user, plan_2012):
    rows = [
        "项目编号,项目名称,领域,牵头单位,总投资（万元）,计划开始,计划完成",
        "NB2012-NEW-01,新项目一,光纤宽带,市经信委,100,2012-01-01,2012-12-31",
        "NB2012-NEW-02,新项目二,光纤宽带,市经信委,不是数字,2012-01-01,2012-12-31",
    ]
    client.force_login(office_user)
    preview = upload(client, "projects", "\n".join(rows).encode("utf-8-sig"), "新项目.csv")
    outcome = preview.context["outcome"]
    assert [(error.row, error.field) for error in outcome.errors] == [(3, "总投资（万元）")]
    assert preview.context.get("token") is None  # nothing to confirm
    assert not Project.objects.filter(code__startswith="NB2012-NEW").exists()
