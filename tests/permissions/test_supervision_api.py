"""Every role's answer from the supervision API, by every method (the table: ``rows_supervision_api``)."""

import pytest

from tests.permissions.asking import wrong_answers
from tests.permissions.rows_supervision_api import SUPERVISION_API

ROWS = SUPERVISION_API


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = wrong_answers(world, row)
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)
