"""Two identical notices posted at once (PostgreSQL, two connections): the subject's row lock makes the second wait,
then find the first's open notice — one 201, one 409, one notice, never 500."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from supervision.models import Notice
from tests.test_races import race, slowly

from .world import build_world


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_notices_posted_at_once():
    w = build_world()
    body = {"project": w.project.pk, "unit": w.unit.pk, "text": "限期完成数据对接", "deadline": str(w.in_days(5))}

    def post():
        client = APIClient()
        client.force_authenticate(w.office)
        return client.post("/api/v1/supervision-notices/", body, format="json")

    first, second = race(slowly(post, "supervision_notice"), slowly(post, "supervision_notice"))
    assert sorted([first.status_code, second.status_code]) == [201, 409], (first, second)
    refused = first if first.status_code == 409 else second
    assert Notice.objects.count() == 1
    assert Notice.objects.get().number in refused.json()["detail"]  # the refusal names the notice to follow up
