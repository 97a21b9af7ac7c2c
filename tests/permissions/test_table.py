"""The permission table as a whole: every URL of the URL conf has a row (a new page fails here until it is
classified), every row asks for its own URL, and the table is well formed."""

import pytest
from django.contrib import admin
from django.urls import resolve

from tests.permissions.rows_admin import ADMIN_OFFICE, ADMIN_PAGES
from tests.permissions.rows_api import API
from tests.permissions.rows_attachments import ATTACHMENT_API, ATTACHMENT_PAGES
from tests.permissions.rows_portfolio import PORTFOLIO_PAGES
from tests.permissions.rows_proposals import PROPOSAL_PAGES
from tests.permissions.rows_site import REPORT_PAGES, SITE_PAGES
from tests.permissions.rows_supervision import SUPERVISION_PAGES
from tests.permissions.rows_supervision_api import SUPERVISION_API
from tests.permissions.rows_workdays import WORKDAY_API, WORKDAY_PAGES
from tests.permissions.table import METHODS, ROLES, URL_KEYS

ROWS = [
    *PORTFOLIO_PAGES,
    *PROPOSAL_PAGES,
    *REPORT_PAGES,
    *SITE_PAGES,
    *SUPERVISION_PAGES,
    *SUPERVISION_API,
    *API,
    *ATTACHMENT_PAGES,
    *ATTACHMENT_API,
    *ADMIN_PAGES,
    *WORKDAY_PAGES,
    *WORKDAY_API,
]


def test_every_url_is_classified():
    """A URL of the conf (named, or by its route when unnamed) without a row fails here, as does a model newly
    registered in the admin without its office permissions in ADMIN_OFFICE."""
    unclassified_models = {
        model._meta.label_lower for model in admin.site._registry if model._meta.label_lower not in ADMIN_OFFICE
    }
    assert unclassified_models == set()
    covered = {row.name for row in ROWS}
    assert sorted(URL_KEYS - covered) == []
    assert sorted(covered - URL_KEYS) == []  # a row whose URL left the conf


@pytest.mark.django_db
def test_each_row_asks_for_its_own_url(world):
    """The address a row builds resolves to the row's URL name (a query or a slug cannot lead elsewhere)."""
    elsewhere = {
        row.id: view_name
        for row in ROWS
        if row.path is None and (view_name := resolve(row.url(world).partition("?")[0]).view_name) != row.name
    }
    assert elsewhere == {}


def test_the_table_is_well_formed():
    for row in ROWS:
        assert set(row.expect) <= set(METHODS), row.id
        for method, expected in row.expect.items():
            assert len(expected) == len(ROLES), (row.id, method)
        assert set(row.signer) <= set(row.expect), row.id
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), sorted({row_id for row_id in ids if ids.count(row_id) > 1})
