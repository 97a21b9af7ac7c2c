"""Every role's answer from the portfolio's pages, by every method (the table: ``rows_portfolio``)."""

import pytest

from tests.permissions.asking import wrong_answers
from tests.permissions.rows_portfolio import PORTFOLIO_PAGES

ROWS = PORTFOLIO_PAGES


@pytest.mark.django_db
# Who may file and approve reports: the world's project is a key one under construction, and the site-photo rule has
# its own tests.
@pytest.mark.usefixtures("photo_rule_off")
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = wrong_answers(world, row)
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)
