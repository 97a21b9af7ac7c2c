"""Hostile text: markup and script, SQL, spreadsheet formulas, template syntax, rare CJK and emoji, very long text.

Each value goes in through the paths people use — the project form (with a milestone row), the monthly report form,
the proposal and reply forms, and the API — and must be stored exactly, answered exactly by the API, shown escaped on
every page that shows it (never as markup) and written as text in the exports: an .xlsx cell of type string with the
exact value, and a CSV cell with an apostrophe before a value that starts like a formula (= + - @). Input longer than
a field takes, or holding a NUL character, is refused by the form or the API (never cut short, never a 500).
"""

import csv
import datetime
import io
import json

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from common.xlsx import FORMULA_STARTS
from projects.choices import ProjectStatus
from projects.forms import ProjectForm
from projects.models import Milestone, ProgressReport, Project
from proposals import services as handling
from proposals.models import Category, Proposal, Reply, ResultClass
from tests.factories import DomainFactory, ProjectFactory, ProposalFactory, SessionFactory
from tests.formdata import form_data

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "sql": "'; DROP TABLE projects_project; --",
    "hyperlink": '=HYPERLINK("http://x","y")',
    "plus": "+1+1",
    "minus": "-2+3",
    "at": "@SUM(A1)",
    "rare-cjk-emoji": "𠀀𪚥😀",
    "template": "{{ 7*7 }} {% debug %}",
    "entities": "&lt;b&gt; &amp; &#x27;",  # already escaped: must be shown as typed, not unescaped
    "mixed": "镇海区<b>“智慧”</b>\t'; --=1+1 𠀀😀",
}
# 3,000 characters for the fields that take that much (text fields); names stay within their limits.
LONG = ("长文本<script>alert(1)</script>「测试」𪚥=1+1 " * 200)[:3000]
RAW_MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>“智慧”</b>")
CASES = [*HOSTILE, "long"]


def short(key):
    """The hostile value for a name field: the long case uses a plain name (its text goes to the text fields)."""
    return "长文本测试项目" if key == "long" else HOSTILE[key]


def text(key):
    return LONG if key == "long" else HOSTILE[key]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# What a page, an export and the API must make of a value.


def shows_escaped(html: str, value: str, *, prefix: int | None = None):
    """The page holds the value escaped (its first ``prefix`` characters where the page shortens it) and none of
    the hostile markup as markup."""
    shown = value if prefix is None else value[:prefix]
    assert escape(shown) in html
    for markup in RAW_MARKUP:
        assert markup not in html


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def content_of(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(content_of(response)))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_text(response, *values):
    cells = xlsx_cells(response)
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]  # no formula anywhere
    for value in values:
        found = [cell for cell in cells if cell.value == value]
        assert found, value[:60]
        assert {cell.data_type for cell in found} == {"s"}


def csv_cells(response) -> list[str]:
    text = content_of(response).decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_csv_text(response, *values):
    """A value that starts like a formula gets an apostrophe (OWASP's advice for CSV); any other is as stored."""
    cells = csv_cells(response)
    for value in values:
        guarded = f"'{value}" if value.startswith(FORMULA_STARTS) else value
        assert guarded in cells, value[:60]
        if guarded != value:
            assert value not in cells


def api_json(client, method, path, data=None, status=200):
    response = client.generic(method, path, json.dumps(data or {}), content_type="application/json")
    assert response.status_code == status, response.content[:500]
    return response.json()


# The data the values go into.


@pytest.fixture
def domain(db):
    return DomainFactory(code="city-brain", name="城市大脑")


@pytest.fixture
def own_project(unit, domain):
    return ProjectFactory(code="ZH-2026-010", name="城市大脑二期", lead_org=unit, domain=domain, is_published=True)


