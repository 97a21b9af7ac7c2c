"""Every role's answer from the attachments' pages and API addresses, by every method (``rows_attachments``)."""

import pytest

from tests.permissions.asking import wrong_answers
from tests.permissions.rows_attachments import ATTACHMENT_API, ATTACHMENT_PAGES

ROWS = [*ATTACHMENT_PAGES, *ATTACHMENT_API]


@pytest.mark.django_db
@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_role_gets_its_answer(world, row):
    found = wrong_answers(world, row)
    assert found == [], f"{row.id} {row.url(world).format(**world.fill)}\n" + "\n".join(found)
