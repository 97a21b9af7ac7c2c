"""The demo's district assessment (``assessment.toml`` beside this file): 宁波市's rules for the year the demo is
loaded in, with one addition marked 示意 (illustration). Adds only what is missing, so it can run again and never
overwrites what the office changed."""

import datetime
import tomllib
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from accounts.demo import loader as regions
from accounts.models import Region
from common.demo import LoadResult

from ..models import AssessmentAdjustment, AssessmentRule

DATA_FILE = Path(__file__).with_name("assessment.toml")


def load(*, today: datetime.date | None = None, create_accounts: bool = False) -> LoadResult:
    regions.load()
    year = (today or timezone.localdate()).year
    result = LoadResult()
    rows = tomllib.loads(DATA_FILE.read_text(encoding="utf-8"))["rules"]
    with transaction.atomic():
        for row in rows:
            assessing = Region.objects.get(name=row.pop("region"), parent__isnull=False)
            adjustments = row.pop("adjustments", [])
            rule, created = AssessmentRule.objects.get_or_create(
                region=assessing, year=year, defaults={key: Decimal(str(value)) for key, value in row.items()}
            )
            result.count("assessment rules", created)
            for adjustment in adjustments:
                _adjustment, created = AssessmentAdjustment.objects.get_or_create(
                    rule=rule,
                    region=assessing.children.get(name=adjustment["region"]),
                    reason=adjustment["reason"],
                    defaults={"points": Decimal(str(adjustment["points"]))},
                )
                result.count("assessment additions and deductions", created)
    return result