def project_data(unit, domain, name, description, milestone=None, **changes):
    year = timezone.localdate().year
    data = {
        **form_data(ProjectForm()),
        "code": "ZH-2026-777",
        "name": name,
        "domain": str(domain.pk),
        "tier": "key",
        "status": ProjectStatus.IN_PROGRESS,
        "lead_org": str(unit.pk),
        "investment_model": "government",
        "total_investment": "800",
        "planned_start": f"{year}-01-01",
        "planned_end": f"{year}-12-31",
        "description": description,
        "is_published": "on",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    if milestone is not None:
        late = timezone.localdate() - datetime.timedelta(days=10)
        data.update(
            {
                "milestones-TOTAL_FORMS": "1",
                "milestones-0-name": milestone,
                "milestones-0-weight": "100",
                "milestones-0-planned_date": late.isoformat(),
            }
        )
    return {**data, **changes}


# Through the pages


@pytest.mark.parametrize("key", CASES)
def test_project_form(office_user, leader, unit, domain, key):
    """A project with a late milestone, saved through the project form: stored as typed, shown escaped on its page,
    the project list, the dashboard and the public progress page, exported as text, answered exactly by the API."""
    name, description = short(key), text(key)
    office = signed_in(office_user)
    response = office.post("/projects/add/", project_data(unit, domain, name, description, milestone=name))
    assert response.status_code == 302, response.context and response.context["form"].errors
    project = Project.objects.get(code="ZH-2026-777")
    assert (project.name, project.description) == (name, description)
    assert project.milestones.get().name == name

    reader = signed_in(leader)
    html = page(reader, f"/projects/{project.pk}/")
    shows_escaped(html, name)
    shows_escaped(html, description)
    shows_escaped(page(reader, "/projects/"), name)
    shows_escaped(page(reader, "/reports/dashboard/"), name)  # the late milestone's card: project and milestone
    shows_escaped(page(Client(), "/public/"), name)

    assert api_json(reader, "GET", f"/api/v1/projects/{project.pk}/")["description"] == description
    assert api_json(reader, "GET", f"/api/v1/milestones/?project={project.pk}")["results"][0]["name"] == name
    assert_xlsx_text(reader.get("/projects/?export=xlsx"), name)
    assert_csv_text(reader.get("/projects/?export=csv"), name)
    year = timezone.localdate().year
    assert_xlsx_text(reader.get(f"/reports/export/project-plan.xlsx?year={year}"), name, description)


@pytest.mark.parametrize("key", CASES)
def test_progress_report_form(liaison, office_user, own_project, key):
    """A monthly report filed on the reporting page: stored as typed, escaped on the project page, the report list and
    the review queue, exported as text, answered exactly by the API."""
    value = text(key)
    period = f"{timezone.localdate():%Y-%m}"
    prefix = f"p{own_project.pk}"
    response = signed_in(liaison).post(
        "/progress/report/",
        {
            f"{prefix}-progress": "45.0",
            f"{prefix}-investment_completed": "60",
            f"{prefix}-summary": value,
            f"{prefix}-problems": value,
            f"{prefix}-next_steps": value,
        },
    )
    assert response.status_code == 302
    report = ProgressReport.objects.get(project=own_project, period=period)
    assert (report.summary, report.problems, report.next_steps) == (value, value, value)

    office = signed_in(office_user)
    # The project page and the queue shorten a report's text; the list shows it in full.
    shows_escaped(page(office, f"/projects/{own_project.pk}/"), value, prefix=60)
    shows_escaped(page(office, "/progress/review/"), value, prefix=60)
    shows_escaped(page(office, "/progress/"), value, prefix=60)
    answer = api_json(office, "GET", f"/api/v1/progress-reports/{report.pk}/")
    assert (answer["summary"], answer["problems"], answer["next_steps"]) == (value, value, value)
    assert_xlsx_text(office.get("/progress/?export=xlsx"), value)
    assert_csv_text(office.get("/progress/?export=csv"), value)
    assert_xlsx_text(office.get(f"/reports/export/progress.xlsx?period={period}"), value)


@pytest.fixture
def proposal_setting(db):
    return {
        "session": SessionFactory(),
        "category": Category.objects.order_by("pk").first(),
        "result_class": ResultClass.objects.get_or_create(code="B", defaults={"name": "列入计划拟解决", "order": 2})[0],
    }


@pytest.mark.parametrize("key", CASES)
def test_proposal_and_reply_forms(committee_user, liaison, signer, leader, unit, proposal_setting, key):
    """A proposal registered on its form, then answered on the reply form, signed off and published: stored as typed,
    escaped on the signer's sign-off page, the proposal's pages, the reply letter and the public pages, exported as
    text, answered exactly by the API."""
    title, body = short(key), text(key)
    session = proposal_setting["session"]
    committee = signed_in(committee_user)
    response = committee.post(
        "/proposals/add/",
        {
            "session": str(session.pk),
            "number": "088",
            "title": title,
            "proposer_names": "储建华",
            "category": str(proposal_setting["category"].pk),
            "submitted_on": "2026-01-12",
            "content": body,
            "suggestions": body,
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    proposal = Proposal.objects.get(session=session, number="088")
    assert (proposal.title, proposal.content, proposal.suggestions) == (title, body, body)
    handling.proposal_file(actor=committee_user, proposal=proposal)
    handling.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit)

    response = signed_in(liaison).post(
        f"/proposals/{proposal.pk}/reply/",
        {
            "result_class": str(proposal_setting["result_class"].pk),
            "text": body,
            "doc_number": title[:50],
            "signer": title[:50],
            "cc": title,
            "issued_on": timezone.localdate().isoformat(),
            "is_public": "on",
        },
    )
    assert response.status_code == 302, response.context and response.context["form"].errors
    reply = Reply.objects.get(proposal=proposal)
    assert (reply.text, reply.doc_number, reply.signer, reply.cc) == (body, title[:50], title[:50], title)
    signer_client = signed_in(signer)
    shows_escaped(page(signer_client, f"/proposals/{proposal.pk}/sign-off/"), body)
    assert signer_client.post(f"/proposals/{proposal.pk}/sign-off/", {}).status_code == 302
    handling.reply_publish(actor=committee_user, reply=reply)

    reader = signed_in(leader)
    html = page(reader, f"/proposals/{proposal.pk}/")
    shows_escaped(html, title)
    shows_escaped(html, body)
    shows_escaped(page(reader, "/proposals/"), title)
    shows_escaped(page(reader, f"/proposals/replies/{reply.pk}/"), body)
    public = Client()
    shows_escaped(page(public, "/public/proposals/"), title)
    html = page(public, f"/public/proposals/{reply.pk}/")
    shows_escaped(html, title)
    shows_escaped(html, body)

    answer = api_json(reader, "GET", f"/api/v1/proposals/{proposal.pk}/")
    assert (answer["title"], answer["content"], answer["suggestions"]) == (title, body, body)
    assert api_json(reader, "GET", f"/api/v1/replies/{reply.pk}/")["text"] == body
    assert_xlsx_text(reader.get("/proposals/?export=xlsx"), title)
    assert_csv_text(reader.get("/proposals/?export=csv"), title)
    assert_xlsx_text(reader.get(f"/reports/export/proposals.xlsx?session={session.pk}"), title)


# Through the API


@pytest.mark.parametrize("key", CASES)
def test_api_writes(office_user, liaison, signer, committee_user, unit, own_project, proposal_setting, key):
    """PATCH and POST store the value as sent and answer it back exactly; a later GET does too."""
    name, value = short(key), text(key)
    office = signed_in(office_user)
    answer = api_json(office, "PATCH", f"/api/v1/projects/{own_project.pk}/", {"name": name, "description": value})
    assert (answer["name"], answer["description"]) == (name, value)
    own_project.refresh_from_db()
    assert (own_project.name, own_project.description) == (name, value)

    unit_client = signed_in(liaison)
    milestone = api_json(
        office,  # which milestones a project has is the office's to confirm
        "POST",
        "/api/v1/milestones/",
        {"project": own_project.pk, "name": name, "weight": 10, "planned_date": "2026-12-31", "note": name},
        status=201,
    )
    assert (milestone["name"], milestone["note"]) == (name, name)
    assert Milestone.objects.filter(pk=milestone["id"], name=name, note=name).exists()
    report = api_json(
        unit_client,
        "POST",
        "/api/v1/progress-reports/",
        {
            "project": own_project.pk,
            "period": f"{timezone.localdate():%Y-%m}",
            "progress": "45.0",
            "investment_completed": "60",
            "summary": value,
            "problems": value,
        },
        status=201,
    )
    assert (report["summary"], report["problems"]) == (value, value)
    assert api_json(unit_client, "GET", f"/api/v1/progress-reports/{report['id']}/")["summary"] == value

    committee = signed_in(committee_user)
    proposal = api_json(
        committee,
        "POST",
        "/api/v1/proposals/",
        {
            "session": proposal_setting["session"].pk,
            "number": "066",
            "title": name,
            "proposers": ["储建华"],
            "submitted_on": "2026-01-12",
            "content": value,
        },
        status=201,
    )
    assert (proposal["title"], proposal["content"]) == (name, value)
    stored = Proposal.objects.get(pk=proposal["id"])
    assert (stored.title, stored.content) == (name, value)
    api_json(committee, "POST", f"/api/v1/proposals/{stored.pk}/file/")
    api_json(committee, "POST", f"/api/v1/proposals/{stored.pk}/assign/", {"lead_unit": unit.pk})
    api_json(unit_client, "POST", f"/api/v1/proposals/{stored.pk}/reply/", {"text": value, "result_class": "B"})
    reply = Reply.objects.get(proposal=stored)
    assert reply.text == value
    assert api_json(unit_client, "GET", f"/api/v1/replies/{reply.pk}/")["text"] == value
    api_json(signed_in(signer), "POST", f"/api/v1/proposals/{stored.pk}/sign-off/")
    assert api_json(committee, "GET", f"/api/v1/replies/{reply.pk}/")["text"] == value


# Refused, not cut short


TOO_LONG_NAME = "长" * 201  # a project's name takes 200 characters
NUL = "城市大脑\x00一期"


@pytest.mark.parametrize("name", [TOO_LONG_NAME, NUL], ids=["too-long", "nul"])
def test_the_project_form_refuses_what_the_field_cannot_hold(office_user, unit, domain, name):
    response = signed_in(office_user).post("/projects/add/", project_data(unit, domain, name, NUL))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "description" in errors
    assert not Project.objects.filter(code="ZH-2026-777").exists()


@pytest.mark.parametrize("name", [TOO_LONG_NAME, NUL], ids=["too-long", "nul"])
def test_the_api_refuses_what_the_field_cannot_hold(office_user, own_project, name):
    client = signed_in(office_user)
    answer = api_json(client, "PATCH", f"/api/v1/projects/{own_project.pk}/", {"name": name}, status=400)
    assert "name" in answer
    answer = api_json(client, "PATCH", f"/api/v1/projects/{own_project.pk}/", {"description": NUL}, status=400)
    assert "description" in answer
    own_project.refresh_from_db()
    assert (own_project.name, own_project.description) == ("城市大脑二期", "")


def test_a_milestone_row_too_long_is_refused_with_the_project(office_user, unit, domain):
    response = signed_in(office_user).post(
        "/projects/add/", project_data(unit, domain, "智慧停车", "", milestone="节" * 101)
    )
    assert response.status_code == 200
    assert response.context["formsets"]["milestones"].errors[0]["name"]
    assert not Project.objects.filter(code="ZH-2026-777").exists()


def test_the_reply_form_and_api_refuse_an_over_long_document_number(committee_user, liaison, unit, proposal_setting):
    proposal = ProposalFactory(session=proposal_setting["session"], title="关于智慧停车的建议")
    handling.proposal_file(actor=committee_user, proposal=proposal)
    handling.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit)
    client = signed_in(liaison)
    response = client.post(
        f"/proposals/{proposal.pk}/reply/",
        {
            "result_class": str(proposal_setting["result_class"].pk),
            "text": "已收悉。",
            "doc_number": "号" * 51,
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "doc_number" in response.context["form"].errors
    answer = api_json(
        client,
        "POST",
        f"/api/v1/proposals/{proposal.pk}/reply/",
        {"text": "已收悉。", "result_class": "B", "doc_number": "号" * 51},
        status=400,
    )
    assert "doc_number" in answer
    answer = api_json(
        client, "POST", f"/api/v1/proposals/{proposal.pk}/reply/", {"text": NUL, "result_class": "B"}, status=400
    )
    assert "text" in answer
    assert not Reply.objects.filter(proposal=proposal).exists()
