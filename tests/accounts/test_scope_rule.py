"""The scope rule (一级管一级) as a table: each role of 宁波市 against the data of its own region, of a region below it
(镇海区), of a sibling (杭州市) and of the region above (浙江省), reading and writing, on pages and through the API.

Reading: the own region and those below; plans also from the regions above (they guide the regions below). Writing:
the own region only (a liaison: the own unit's only). Out of scope an object answers 404 as if it did not exist; a
role without the model permission gets 403 whatever the object (so the answer says nothing about it).
"""

import io
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.choices import OrganizationKind, RegionLevel, Role
from accounts.models import Region
from projects.choices import ReportStatus
from tests.factories import (
    MilestoneFactory,
    OrganizationFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
    UserFactory,
)

RELATIONS = ("own", "below", "sibling", "above")
ROLES = ("office", "leader", "liaison", "committee")


@pytest.fixture
def tree(db):
    t = SimpleNamespace(region={}, unit={}, office={}, project={}, plan={}, milestone={}, report={}, proposal={})
    province = Region.objects.create(name="浙江省", level=RegionLevel.PROVINCE, code="330000")
    t.region["above"] = province
    t.region["own"] = Region.objects.create(name="宁波市", level=RegionLevel.CITY, code="330200", parent=province)
    t.region["sibling"] = Region.objects.create(name="杭州市", level=RegionLevel.CITY, code="330100", parent=province)
    t.region["below"] = Region.objects.create(
        name="镇海区", level=RegionLevel.COUNTY, code="330211", parent=t.region["own"]
    )
    for relation, region in t.region.items():
        t.office[relation] = OrganizationFactory(name=f"{region.name}智慧办", region=region)
        t.unit[relation] = OrganizationFactory(name=f"{region.name}经信局", region=region)
        cppcc = OrganizationFactory(name=f"{region.name}政协提案委", kind=OrganizationKind.CPPCC, region=region)
        t.project[relation] = ProjectFactory(
            code=f"P-{region.code}", name=f"{region.name}城市大脑", lead_org=t.unit[relation]
        )
        t.plan[relation] = PlanFactory(title=f"{region.name}行动计划", region=region)
        t.milestone[relation] = MilestoneFactory(project=t.project[relation], name="完成招投标")
        t.report[relation] = ProgressReportFactory(project=t.project[relation], status=ReportStatus.SUBMITTED)
        session = SessionFactory(name=f"{region.name}政协一届一次会议", region=region)
        t.proposal[relation] = ProposalFactory(session=session, title=f"关于{region.name}智慧停车的建议")
        if relation == "own":
            t.cppcc = cppcc
    t.users = {
        "office": UserFactory(username="city-office", organization=t.office["own"], role=Role.OFFICE),
        "leader": UserFactory(username="city-leader", organization=t.office["own"], role=Role.LEADER),
        "liaison": UserFactory(username="city-liaison", organization=t.unit["own"], role=Role.LIAISON),
        "committee": UserFactory(username="city-committee", organization=t.cppcc, role=Role.COMMITTEE),
    }
    return t


def page(user, url, method="get", data=None):
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


def reads(role: str, relation: str, kind: str) -> bool:
    if relation in ("own", "below"):
        return True
    return kind == "plan" and relation == "above"


# Reading: every role reads its region and those below, nothing beside or above but the plans above.
READ_TARGETS = {
    "project": ("/projects/{pk}/", "/api/v1/projects/{pk}/"),
    "plan": ("/plans/{pk}/", "/api/v1/plans/{pk}/"),
    "milestone": (None, "/api/v1/milestones/{pk}/"),
    "report": (None, "/api/v1/progress-reports/{pk}/"),
    "proposal": ("/proposals/{pk}/", "/api/v1/proposals/{pk}/"),
}


