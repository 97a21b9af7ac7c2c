"""Loads the demo's regions: the provinces, cities, districts and zones the source documents come from (浙江省 →
宁波市 → 镇海区…, 广东省 → 东莞市). Adds only what is missing, so it can run again."""

import datetime
import tomllib
from pathlib import Path

from django.db import transaction

from common.demo import LoadResult

from ..models import Region

DATA = Path(__file__).with_name("regions.toml")


def load(*, today: datetime.date | None = None, create_accounts: bool = False) -> LoadResult:
    result = LoadResult()
    rows = tomllib.loads(DATA.read_text(encoding="utf-8"))["regions"]
    regions: dict[str, Region] = {}
    with transaction.atomic():
        for row in rows:  # parents come first in the file
            parent = regions[row["parent"]] if row.get("parent") else None
            region, created = Region.objects.get_or_create(
                name=row["name"],
                parent=parent,
                defaults={"level": row["level"], "code": row.get("code", "")},
            )
            regions[region.name] = region
            result.count("regions", created)
    return result
