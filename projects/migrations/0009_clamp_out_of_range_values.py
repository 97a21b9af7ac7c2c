"""Brings values stored before the bounds of common.bounds (0010) within them, so that its constraints can be added:
years and dates into 1949–2100, amounts into 0…99,999,999.99 万元, indicator figures into ±99,999,999,999.9999, texts
cut at their new length. Only rows typed or sent past any sensible value (a plan ending in 92521) are touched."""

import datetime
from decimal import Decimal

from django.db import migrations
from django.db.models import Q
from django.db.models.functions import Length, Substr

FIRST_DAY, LAST_DAY = datetime.date(1949, 1, 1), datetime.date(2100, 12, 31)
MONEY_MAX = Decimal("99999999.99")
FIGURE_MAX = Decimal("99999999999.9999")
TEXT_MAX = 5000


def clamp(model, field, low, high):
    model._base_manager.filter(**{f"{field}__lt": low}).update(**{field: low})
    model._base_manager.filter(**{f"{field}__gt": high}).update(**{field: high})


def cut(model, field, limit):
    rows = model._base_manager.annotate(_length=Length(field)).filter(_length__gt=limit)
    model._base_manager.filter(pk__in=list(rows.values_list("pk", flat=True))).update(
        **{field: Substr(field, 1, limit)}
    )


def forwards(apps, schema_editor):
    get = lambda name: apps.get_model("projects", name)  # noqa: E731
    for field in ("first_year", "last_year"):
        clamp(get("Plan"), field, 1949, 2100)
    dates = {
        "Plan": ["issue_date"],
        "Project": ["planned_start", "planned_end", "actual_start", "actual_end"],
        "Milestone": ["planned_date", "actual_date"],
        "Indicator": ["deadline"],
        "ProjectBaseline": ["planned_start", "planned_end"],
    }
    for model, fields in dates.items():
        for field in fields:
            clamp(get(model), field, FIRST_DAY, LAST_DAY)
    money = {
        "Project": ["total_investment"],
        "ProgressReport": ["investment_completed"],
        "Funding": ["planned", "allocated", "disbursed"],
        "ProjectBaseline": ["total_investment"],
    }
    for model, fields in money.items():
        for field in fields:
            clamp(get(model), field, Decimal(0), MONEY_MAX)
    for model, fields in {"Indicator": ["baseline", "target"], "IndicatorValue": ["value"]}.items():
        for field in fields:
            clamp(get(model), field, -FIGURE_MAX, FIGURE_MAX)
    for model in ("ProgressReport", "IndicatorValue"):
        rows = get(model)._base_manager
        rows.filter(Q(period__lt="1949-01")).update(period="1949-01")
    texts = {
        "Plan": ["summary"],
        "Project": ["description"],
        "ProgressReport": ["summary", "problems", "next_steps", "review_comment"],
    }
    for model, fields in texts.items():
        for field in fields:
            cut(get(model), field, TEXT_MAX)


class Migration(migrations.Migration):
    dependencies = [("projects", "0008_organization_kind_party")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
