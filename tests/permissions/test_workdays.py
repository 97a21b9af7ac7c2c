"""Every role's answer from the working-day calendar's pages and API (the table: ``rows_workdays``)."""

import pytest

from tests.permissions.asking import wrong_answers
from tests.permissions.rows_workdays import WORKDAY_API, WORKDAY_PAGES

ROWS = [*WORKDAY_PAGES, *WORKDAY_API]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = wrong_answers(world, row)
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)
