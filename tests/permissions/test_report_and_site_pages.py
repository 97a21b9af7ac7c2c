"""Every role's answer from the reports' pages and the site's own, by every method (the table: ``rows_site``)."""

import pytest

from tests.permissions.asking import wrong_answers
from tests.permissions.rows_site import REPORT_PAGES, SITE_PAGES

ROWS = [*REPORT_PAGES, *SITE_PAGES]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = wrong_answers(world, row)
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)