@pytest.mark.parametrize("kind", READ_TARGETS)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_reading(tree, api, role, relation, kind):
    user, obj = tree.users[role], getattr(tree, kind)[relation]
    page_url, api_url = READ_TARGETS[kind]
    expected = 200 if reads(role, relation, kind) else 404
    if kind == "proposal" and role not in ("office", "leader", "committee"):
        expected = 200 if reads(role, relation, kind) else 404  # liaisons read proposals too
    if page_url:
        assert page(user, page_url.format(pk=obj.pk)) == expected, (role, relation, kind, "page")
    assert api.as_user(user).get(api_url.format(pk=obj.pk)).status_code == expected, (role, relation, kind, "api")


LISTS = {
    "project": "/api/v1/projects/",
    "plan": "/api/v1/plans/",
    "milestone": "/api/v1/milestones/",
    "report": "/api/v1/progress-reports/",
    "proposal": "/api/v1/proposals/",
}


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("role", ROLES)
def test_lists_hold_exactly_the_readable_rows(tree, api, role, kind):
    rows = api.as_user(tree.users[role]).get(LISTS[kind], {"page_size": 100}).json()["results"]
    expected = {getattr(tree, kind)[relation].pk for relation in RELATIONS if reads(role, relation, kind)}
    assert {row["id"] for row in rows} == expected


def writes(role: str, relation: str, kind: str) -> int:
    """The answer to a write: 200 where allowed, 403 where the object is read but not written (or the role may not
    write the model at all), 404 where it is not read."""
    may_write_model = {
        "project": ("office", "liaison"),
        "plan": ("office",),
        "proposal": ("committee",),
    }[kind]
    if role not in may_write_model:
        return 403
    if not reads(role, relation, kind):
        return 404
    return 200 if relation == "own" else 403


WRITES = {
    "project": ("/projects/{pk}/edit/", "/api/v1/projects/{pk}/", {"name": "改名后的项目"}),
    "plan": ("/plans/{pk}/edit/", "/api/v1/plans/{pk}/", {"summary": "修订摘要"}),
    "proposal": (None, "/api/v1/proposals/{pk}/", {"title": "关于智慧停车的建议（修改）"}),
}


