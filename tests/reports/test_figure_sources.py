"""The data version follows the apps' own registrations (``common.data_version``): units moved to their own app
still invalidate the dashboard's figures, and an app's excepted models do not."""

import pytest

from accounts.models import Organization
from common.data_version import figure_sources
from reports.versioning import current_version, watched_tables
from tests.factories import OrganizationFactory, ProjectFactory

DASHBOARD = "/reports/dashboard/"


def test_every_app_with_figures_registers_itself():
    sources = figure_sources()
    assert {"accounts", "projects", "proposals"} <= set(sources)
    assert "accounts.User" in sources["accounts"]
    assert {"proposals.Event", "proposals.PublicVoteTally"} <= sources["proposals"]
    assert "notifications" not in sources  # the reminders' log changes no figure


@pytest.mark.django_db
def test_the_units_table_is_watched_and_the_users_and_reminders_tables_are_not():
    tables = watched_tables()
    assert Organization._meta.db_table in tables
    assert not {"accounts_user", "notifications_sentreminder", "proposals_event"} & set(tables)


@pytest.mark.django_db
def test_renaming_a_unit_moves_the_version_and_the_dashboard_shows_the_new_name(client, leader):
    unit = OrganizationFactory(name="宁波市大数据发展管理局", short_name="市数据局")
    ProjectFactory(lead_org=unit)
    client.force_login(leader)
    first = client.get(DASHBOARD)
    assert "市数据局" in first.content.decode()
    before = current_version()
    Organization.objects.filter(pk=unit.pk).update(short_name="市大数据局")
    assert current_version() > before
    second = client.get(DASHBOARD)
    assert "市大数据局" in second.content.decode()
