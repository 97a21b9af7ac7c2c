"""After a write, with FIGURES_REFRESH_IN_BACKGROUND (production: Redis and a Celery worker), no request computes the
dashboard's figures: the page shows the figures last computed, dated and marked as being brought up to date, and a job
(one at a time for the same figures) computes them at the new data version; the next request shows them. Here tasks
run in-process when the request's transaction commits, as the captured on-commit callbacks show. The printable
summary, handed up as it is, always computes the current figures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localtime

from tests.factories import ProjectFactory

DASHBOARD = "/reports/dashboard/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_background(settings):
    settings.FIGURES_REFRESH_IN_BACKGROUND = True


def projects_shown(response) -> int:
    return response.context["headline"]["projects"][0]


def seen_then_written(client, leader) -> None:
    """The leader's dashboard computed over one project, then a second project written."""
    ProjectFactory()
    client.force_login(leader)
    client.get(DASHBOARD)
    ProjectFactory()


def test_after_a_write_the_last_figures_are_shown_dated_while_a_job_computes_the_new(
    client, leader, in_background, django_capture_on_commit_callbacks
):
    ProjectFactory.create_batch(2)
    client.force_login(leader)
    first = client.get(DASHBOARD)
    assert projects_shown(first) == 2 and "figures-stale" not in first.content.decode()
    with CaptureQueriesContext(connection) as warm:
        client.get(DASHBOARD)

    ProjectFactory()
    with django_capture_on_commit_callbacks(execute=True) as queued, CaptureQueriesContext(connection) as queries:
        stale = client.get(DASHBOARD)
    page = stale.content.decode()
    assert projects_shown(stale) == 2 and len(queued) == 1
    assert (
        'id="figures-stale"' in page and localtime(first.context["figures_as_of"]).strftime("%Y-%m-%d %H:%M:%S") in page
    )
    # Served without computing the figures: a warm request's queries, and the navigation's to-do counts, which the
    # write made old.
    assert len(queries) <= len(warm) + 1

    fresh = client.get(DASHBOARD)
    assert projects_shown(fresh) == 3 and "figures-stale" not in fresh.content.decode()
    assert fresh.context["figures_as_of"] > first.context["figures_as_of"]


def test_one_job_at_a_time_for_the_same_figures(client, leader, in_background, django_capture_on_commit_callbacks):
    seen_then_written(client, leader)
    with django_capture_on_commit_callbacks() as first_queued:
        assert projects_shown(client.get(DASHBOARD)) == 1
    with django_capture_on_commit_callbacks() as second_queued:
        assert projects_shown(client.get(DASHBOARD)) == 1
    assert (len(first_queued), len(second_queued)) == (1, 0)
    first_queued[0]()  # the worker takes the job
    with django_capture_on_commit_callbacks() as none_queued:
        assert projects_shown(client.get(DASHBOARD)) == 2
    assert none_queued == []
    # Another write within FIGURES_REFRESH_INTERVAL_SECONDS of that job: shown behind, dated, and no job yet.
    ProjectFactory()
    with django_capture_on_commit_callbacks() as within_interval:
        response = client.get(DASHBOARD)
    assert projects_shown(response) == 2 and within_interval == [] and 'id="figures-stale"' in response.content.decode()
    # Another filter bar's figures are never computed yet: the request computes them itself, and shows them current.
    with django_capture_on_commit_callbacks() as queued:
        response = client.get(DASHBOARD, {"tier": "key"})
    assert queued == [] and "figures-stale" not in response.content.decode()


def test_the_printable_summary_is_always_current(client, leader, in_background, django_capture_on_commit_callbacks):
    seen_then_written(client, leader)
    with django_capture_on_commit_callbacks() as queued:
        summary = client.get("/reports/summary/")
    assert summary.context["headline"]["projects"][0] == 2 and queued == []


def test_without_the_setting_the_first_request_after_a_write_computes(client, leader):
    seen_then_written(client, leader)
    assert projects_shown(client.get(DASHBOARD)) == 2
