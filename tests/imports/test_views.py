"""The import pages: who may import what, upload → preview (nothing written) → confirm (written, with history under
the importing user), and the file kept on the server only between the two."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from common.spreadsheets import uploads
from projects.models import Milestone, ProgressReport, Project
from projects.resources import ProjectResource
from tests.factories import ProposalFactory, SessionFactory

from .conftest import csv_bytes, edit_xlsx, export_xlsx, waiting_file

pytestmark = pytest.mark.django_db

REPORT_HEADERS = ["项目编号", "报告期", "形象进度（%）", "本期完成投资（万元）", "本期进展"]


def upload(client, key, data, name="导入.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("import", args=[key]), {"file": file})


def project_file(portfolio, changes):
    data = export_xlsx(ProjectResource(), Project.objects.with_figures().order_by("code"), title="计划表")
    return edit_xlsx(data, "项目名称", "项目编号", changes)


# --------------------------------------------------------------------------------------------------------------
# Who may import what
# --------------------------------------------------------------------------------------------------------------


def test_office_staff_may_import_the_portfolio_tables(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("import-index"))
    assert response.status_code == 200
    keys = [resource["key"] for resource in response.context["resources"]]
    assert keys == ["projects", "milestones", "fundings", "reports", "indicators", "indicator-values"]
    for key in keys:
        assert client.get(reverse("import", args=[key])).status_code == 200
    assert client.get(reverse("import", args=["proposals"])).status_code == 403
    assert client.get(reverse("import", args=["nothing"])).status_code == 404
    assert reverse("import-index") in client.get(reverse("home")).content.decode()


def test_a_liaison_imports_progress_reports_only(client, liaison):
    client.force_login(liaison)
    response = client.get(reverse("import-index"))
    assert [resource["key"] for resource in response.context["resources"]] == ["reports"]
    assert client.get(reverse("import", args=["reports"])).status_code == 200
    for key in ("projects", "milestones", "indicator-values"):
        assert client.get(reverse("import", args=[key])).status_code == 403
        assert client.get(reverse("import-template", args=[key])).status_code == 403


def test_the_committee_imports_proposals(client, committee_user):
    client.force_login(committee_user)
    response = client.get(reverse("import-index"))
    assert [resource["key"] for resource in response.context["resources"]] == ["proposals"]
    assert client.get(reverse("import", args=["projects"])).status_code == 403


def test_leaders_may_not_import(client, leader):
    client.force_login(leader)
    assert client.get(reverse("import-index")).status_code == 403
    assert client.get(reverse("import", args=["projects"])).status_code == 403
    assert client.get(reverse("import-template", args=["reports"])).status_code == 403
    assert reverse("import-index") not in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for url in (
        reverse("import-index"),
        reverse("import", args=["projects"]),
        reverse("import-template", args=["projects"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    response = client.post(reverse("import", args=["projects"]), {})
    assert response.status_code == 302


# --------------------------------------------------------------------------------------------------------------
# Preview, confirm
# --------------------------------------------------------------------------------------------------------------


def test_preview_then_confirm(client, portfolio, office_user):
    client.force_login(office_user)
    data = project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500, ("NB2012-KEY-02", "当前进度（%）"): 20})
    response = upload(client, "projects", data)
    assert response.status_code == 200
    outcome = response.context["outcome"]
    assert (outcome.created, outcome.updated, outcome.skipped, outcome.errors) == (0, 2, 2, [])
    page = response.content.decode()
    assert "NB2012-KEY-01" in page and "1500" in page
    token = response.context["token"]
    assert token and waiting_file(office_user, token).exists()
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")
    assert ProgressReport.objects.count() == 0

    history_before = Project.history.filter(code="NB2012-KEY-01").count()
    response = client.post(reverse("import", args=["projects"]), {"token": token, "confirm": "1"})
    assert response.status_code == 302
    assert not waiting_file(office_user, token).exists()
    assert token not in client.session.get(uploads.SESSION_KEY, {})
    project = Project.objects.get(code="NB2012-KEY-01")
    assert project.total_investment == Decimal("1500.00")
    assert project.history.first().history_user == office_user
    report = ProgressReport.objects.get()
    assert (report.project.code, report.progress) == ("NB2012-KEY-02", Decimal("20.0"))
    assert report.history.first().history_user == office_user
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("2 updated" in message for message in messages)

    # The token is spent: confirming again changes nothing.
    response = client.post(reverse("import", args=["projects"]), {"token": token, "confirm": "1"}, follow=True)
    assert any("no longer available" in str(message) for message in response.context["messages"])
    assert Project.history.filter(code="NB2012-KEY-01").count() == history_before + 1


def test_a_file_with_errors_offers_no_confirm(client, portfolio, office_user):
    client.force_login(office_user)
    data = project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500, ("NB2012-KEY-02", "领域"): "不存在"})
    response = upload(client, "projects", data)
    assert response.status_code == 200
    assert response.context["token"] is None
    # Row 1 is the title, row 2 the headers, row 3 NB2012-KEY-01.
    assert [(error.row, error.field) for error in response.context["outcome"].errors] == [(4, "领域")]
    page = response.content.decode()
    assert 'name="token"' not in page and "领域" in page
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")


def test_a_bad_file_is_explained_on_the_form(client, office_user):
    client.force_login(office_user)
    response = upload(client, "projects", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100, name="旧表.xls")
    assert response.status_code == 200
    assert "password" in response.context["form"].errors["file"][0]
    response = upload(client, "projects", b"", name="empty.csv")
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_cancel_removes_the_kept_file(client, portfolio, office_user):
    client.force_login(office_user)
    response = upload(client, "projects", project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1}))
    token = response.context["token"]
    response = client.post(reverse("import", args=["projects"]), {"token": token, "cancel": "1"})
    assert response.status_code == 302
    assert not waiting_file(office_user, token).exists()
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")


def test_a_token_of_another_session_or_table_is_refused(client, portfolio, office_user, liaison):
    client.force_login(office_user)
    token = upload(client, "projects", project_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1})).context[
        "token"
    ]
    assert client.post(reverse("import", args=["milestones"]), {"token": token}).status_code == 302
    client.force_login(liaison)
    client.post(reverse("import", args=["reports"]), {"token": token})
    client.force_login(office_user)
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")


def test_a_liaison_imports_own_reports_but_not_another_units(client, portfolio, liaison):
    client.force_login(liaison)
    own = csv_bytes(REPORT_HEADERS, [["NB2012-KEY-01", "2026-03", "30", "0", "完成方案。"]], encoding="gbk")
    response = upload(client, "reports", own, name="月报.csv")
    assert response.context["outcome"].created == 1
    client.post(reverse("import", args=["reports"]), {"token": response.context["token"]})
    report = ProgressReport.objects.get()
    assert (report.project.code, report.submitted_by) == ("NB2012-KEY-01", liaison)
    assert report.history.first().history_user == liaison

    foreign = csv_bytes(
        REPORT_HEADERS,
        [["NB2012-KEY-02", "2026-04", "30", "0", "完成方案。"], [portfolio["foreign"].code, "2026-04", "30", "0", "x"]],
    )
    response = upload(client, "reports", foreign, name="月报.csv")
    outcome = response.context["outcome"]
    assert [(error.row, error.field) for error in outcome.errors] == [(3, "项目编号")]
    assert response.context["token"] is None
    assert ProgressReport.objects.count() == 1


def test_committee_imports_proposals_through_the_pages(client, committee_user):
    session = SessionFactory()
    ProposalFactory(session=session, number="001")
    client.force_login(committee_user)
    data = csv_bytes(
        ["届次", "编号", "标题", "提案人", "提交日期"],
        [[session.name, "002", "关于智慧停车的建议", "王明", "2026/1/12"]],
    )
    response = upload(client, "proposals", data, name="提案.csv")
    assert (response.context["outcome"].created, response.context["outcome"].errors) == (1, [])
    client.post(reverse("import", args=["proposals"]), {"token": response.context["token"]})
    from proposals.models import Proposal

    created = Proposal.objects.get(number="002")
    assert (created.title, created.proposer_names, created.submitted_on) == (
        "关于智慧停车的建议",
        "王明",
        datetime.date(2026, 1, 12),
    )


def test_the_template_downloads(client, portfolio, office_user):
    client.force_login(office_user)
    response = client.get(reverse("import-template", args=["milestones"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[1] == "填写说明"
    assert [cell.value for cell in workbook.worksheets[0][1]][:3] == ["项目编号", "节点名称", "权重"]
    assert Milestone.objects.count() == 0
