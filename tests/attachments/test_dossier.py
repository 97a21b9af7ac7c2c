"""The project dossier (项目档案) as one ZIP: the project's documents by kind and 文号, each report's and milestone's
files, and 项目数据.xlsx whose figures are the project page's; for whoever may read the page, 404 outside the
region, archived projects included."""

import datetime
import hashlib
import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from attachments import services as attachment_services
from attachments.models import Attachment
from projects import history, services
from projects.choices import Health, ReportStatus
from tests.factories import (
    FundingFactory,
    FundingSourceFactory,
    MilestoneFactory,
    ProgressReportFactory,
    ProjectFactory,
)
from tests.projects import regional

from . import pictures
from .support import add_document, document

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
EXPECTED = [
    "文件/立项批复_甬发改审批〔2026〕12号_立项批复.pdf",
    "文件/合同_建设合同.pdf",
    "文件/其他_会议纪要.pdf",
    "月报/2026-02/现场照片.jpg",
    "月报/2026-02/现场照片 (2).jpg",
    "月报/2026-03/监理周报.pdf",
    "节点/方案_设计/设计方案.pdf",
    "节点/上线试运行/试运行.jpg",
    "项目数据.xlsx",
]


@pytest.fixture
def project(unit, liaison, office_user):
    """智慧工地: documents, two reports with files (two photos of one name), milestones with files (one named with a
    slash), funding and a history."""
    project = ProjectFactory(
        code="ZH-DOS-1",
        name="智慧工地",
        lead_org=unit,
        planned_start=TODAY - datetime.timedelta(days=200),
        planned_end=TODAY + datetime.timedelta(days=165),
        actual_start=TODAY - datetime.timedelta(days=190),
    )
    design = MilestoneFactory(project=project, name="方案/设计", weight=40, planned_date=TODAY - datetime.timedelta(90))
    trial = MilestoneFactory(project=project, name="上线试运行", weight=60, planned_date=TODAY + datetime.timedelta(10))
    approved = ProgressReportFactory(
        project=project,
        period="2026-02",
        progress=Decimal("30.0"),
        investment_completed=Decimal("120.50"),
        summary="完成基础施工。",
        status=ReportStatus.APPROVED,
        reviewer=office_user,
    )
    waiting = ProgressReportFactory(project=project, period="2026-03", progress=Decimal("35.0"))
    add_document(project, "contract", actor=liaison, name="建设合同.pdf")
    add_document(project, "other", actor=liaison, name="会议纪要.pdf", issued_on=None)
    add_document(project, "approval", actor=liaison, name="立项批复.pdf", number="甬发改审批〔2026〕12号")
    attachment_services.attach(
        actor=None, obj=approved, files=[pictures.photo(1), pictures.photo(2)], check_permission=False
    )
    attachment_services.attach(actor=liaison, obj=waiting, files=[document("监理周报.pdf", seed=9)])
    attachment_services.attach(actor=liaison, obj=design, files=[document("设计方案.pdf", seed=10)])
    attachment_services.attach(actor=liaison, obj=trial, files=[pictures.photo(3, name="试运行.jpg")])
    government = FundingSourceFactory(code="city", name="市级财政", is_government=True)
    social = FundingSourceFactory(code="social", name="社会资本", is_government=False)
    FundingFactory(project=project, source=government, year=2026, planned=Decimal("600"), allocated=Decimal("300"))
    FundingFactory(project=project, source=social, year=2026, planned=Decimal("400"), allocated=Decimal("0"))
    services.project_save(actor=office_user, project=project, data={"description": "施工现场物联感知与安全监管。"})
    return project


