"""The limits of common.bounds hold on every path: the API and the forms refuse what lies beyond them, in Chinese, the
database refuses it whatever the path, and every figure derived from values at the limits is computed (SQLite and
PostgreSQL)."""

import datetime
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.urls import reverse

from common import bounds
from projects.models import Funding, FundingSource, Indicator, IndicatorValue, Milestone, Plan, ProgressReport, Project
from proposals.models import Event, Proposal, Reply, Session
from reports import forms as report_forms
from tests.factories import (
    FundingFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
    ProposalFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(queryset, **changes) -> bool:
    try:
        with transaction.atomic():
            queryset.update(**changes)
    except (IntegrityError, DataError):  # a check constraint, or PostgreSQL's column width
        return True
    return False


# Years


@pytest.mark.parametrize(
    ("first_year", "last_year"),
    [(2012, 9223372036854775806), (2012, 92521), (0, 2015), (1948, 2015), (2012, 2101)],
)
def test_the_api_refuses_a_plan_beyond_the_years(api, office_user, first_year, last_year):
    response = api.as_user(office_user).post(
        "/api/v1/plans/",
        {"title": "行动计划", "kind": "action_plan", "first_year": first_year, "last_year": last_year},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert not Plan.objects.exists()
    message = " ".join(" ".join(errors) for errors in response.json().values())
    assert "2100" in message or "1949" in message


def test_the_api_takes_the_first_and_last_years(api, office_user):
    response = api.as_user(office_user).post(
        "/api/v1/plans/",
        {"title": "百年规划", "kind": "outline", "first_year": 1949, "last_year": 2100},
        format="json",
    )
    assert response.status_code == 201, response.content


def test_the_plan_form_refuses_a_year_beyond_2100_in_chinese(client, office_user):
    client.force_login(office_user)
    response = client.post(
        reverse("plan-add"),
        {"title": "行动计划", "kind": "action_plan", "first_year": "2012", "last_year": "92521"},
    )
    assert response.status_code == 200
    assert not Plan.objects.exists()
    assert "2100" in response.content.decode()
    assert 'max="2100"' in response.content.decode()


@pytest.mark.parametrize(
    ("factory", "model", "changes"),
    [
        (PlanFactory, Plan, {"last_year": 30000}),
        (PlanFactory, Plan, {"first_year": 0}),
        (SessionFactory, Session, {"year": 2101}),
        (ProjectFactory, Project, {"planned_end": datetime.date(9999, 12, 31)}),
        (ProjectFactory, Project, {"planned_start": datetime.date(1, 1, 1)}),
        (MilestoneFactory, Milestone, {"planned_date": datetime.date(2101, 1, 1)}),
        (ProgressReportFactory, ProgressReport, {"period": "0001-01"}),
        (IndicatorValueFactory, IndicatorValue, {"period": "1900-12"}),
        (ProposalFactory, Proposal, {"submitted_on": datetime.date(9999, 1, 1)}),
        (ProjectFactory, Project, {"total_investment": bounds.MONEY_MAX + Decimal("0.01")}),
        (FundingFactory, Funding, {"planned": bounds.MONEY_MAX + Decimal("0.01")}),
        (ProgressReportFactory, ProgressReport, {"investment_completed": bounds.MONEY_MAX + 1}),
        (IndicatorFactory, Indicator, {"target": bounds.FIGURE_MAX + Decimal("0.0001")}),
        (IndicatorFactory, Indicator, {"baseline": -bounds.FIGURE_MAX - 1}),
        (IndicatorValueFactory, IndicatorValue, {"value": bounds.FIGURE_MAX + 1}),
        (ProjectFactory, Project, {"description": "长" * (bounds.TEXT_MAX + 1)}),
        (ProgressReportFactory, ProgressReport, {"summary": "长" * (bounds.TEXT_MAX + 1)}),
        (ProposalFactory, Proposal, {"content": "长" * (bounds.DOCUMENT_MAX + 1)}),
    ],
)
def test_the_database_refuses_values_beyond_the_bounds(factory, model, changes):
    row = factory()
    assert refused_by_database(model.objects.filter(pk=row.pk), **changes)


@pytest.mark.parametrize(
    ("factory", "model", "changes"),
    [
        (PlanFactory, Plan, {"first_year": 1949, "last_year": 2100}),
        (ProjectFactory, Project, {"planned_start": bounds.DATE_MIN, "planned_end": bounds.DATE_MAX}),
        (ProjectFactory, Project, {"total_investment": bounds.MONEY_MAX}),
        (IndicatorFactory, Indicator, {"target": bounds.FIGURE_MAX, "baseline": -bounds.FIGURE_MAX}),
        (ProjectFactory, Project, {"description": "长" * bounds.TEXT_MAX}),
        (ProposalFactory, Proposal, {"content": "长" * bounds.DOCUMENT_MAX}),
    ],
)
def test_the_database_takes_values_at_the_bounds(factory, model, changes):
    row = factory()
    assert not refused_by_database(model.objects.filter(pk=row.pk), **changes)


def test_every_text_field_has_a_maximum_length_in_the_database():
    from django.apps import apps

    unbounded = []
    for app in ("projects", "proposals"):
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            for field in model._meta.concrete_fields:
                if field.get_internal_type() == "TextField":
                    conditions = [str(getattr(constraint, "condition", "")) for constraint in model._meta.constraints]
                    checked = any(field.name in condition for condition in conditions)
                    if not (field.max_length and checked):
                        unbounded.append(f"{model.__name__}.{field.name}")
    assert unbounded == []


def test_year_lists_built_from_stored_years_are_bounded():
    assert len(bounds.years_between(0, 92521)) == bounds.YEAR_MAX - bounds.YEAR_MIN + 1
    assert list(bounds.years_between(2012, 2015)) == [2015, 2014, 2013, 2012]
    assert list(bounds.years_between(None, None)) == []


def test_the_dashboard_of_plans_at_the_years_limits(client, leader):
    PlanFactory(first_year=1949, last_year=2100)
    ProjectFactory(planned_start=bounds.DATE_MIN, planned_end=bounds.DATE_MAX)
    form = report_forms.DashboardFilterForm(user=leader)
    assert len(form.fields["year"].choices) == 1 + 152
    client.force_login(leader)
    assert client.get(reverse("dashboard"), {"year": 2100}).status_code == 200
    assert client.get(reverse("dashboard"), {"year": 1949}).status_code == 200


@pytest.mark.parametrize("query", ["year=1948", "year=2101", "year=9223372036854775806"])
def test_year_filters_outside_the_years_answer_400(api, office_user, query):
    response = api.as_user(office_user).get(f"/api/v1/projects/?{query}")
    assert response.status_code == 400


# Money and indicator figures


@pytest.mark.parametrize("value", ["99999999999999.98", "100000000000", "-100000000000"])
def test_an_indicator_beyond_its_figures_is_refused(api, office_user, value):
    indicator = IndicatorFactory()
    IndicatorValueFactory(indicator=indicator)
    client = api.as_user(office_user)
    body = client.get(f"/api/v1/indicators/{indicator.pk}/").json()
    body["target"] = value
    response = client.put(f"/api/v1/indicators/{indicator.pk}/", body, format="json")
    assert response.status_code == 400, response.content
    assert "target" in response.json()
    value_row = indicator.values.get()
    body = client.get(f"/api/v1/indicator-values/{value_row.pk}/").json()
    response = client.put(f"/api/v1/indicator-values/{value_row.pk}/", {**body, "value": value}, format="json")
    assert response.status_code == 400, response.content


def test_figures_at_their_limits_give_their_attainment(api, office_user, client):
    indicator = IndicatorFactory(target=Decimal("0.0001"))
    client_api = api.as_user(office_user)
    body = client_api.get(f"/api/v1/indicators/{indicator.pk}/").json()
    response = client_api.put(
        f"/api/v1/indicators/{indicator.pk}/", {**body, "baseline": str(-bounds.FIGURE_MAX)}, format="json"
    )
    assert response.status_code == 200, response.content
    IndicatorValueFactory(indicator=indicator, value=bounds.FIGURE_MAX)
    row = client_api.get(f"/api/v1/indicators/{indicator.pk}/").json()
    assert row["latest_value"] == float(bounds.FIGURE_MAX)
    assert row["attainment"] == pytest.approx(1e17)
    # Read back exactly, SQLite's floats included.
    assert Indicator.objects.get(pk=indicator.pk).baseline == -bounds.FIGURE_MAX
    assert IndicatorValue.objects.get(indicator=indicator).value == bounds.FIGURE_MAX
    client.force_login(office_user)
    assert client.get(reverse("indicator-list")).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.parametrize("field", ["planned", "allocated", "disbursed"])
def test_money_beyond_the_maximum_is_refused_in_chinese(api, office_user, field):
    funding = FundingFactory()
    client = api.as_user(office_user)
    body = client.get(f"/api/v1/fundings/{funding.pk}/").json()
    body[field] = str(bounds.MONEY_MAX + Decimal("0.01"))
    response = client.put(f"/api/v1/fundings/{funding.pk}/", body, format="json")
    assert response.status_code == 400
    assert "99999999.99" in response.json()[field][0] or "99,999,999.99" in response.json()[field][0]


def test_the_schema_publishes_the_limits(api, office_user):
    schema = api.as_user(office_user).get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schema["Plan"]["properties"]["last_year"]["maximum"] == 2100
    assert schema["Plan"]["properties"]["first_year"]["minimum"] == 1949
    assert schema["Funding"]["properties"]["planned"]["maximum"] == float(bounds.MONEY_MAX)
    assert schema["Indicator"]["properties"]["target"]["minimum"] == -float(bounds.FIGURE_MAX)
    assert schema["ProgressReport"]["properties"]["summary"]["maxLength"] == bounds.TEXT_MAX
    assert schema["Proposal"]["properties"]["content"]["maxLength"] == bounds.DOCUMENT_MAX


def test_sums_over_ten_thousand_rows_at_the_maximum(client, leader):
    """Every amount of 10,000 fundings at the maximum: the dashboard's money, the project's funding table and the
    year's plan table still add them up."""
    PlanFactory(first_year=2001, last_year=2100)
    project = ProjectFactory(
        total_investment=bounds.MONEY_MAX,
        planned_start=datetime.date(2001, 1, 1),
        planned_end=datetime.date(2100, 12, 31),
    )
    sources = FundingSource.objects.bulk_create(
        FundingSource(code=f"s{n}", name=f"来源{n}", is_government=n % 2 == 0) for n in range(100)
    )
    Funding.objects.bulk_create(
        Funding(
            project=project,
            source=source,
            year=year,
            planned=bounds.MONEY_MAX,
            allocated=bounds.MONEY_MAX,
            disbursed=bounds.MONEY_MAX,
        )
        for source in sources
        for year in range(2001, 2101)
    )
    assert Funding.objects.count() == 10_000
    client.force_login(leader)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    planned_total = response.context["money"]["planned_total"]
    assert planned_total == pytest.approx(float(bounds.MONEY_MAX) * 10_000)
    assert client.get(reverse("project-detail", args=[project.pk])).status_code == 200
    response = client.get(reverse("export-project-plan"), {"year": 2050})
    assert response.status_code == 200, response.content


# Texts and the inputs that fill them


def test_a_reason_longer_than_its_column_is_refused(api, committee_user):
    proposal = ProposalFactory()
    response = api.as_user(committee_user).post(
        f"/api/v1/proposals/{proposal.pk}/not-file/", {"reason": "理" * (bounds.TEXT_MAX + 1)}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()
    assert not Event.objects.filter(proposal=proposal).exclude(move="submit").exists()


def test_a_date_beyond_the_bounds_in_a_step_is_refused(api, committee_user):
    proposal = ProposalFactory()
    client = api.as_user(committee_user)
    assert client.post(f"/api/v1/proposals/{proposal.pk}/file/", {}, format="json").status_code == 200
    response = client.post(
        f"/api/v1/proposals/{proposal.pk}/assign/",
        {"lead_unit": committee_user.organization_id, "due_date": "9999-12-31"},
        format="json",
    )
    assert response.status_code == 400
    assert "due_date" in response.json()
    assert not Reply.objects.exists()
