"""Users' text in the dashboard's charts is shown as text (reports.charts.label): plotly draws a subset of HTML in
legends, ticks and hover texts, and a result class named like a link became one in the legend."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Funding
from proposals.choices import ReplyStatus
from proposals.models import Reply, ResultClass
from tests.factories import (
    DomainFactory,
    FundingSourceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    OrganizationFactory,
    PlanFactory,
    ProjectFactory,
    ProposalFactory,
)

LINK = '<a href="https://evil.example/">点此</a>'
SHOWN = "&lt;a href="  # the target chart cuts long names short


def hostile_world():
    """A domain, a lead unit, a funding source, a plan, a target, a result class and a replying unit, each named
    ``LINK`` (with a suffix where names are unique)."""
    unit = OrganizationFactory(name=f"{LINK}局", short_name=f"{LINK}")
    plan = PlanFactory(title=f"{LINK}规划", first_year=2026, last_year=2027)
    project = ProjectFactory(domain=DomainFactory(name=f"{LINK}领域"), lead_org=unit)
    project.plans.add(plan)
    Funding.objects.create(
        project=project, source=FundingSourceFactory(name=f"{LINK}资金"), year=2026, planned=Decimal("100")
    )
    IndicatorValueFactory(indicator=IndicatorFactory(plan=plan, name=f"{LINK}指标", responsible_org=unit))
    result_class = ResultClass.objects.create(code="X", name=LINK, order=9)
    Reply.objects.create(
        proposal=ProposalFactory(),
        unit=OrganizationFactory(name=f"{LINK}答复单位", short_name=f"{LINK}答复"),
        text="现答复如下。",
        result_class=result_class,
        issued_on=datetime.date(2026, 5, 4),
        # Issued (signed off in the system): only an issued reply counts, or may be published.
        status=ReplyStatus.ISSUED,
        signed_off_on=datetime.date(2026, 5, 4),
        signed_off_at=timezone.make_aware(datetime.datetime(2026, 5, 4, 10, 0)),
    )


def texts(value, key=""):
    """Every string of a figure that plotly shows (the addresses in ``customdata`` are not shown)."""
    if key == "customdata":
        return
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from texts(item, name)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts(item, key)


@pytest.mark.django_db
def test_no_label_reaches_plotly_as_markup(client, leader):
    hostile_world()
    client.force_login(leader)
    charts = client.get(reverse("dashboard")).context["charts"]
    shown = [text for figure in charts.values() for text in texts(figure)]
    assert not [text for text in shown if "<" in text or ">" in text]
    for chart in ("status-by-domain", "health-by-unit", "funding-sources", "target-attainment", "result-classes"):
        assert any(SHOWN in text for text in texts(charts[chart])), chart
    assert any(SHOWN in text for text in texts(charts["replies-by-unit"]))
