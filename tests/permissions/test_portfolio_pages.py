"""Every role's answer from the portfolio's pages, by every method (the table: ``rows_portfolio``)."""

import pytest

from tests.permissions.asking import mismatch
from tests.permissions.rows_portfolio import PORTFOLIO_PAGES
from tests.permissions.table import ROLES, SIGNER

ROWS = PORTFOLIO_PAGES


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = [
        problem
        for method, expected in row.expect.items()
        for role, status in [*zip(ROLES, expected, strict=True), (SIGNER, row.signer_expects(method))]
        if (problem := mismatch(world, row, role, method, status))
    ]
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)
