"""POST /api/v1/imports/{resource}/: the same import for machines, answering counts and errors as JSON."""

import io
from decimal import Decimal

import pytest
import yaml
from django.urls import reverse

from projects.models import ProgressReport, Project
from projects.resources import ProjectResource

from .conftest import csv_bytes, edit_xlsx, export_xlsx

pytestmark = pytest.mark.django_db


def url(key="projects"):
    return reverse("api:import", args=[key])


def upload(data, name="计划表.xlsx", **fields):
    file = io.BytesIO(data)
    file.name = name
    return {"file": file, **fields}


def changed_file(portfolio, changes):
    data = export_xlsx(ProjectResource(), Project.objects.with_figures().order_by("code"), title="计划表")
    return edit_xlsx(data, "项目名称", "项目编号", changes)


def test_a_dry_run_counts_and_writes_nothing(api, portfolio, office_user):
    data = changed_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500})
    response = api.as_user(office_user).post(url(), upload(data, dry_run="true"), format="multipart")
    assert response.status_code == 200
    assert response.json() == {"created": 0, "updated": 1, "skipped": 3, "errors": [], "flags": []}
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")

    # dry_run defaults to true
    response = api.post(url(), upload(data), format="multipart")
    assert response.status_code == 200
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")


def test_confirm_writes_with_history(api, portfolio, office_user):
    data = changed_file(portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500, ("NB2012-KEY-03", "当前进度（%）"): 50})
    response = api.as_user(office_user).post(url(), upload(data, dry_run="false"), format="multipart")
    assert response.status_code == 200
    assert response.json() == {"created": 0, "updated": 2, "skipped": 2, "errors": [], "flags": []}
    project = Project.objects.get(code="NB2012-KEY-01")
    assert project.total_investment == Decimal("1500.00")
    assert project.history.first().history_user == office_user
    assert ProgressReport.objects.get().history.first().history_user == office_user


def test_errors_answer_400_and_write_nothing(api, portfolio, office_user):
    data = changed_file(
        portfolio, {("NB2012-KEY-01", "总投资（万元）"): 1500, ("NB2012-KEY-04", "总投资（万元）"): "很多"}
    )
    response = api.as_user(office_user).post(url(), upload(data, dry_run="false"), format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert [(error["row"], error["field"]) for error in body["errors"]] == [(6, "总投资（万元）")]
    assert body["errors"][0]["message"]
    assert Project.objects.get(code="NB2012-KEY-01").total_investment == Decimal("1000.00")


def test_a_bad_file_answers_400(api, office_user):
    response = api.as_user(office_user).post(
        url(), upload(b"\x89PNG\r\n\x1a\n\x00\x00", name="x.png"), format="multipart"
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["row"] is None
    response = api.post(url(), {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"


def test_permissions(api, portfolio, leader, liaison):
    data = csv_bytes(["项目编号", "报告期", "形象进度（%）", "本期进展"], [["NB2012-KEY-01", "2026-03", "10", "开工"]])
    assert api.post(url("reports"), upload(data, name="r.csv"), format="multipart").status_code == 401
    assert api.as_user(leader).post(url("reports"), upload(data, name="r.csv"), format="multipart").status_code == 403
    assert api.as_user(liaison).post(url("projects"), upload(data, name="r.csv"), format="multipart").status_code == 403
    assert api.as_user(liaison).post(url("nothing"), upload(data, name="r.csv"), format="multipart").status_code == 404
    response = api.as_user(liaison).post(
        url("reports"), upload(data, name="r.csv", dry_run="false"), format="multipart"
    )
    assert response.status_code == 200 and response.json()["created"] == 1
    assert ProgressReport.objects.get().submitted_by == liaison


def test_the_import_is_in_the_schema(client, office_user):
    client.force_login(office_user)
    response = client.get(reverse("schema"))
    schema = yaml.safe_load(response.content)
    operation = schema["paths"]["/api/v1/imports/{resource}/"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert set(operation["responses"]) >= {"200", "400", "403"}
    parameter = operation["parameters"][0]
    assert parameter["name"] == "resource" and "proposals" in parameter["schema"]["enum"]


def test_phases_adding_up_to_more_than_their_project_are_flagged(api, portfolio, office_user):
    parent, *phases = portfolio["projects"]
    Project.objects.filter(pk=parent.pk).update(total_investment=Decimal("6000"))
    Project.objects.filter(pk__in=[phase.pk for phase in phases]).update(parent=parent)  # 2,000 + 3,000
    data = changed_file(portfolio, {("NB2012-KEY-02", "总投资（万元）"): 4000})
    response = api.as_user(office_user).post(url(), upload(data, dry_run="true"), format="multipart")
    assert response.status_code == 200
    assert response.json()["flags"] == [
        "NB2012-KEY-01: its phases' investment adds up to 7000.00 (10k yuan), more than its own 6000.00."
    ]
    # Flagged, not refused: the office writes it and sees the flag again.
    written = api.post(url(), upload(data, dry_run="false"), format="multipart").json()
    assert written["updated"] == 1 and len(written["flags"]) == 1
    assert api.post(url(), upload(changed_file(portfolio, {}), dry_run="true"), format="multipart").json()["flags"]