def opened(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def sheet_rows(workbook, title: str) -> list[tuple]:
    """The rows under a sheet's title, note and header."""
    return list(workbook[title].iter_rows(min_row=4, values_only=True))


def test_the_dossier_holds_the_files_by_folder_and_the_figures_of_the_page(client, liaison, project):
    client.force_login(liaison)
    response = client.get(reverse("project-dossier", args=[project.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert f"filename*=utf-8''{quote('ZH-DOS-1_智慧工地_项目档案.zip')}" in response["Content-Disposition"]
    archive = opened(response)
    assert archive.namelist() == EXPECTED
    assert all(info.flag_bits & 0x800 for info in archive.infolist())  # names in UTF-8, said so in each entry
    approval = Attachment.objects.get(kind="approval")
    assert hashlib.sha256(archive.read(EXPECTED[0])).hexdigest() == approval.sha256

    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("项目数据.xlsx")))
    assert workbook.sheetnames == ["概况", "节点", "月报", "资金", "变更记录"]
    overview = dict(sheet_rows(workbook, "概况"))
    page = client.get(project.get_absolute_url()).context["object"]
    assert overview["形象进度（%）"] == round(page.progress, 1) == 30.0
    assert overview["计划进度（%）"] == round(page.planned_progress, 1) == 40.0
    assert overview["落后计划（百分点）"] == round(page.progress_lag, 1) == 10.0
    assert overview["逾期节点"] == page.late_milestones == 1
    assert overview["逾期天数"] == page.days_late == 90
    assert overview["健康状况"] == Health(page.health).label == "严重滞后（红灯）"
    assert (overview["编号"], overview["状态"], overview["总投资（万元）"]) == ("ZH-DOS-1", "在建", 1000)
    assert overview["计划开始"] == page.planned_start.isoformat()

    milestones = sheet_rows(workbook, "节点")
    assert [(row[0], row[1], row[4]) for row in milestones] == [("方案/设计", 40, 90), ("上线试运行", 60, 0)]
    reports = sheet_rows(workbook, "月报")
    assert [row[:4] for row in reports] == [("2026-02", "已审核", 30, 120.5), ("2026-03", "已报送", 35, 50)]
    assert reports[0][4:6] == ("完成基础施工。", "office-staff")
    funding = sheet_rows(workbook, "资金")
    assert funding[2][1:3] == ("2026年小计", 1000) and funding[-2][1:3] == ("其中财政资金", 600)
    assert funding[-1][1:4] == ("合计", 1000, 300)
    changes = sheet_rows(workbook, "变更记录")
    assert len(changes) == len(history.change_log(project, limit=None))
    assert any("施工现场物联感知与安全监管。" in (row[3] or "") for row in changes)


def test_the_api_gives_the_same_dossier(api, liaison, project):
    response = api.as_user(liaison).get(f"/api/v1/projects/{project.pk}/dossier/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert opened(response).namelist() == EXPECTED


def test_the_project_page_offers_the_dossier(client, leader, project):
    client.force_login(leader)
    page = client.get(project.get_absolute_url()).content.decode()
    assert reverse("project-dossier", args=[project.pk]) in page and "下载项目档案" in page
    assert client.get(reverse("project-dossier", args=[project.pk])).status_code == 200


def test_anonymous_is_sent_to_log_in(client, api, project):
    response = client.get(reverse("project-dossier", args=[project.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert api.get(f"/api/v1/projects/{project.pk}/dossier/").status_code in (401, 403)


def test_another_regions_staff_get_404_like_the_page(client, api):
    w = regional.build()
    add_document(w.zhenhai_project, "contract", name="镇海合同.pdf")
    dossier = reverse("project-dossier", args=[w.zhenhai_project.pk])
    for user, expected in ((w.dongguan_office, 404), (w.xiangshan_office, 404), (w.liaison, 200), (w.city_office, 200)):
        client.force_login(user)
        assert client.get(w.zhenhai_project.get_absolute_url()).status_code == expected, user
        assert client.get(dossier).status_code == expected, user
        assert api.as_user(user).get(f"/api/v1/projects/{w.zhenhai_project.pk}/dossier/").status_code == expected


def test_an_archived_projects_dossier_keeps_its_files(client, office_user, project):
    services.archive(actor=office_user, obj=project)
    client.force_login(office_user)
    archive = opened(client.get(reverse("project-dossier", args=[project.pk])))
    assert archive.namelist() == EXPECTED
    overview = dict(sheet_rows(openpyxl.load_workbook(io.BytesIO(archive.read("项目数据.xlsx"))), "概况"))
    assert overview["归档日期"] == TODAY.isoformat()


def test_a_file_lost_from_storage_is_listed_not_a_500(client, liaison, project):
    contract = Attachment.objects.get(kind="contract")
    contract.file.storage.delete(contract.file.name)
    client.force_login(liaison)
    response = client.get(reverse("project-dossier", args=[project.pk]))
    assert response.status_code == 200
    archive = opened(response)
    assert "文件/合同_建设合同.pdf" not in archive.namelist()
    assert "文件/合同_建设合同.pdf" in archive.read("缺失文件清单.txt").decode()


def test_the_queries_do_not_grow_with_the_reports_and_their_files(client, liaison, project):
    client.force_login(liaison)
    url = reverse("project-dossier", args=[project.pk])
    with CaptureQueriesContext(connection) as before:
        opened(client.get(url))
    for month in range(4, 9):
        report = ProgressReportFactory(project=project, period=f"2026-{month:02d}", reviewer=liaison)
        attachment_services.attach(actor=liaison, obj=report, files=[pictures.photo(20 + month)])
    with CaptureQueriesContext(connection) as after:
        archive = opened(client.get(url))
    assert len(archive.namelist()) == len(EXPECTED) + 5
    assert len(after.captured_queries) == len(before.captured_queries)
