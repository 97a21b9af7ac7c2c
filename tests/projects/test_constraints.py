"""The database itself refuses bad data, whatever path it comes by (form, API, admin, import, raw update)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.choices import ReportStatus
from projects.models import Funding, IndicatorValue, Milestone, Plan, ProgressReport, Project
from tests.factories import (
    FundingFactory,
    IndicatorValueFactory,
    MilestoneFactory,
    PlanFactory,
    ProgressReportFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def refused_by_database(queryset, **changes):
    """Write ``changes`` straight to the database, bypassing model validation, and say whether it was refused."""
    try:
        with transaction.atomic():
            queryset.update(**changes)
    except IntegrityError:
        return True
    return False


@pytest.mark.parametrize(
    ("factory", "model", "changes"),
    [
        (ProjectFactory, Project, {"total_investment": Decimal("-1")}),
        (ProjectFactory, Project, {"planned_end": datetime.date(2025, 12, 31)}),
        (ProjectFactory, Project, {"actual_end": datetime.date(2026, 3, 1)}),  # an end without a start
        (ProgressReportFactory, ProgressReport, {"progress": Decimal("100.1")}),
        (ProgressReportFactory, ProgressReport, {"progress": Decimal("-0.1")}),
        (ProgressReportFactory, ProgressReport, {"investment_completed": Decimal("-5")}),
        (ProgressReportFactory, ProgressReport, {"period": "2026-13"}),
        (ProgressReportFactory, ProgressReport, {"period": "2026-3"}),
        (ProgressReportFactory, ProgressReport, {"status": ReportStatus.RETURNED, "review_comment": ""}),
        (FundingFactory, Funding, {"disbursed": Decimal("-0.01")}),
        (FundingFactory, Funding, {"year": 1999}),
        (MilestoneFactory, Milestone, {"weight": 0}),
        (MilestoneFactory, Milestone, {"weight": 101}),
        (IndicatorValueFactory, IndicatorValue, {"period": "2026/06"}),
        (PlanFactory, Plan, {"first_year": 2030}),
    ],
)
def test_check_constraints(factory, model, changes):
    row = factory()
    assert refused_by_database(model.objects.filter(pk=row.pk), **changes)


def test_actual_end_before_actual_start_is_refused():
    project = ProjectFactory(actual_start=datetime.date(2026, 3, 1))
    assert refused_by_database(Project.objects.filter(pk=project.pk), actual_end=datetime.date(2026, 2, 1))
    assert not refused_by_database(Project.objects.filter(pk=project.pk), actual_end=datetime.date(2026, 3, 1))


@pytest.mark.parametrize(
    ("factory", "same"),
    [
        (ProjectFactory, lambda row: {"code": row.code}),
        (ProgressReportFactory, lambda row: {"project": row.project, "period": row.period}),
        (MilestoneFactory, lambda row: {"project": row.project, "name": row.name}),
        (FundingFactory, lambda row: {"project": row.project, "source": row.source, "year": row.year}),
        (IndicatorValueFactory, lambda row: {"indicator": row.indicator, "period": row.period}),
    ],
)
def test_uniqueness(factory, same):
    row = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**same(row))


def test_model_validation_names_the_bad_fields():
    report = ProgressReportFactory.build(project=ProjectFactory(), progress=Decimal("120"), period="2026-13")
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    messages = error.value.message_dict
    assert "progress" in messages and "period" in messages
    assert any("2026-03" in message for message in messages["period"])
