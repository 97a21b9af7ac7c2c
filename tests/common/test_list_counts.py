"""A list's row count (for its page links) and the project list's totals are cached under the data version of what
the reader reads (``ObjectListView.cached_for_list``): a repeated request counts nothing, and every write, bulk and
raw ones included, shows at once, as the database's triggers move the version."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.data_version import reader_version
from jobs.models import Job
from projects.models import Project
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def counts(queries) -> int:
    return sum(1 for query in queries if "COUNT(" in query["sql"].upper())


def test_the_count_and_totals_are_computed_once_per_version(client, office_user):
    ProjectFactory.create_batch(2)
    client.force_login(office_user)
    with CaptureQueriesContext(connection) as cold:
        first = client.get("/projects/")
    assert first.context["paginator"].count == first.context["summary"]["total"] == 2
    with CaptureQueriesContext(connection) as warm:
        second = client.get("/projects/")
    assert second.context["paginator"].count == 2 and counts(warm) < counts(cold)
    # Neither the page links' count nor the totals' grouping is asked again.
    assert not any('GROUP BY "projects_project"."status"' in q["sql"] for q in warm.captured_queries)

    existing = Project.objects.first()
    Project.objects.bulk_create([ProjectFactory.build(lead_org=existing.lead_org, domain=existing.domain)])
    third = client.get("/projects/")
    assert third.context["paginator"].count == third.context["summary"]["total"] == 3
    # Another filter, another entry; page and order change neither.
    assert client.get("/projects/", {"status": "completed"}).context["paginator"].count == 0
    assert client.get("/projects/", {"ordering": "-code", "page": 1}).context["paginator"].count == 3


def test_only_rows_whose_writes_move_the_version_are_cached(office_user):
    """A user's own export jobs move no version: a list of them would be served stale, so it is never cached."""
    assert reader_version(office_user, Job) is None
    assert reader_version(office_user, Project) is not None