@pytest.mark.parametrize("kind", WRITES)
@pytest.mark.parametrize("relation", RELATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_writing(tree, api, role, relation, kind):
    user, obj = tree.users[role], getattr(tree, kind)[relation]
    page_url, api_url, change = WRITES[kind]
    expected = writes(role, relation, kind)
    if page_url:
        assert page(user, page_url.format(pk=obj.pk)) == expected, (role, relation, kind, "edit page")
    response = api.as_user(user).patch(api_url.format(pk=obj.pk), change, format="json")
    assert response.status_code == expected, (role, relation, kind, "api", response.content[:300])
    obj.refresh_from_db()
    changed = all(getattr(obj, field) == value for field, value in change.items())
    assert changed == (expected == 200)


def test_a_unit_cannot_be_handed_a_project_of_another_region(tree, api):
    """Choices that cross the rule answer as if the row did not exist: the office may not move its project to a unit
    below it (the project would leave its region) nor name a unit it does not read."""
    office = api.as_user(tree.users["office"])
    own = tree.project["own"]
    for relation in ("sibling", "above"):
        response = office.patch(f"/api/v1/projects/{own.pk}/", {"lead_org": tree.unit[relation].pk}, format="json")
        assert response.status_code == 400 and "lead_org" in response.json()
    response = office.patch(f"/api/v1/projects/{own.pk}/", {"lead_org": tree.unit["below"].pk}, format="json")
    assert response.status_code == 403
    own.refresh_from_db()
    assert own.lead_org == tree.unit["own"] and own.region == tree.region["own"]


def test_project_codes_repeat_across_regions_and_name_the_own(tree, api):
    """A code is unique within its region: 镇海区 may use 宁波市's code, and each office's file or request names its
    own project by it."""
    ProjectFactory(code=tree.project["own"].code, lead_org=tree.unit["below"])
    response = api.as_user(tree.users["office"]).post(
        "/api/v1/projects/",
        {
            "code": tree.project["own"].code,
            "name": "重复编号",
            "domain": tree.project["own"].domain_id,
            "lead_org": tree.unit["own"].pk,
            "total_investment": "1.00",
            "planned_start": "2026-01-01",
            "planned_end": "2026-12-31",
        },
        format="json",
    )
    assert response.status_code == 400 and "code" in response.json()


def test_exports_hold_only_the_readable_rows(tree):
    """The list export and the official tables hold the rows the reader reads; a table of another region is refused
    as an invalid choice, and the city's table names its office as compiler."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(tree.users["office"])
    exported = b"".join(client.get("/projects/", {"export": "csv"}).streaming_content).decode("utf-8-sig")
    codes = {tree.project[relation].code for relation in RELATIONS}
    assert {code for code in codes if code in exported} == {tree.project["own"].code, tree.project["below"].code}
    refused = client.get("/reports/export/progress.xlsx", {"period": "2026-01", "region": tree.region["sibling"].pk})
    assert refused.status_code == 400
    assert (
        client.get("/reports/export/project-plan.xlsx", {"year": 2026, "region": tree.region["below"].pk}).status_code
        == 200
    )


def test_imports_reach_only_the_writable_rows(tree):
    """A file names projects by code: the office's file reaches its own region's project, and a code of a region
    below or beside is no project of the office's."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(tree.users["office"])
    period = "2026-11"
    lines = ["项目编号,报告期,形象进度（%）,本期完成投资（万元）,本期进展,存在问题,下步计划"]
    lines += [f"{tree.project[relation].code},{period},40,10,进展,无,计划" for relation in RELATIONS]
    file = io.BytesIO("\n".join(lines).encode("utf-8"))
    file.name = "月报.csv"
    outcome = client.post(reverse("import", args=["reports"]), {"file": file}).context["outcome"]
    assert outcome.created == 1
    assert len(outcome.errors) == 3
    assert all("项目" in str(error) for error in outcome.errors)


@pytest.mark.parametrize("relation", RELATIONS)
def test_the_admin_keeps_the_rule(tree, relation):
    """Office staff in the admin: another region's project is not there; a region below is read, not changed."""
    office = tree.users["office"]
    office.is_staff = True
    office.save()
    project = tree.project[relation]
    change = page(office, f"/admin/projects/project/{project.pk}/change/")
    listed = page(office, "/admin/projects/project/")
    assert listed == 200
    if relation == "own":
        assert change == 200
    elif relation == "below":
        assert change == 200  # the view-only form: read, not changed
        answer = page(office, f"/admin/projects/project/{project.pk}/change/", "post", {"name": "改名"})
        assert answer == 403
    else:
        assert change == 302  # the admin's "does not exist" answer: back to the list, no object shown


def test_a_city_project_built_in_a_district_shows_there_read_only_outside_its_totals(tree, api):
    city_project = tree.project["own"]
    city_project.location = tree.region["below"]
    city_project.full_clean()
    city_project.save()
    district_office = UserFactory(username="district-office", organization=tree.office["below"], role=Role.OFFICE)
    assert page(district_office, f"/projects/{city_project.pk}/") == 200
    assert page(district_office, f"/projects/{city_project.pk}/edit/") == 403
    answer = api.as_user(district_office).patch(f"/api/v1/projects/{city_project.pk}/", {"name": "改"}, format="json")
    assert answer.status_code == 403
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(district_office)
    headline = client.get("/reports/dashboard/").context["headline"]
    assert headline["projects"][0] == 1  # the district's own project, not the city's built there
    sibling = tree.project["sibling"]
    sibling.location = tree.region["below"]
    with pytest.raises(ValidationError) as refused:
        sibling.full_clean()
    assert "location" in refused.value.message_dict


def test_the_admin_history_of_another_regions_row_is_not_there(tree):
    office = tree.users["office"]
    office.is_staff = True
    office.save()
    for relation, expected in (("own", 200), ("sibling", 404)):
        project = tree.project[relation]
        assert page(office, f"/admin/projects/project/{project.pk}/history/") == expected, relation
