"""The key-project lists over the API (/api/v1/key-project-lists/): read within the caller's regions, filtered by year,
region (with the regions under it) and status; submitted, approved and returned by the offices the services allow,
409 for a move the list's state refuses, also when two identical requests come at once."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from projects import services
from projects.choices import KeyListStatus
from projects.models import Baseline, BaselineEvent
from tests.atomicity.support import ForcedFailures, assert_nothing_left, database_state
from tests.projects import regional
from tests.projects.regional import YEAR
from tests.test_races import race

URL = "/api/v1/key-project-lists/"


@pytest.fixture
def w(db):
    return regional.build()


def ids(answer) -> set[int]:
    return {row["id"] for row in answer.json()["results"]}


def test_a_district_submits_and_the_city_approves(api, w):
    answer = api.as_user(w.zhenhai_office).post(f"{URL}submit/", {"year": YEAR, "note": "区政府审议"}, format="json")
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["region"], body["status"], body["project_count"]) == (w.zhenhai.pk, "submitted", 1)
    assert [entry["project"] for entry in body["entries"]] == [w.zhenhai_project.pk]
    assert [event["to_status"] for event in body["events"]] == ["submitted"]

    again = api.post(f"{URL}submit/", {"year": YEAR}, format="json")
    assert again.status_code == 409 and "等待宁波市智慧办审定" in again.json()["detail"]
    own = api.post(f"{URL}{body['id']}/approve/", {}, format="json")
    assert own.status_code == 403  # nobody approves their own region's list

    city = api.as_user(w.city_office)
    approved = city.post(f"{URL}{body['id']}/approve/", {"comment": "同意"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == w.city_office.pk
    assert city.post(f"{URL}{body['id']}/approve/", {}, format="json").status_code == 409


def test_a_return_needs_its_reason(api, w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    city = api.as_user(w.city_office)
    assert city.post(f"{URL}{baseline.pk}/return/", {}, format="json").status_code == 400
    assert city.post(f"{URL}{baseline.pk}/return/", {"reason": "  "}, format="json").status_code == 400
    answer = city.post(f"{URL}{baseline.pk}/return/", {"reason": "请补充项目。"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["return_reason"]) == ("returned", "请补充项目。")
    resubmitted = api.as_user(w.zhenhai_office).post(f"{URL}submit/", {"year": YEAR}, format="json")
    assert (resubmitted.json()["id"], resubmitted.json()["status"]) == (baseline.pk, "submitted")


def test_the_city_submits_nothing_upward(api, w):
    answer = api.as_user(w.city_office).post(f"{URL}submit/", {"year": YEAR}, format="json")
    assert answer.status_code == 403 and "自行审定" in answer.json()["detail"]
    assert api.as_user(w.liaison).post(f"{URL}submit/", {"year": YEAR}, format="json").status_code == 403
    assert api.as_user(w.zhenhai_office).post(f"{URL}submit/", {"year": 1999}, format="json").status_code == 400
    assert not Baseline.objects.exists()


def test_lists_are_read_within_the_callers_regions_and_filtered(api, w):
    zhenhai = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    xiangshan = services.key_list_submit(actor=w.xiangshan_office, year=YEAR)
    city, _ = services.baseline_approve(actor=w.city_office, year=YEAR)
    dongguan, _ = services.baseline_approve(actor=w.dongguan_office, year=YEAR)
    reader = api.as_user(w.city_office)
    assert ids(reader.get(URL)) == {zhenhai.pk, xiangshan.pk, city.pk}
    assert ids(reader.get(URL, {"region": w.zhenhai.pk})) == {zhenhai.pk}
    assert ids(reader.get(URL, {"region": w.ningbo.pk, "status": "approved"})) == {city.pk}
    assert ids(reader.get(URL, {"year": YEAR + 1})) == set()
    assert reader.get(f"{URL}{dongguan.pk}/").status_code == 404
    # A district reads its own list, not its neighbour's, nor the city's above it.
    district = api.as_user(w.zhenhai_office)
    assert ids(district.get(URL)) == {zhenhai.pk}
    assert district.get(f"{URL}{xiangshan.pk}/").status_code == 404
    assert district.post(f"{URL}{xiangshan.pk}/approve/", {}, format="json").status_code == 404


def test_lists_are_not_written_as_rows(api, w):
    baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
    client = api.as_user(w.city_office)
    assert client.patch(f"{URL}{baseline.pk}/", {"status": "approved"}, format="json").status_code in (403, 405)
    assert client.delete(f"{URL}{baseline.pk}/").status_code in (403, 405)
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.SUBMITTED


def test_a_move_that_cannot_be_recorded_leaves_nothing_behind(w):
    """The course's step is written with the move, in one transaction: a failed step undoes the freezing and the
    status too."""
    client = APIClient(raise_request_exception=False)
    failures = ForcedFailures()
    try:
        client.force_authenticate(w.zhenhai_office)
        failures.on(BaselineEvent)
        before = database_state()
        assert client.post(f"{URL}submit/", {"year": YEAR}, format="json").status_code == 500
        assert_nothing_left(before)
        failures.remove()
        baseline = services.key_list_submit(actor=w.zhenhai_office, year=YEAR)
        client.force_authenticate(w.city_office)
        failures.on(BaselineEvent, when={"to_status": "approved"})
        assert client.post(f"{URL}{baseline.pk}/approve/", {}, format="json").status_code == 500
    finally:
        failures.remove()
    assert Baseline.objects.get(pk=baseline.pk).status == KeyListStatus.SUBMITTED


# Two identical requests at once (PostgreSQL: SQLite lets one writer in at a time).


def post_as(user, path, body):
    def post():
        client = APIClient()
        client.force_authenticate(user)
        return client.post(path, body, format="json")

    return post


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_approvals_at_once_approve_once():
    w = regional.build()
    for year in range(YEAR, YEAR + 3):
        baseline = services.key_list_submit(actor=w.zhenhai_office, year=year)
        approve = post_as(w.city_office, f"{URL}{baseline.pk}/approve/", {})
        first, second = race(approve, approve)
        assert sorted([first.status_code, second.status_code]) == [200, 409], (first, second)
        assert BaselineEvent.objects.filter(baseline=baseline, to_status="approved").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_submissions_at_once_submit_once():
    w = regional.build()
    for year in range(YEAR, YEAR + 3):
        submit = post_as(w.zhenhai_office, f"{URL}submit/", {"year": year})
        first, second = race(submit, submit)
        assert sorted([first.status_code, second.status_code]) == [200, 409], (first, second)
        baseline = Baseline.objects.get(region=w.zhenhai, year=year)
        assert baseline.events.count() == 1 and baseline.status == KeyListStatus.SUBMITTED
