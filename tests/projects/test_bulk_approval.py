"""Approving several reports in one API request (``POST /api/v1/progress-reports/approve/``), as the review queue
approves the ticked ones: office staff only, at most 500 at once, each report approved once however often (or
however simultaneously) it is asked for; a report no longer awaiting review is refused with the reason, the others
are approved, and a failure midway approves none."""

import re
import threading
import time

import pytest
from django.db import DatabaseError, connection
from rest_framework.test import APIClient

from projects.choices import ReportStatus
from projects.models import ProgressReport, ProgressReportEvent
from tests.factories import ProgressReportFactory, ProjectFactory

# The reports here are approved for what else they test: the site-photo rule has its own tests.
pytestmark = pytest.mark.usefixtures("photo_rule_off")

URL = "/api/v1/progress-reports/approve/"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def reports(unit):
    return [ProgressReportFactory(project=ProjectFactory(lead_org=unit), period="2026-05") for _ in range(3)]


def statuses(reports) -> list[str]:
    return [ProgressReport.objects.get(pk=report.pk).status for report in reports]


@pytest.mark.django_db
class TestWhoMay:
    def test_office_staff_approve_several_at_once(self, api, office_user, reports):
        response = api.as_user(office_user).post(
            URL, {"ids": [report.pk for report in reports], "comment": "同意"}, format="json"
        )

        assert response.status_code == 200, response.content
        assert response.json() == {"approved": [report.pk for report in reports], "refused": []}
        for report in reports:
            report.refresh_from_db()
            assert (report.status, report.reviewer, report.review_comment) == (
                ReportStatus.APPROVED,
                office_user,
                "同意",
            )
            assert report.history.first().history_user == office_user

    @pytest.mark.parametrize("who", ["liaison", "other_liaison", "leader", "committee_user"])
    def test_nobody_else_approves_not_even_the_unit_being_scored(self, request, api, reports, who):
        response = api.as_user(request.getfixturevalue(who)).post(URL, {"ids": [reports[0].pk]}, format="json")

        assert response.status_code == 403
        assert CJK.search(response.json()["detail"])
        assert statuses(reports) == [ReportStatus.SUBMITTED] * 3
        assert not ProgressReportEvent.objects.exists()

    def test_anonymous_callers_are_asked_to_log_in(self, api, reports):
        assert api.post(URL, {"ids": [reports[0].pk]}, format="json").status_code == 401
        assert statuses(reports) == [ReportStatus.SUBMITTED] * 3

    def test_only_post_is_taken(self, api, office_user):
        assert api.as_user(office_user).get(URL).status_code == 405


@pytest.mark.django_db
class TestBounds:
    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"ids": []},
            {"ids": "1,2"},
            {"ids": [1, "zwei"]},
            {"ids": [1.5]},
            {"ids": [0]},
            {"ids": [-3]},
            {"ids": [2**63]},
            {"ids": [True]},
            {"ids": [None]},
            {"ids": list(range(1, 502))},
            {"ids": [1], "comment": "很" * 5001},
        ],
        ids=[
            "no ids",
            "empty",
            "not a list",
            "not a number",
            "a fraction",
            "zero",
            "negative",
            "too large",
            "a boolean",
            "null",
            "501 ids",
            "a comment too long",
        ],
    )
    def test_a_malformed_request_is_a_400_in_chinese(self, api, office_user, reports, body):
        response = api.as_user(office_user).post(URL, body, format="json")

        assert response.status_code == 400, response.content
        messages = [message for errors in response.json().values() for message in _flatten(errors)]
        assert messages and all(CJK.search(message) for message in messages), messages
        assert statuses(reports) == [ReportStatus.SUBMITTED] * 3

    def test_the_limits_own_words(self, api, office_user):
        client = api.as_user(office_user)
        assert client.post(URL, {"ids": []}, format="json").json() == {"ids": ["请至少指定一份要审核通过的报告。"]}
        too_many = client.post(URL, {"ids": list(range(1, 502))}, format="json").json()
        assert too_many == {"ids": ["一次最多审核通过 500 份报告。"]}

    def test_five_hundred_ids_are_taken(self, api, office_user, reports):
        ids = [report.pk for report in reports] + [10**9 + n for n in range(497)]
        response = api.as_user(office_user).post(URL, {"ids": ids}, format="json")

        assert response.status_code == 200
        answer = response.json()
        assert answer["approved"] == [report.pk for report in reports]
        assert [refusal["id"] for refusal in answer["refused"]] == ids[3:]
        assert {refusal["detail"] for refusal in answer["refused"]} == {"没有这份报告。"}


def _flatten(errors):
    if isinstance(errors, dict):
        for value in errors.values():
            yield from _flatten(value)
    elif isinstance(errors, list):
        for value in errors:
            yield from _flatten(value)
    else:
        yield str(errors)


@pytest.mark.django_db
class TestOutcome:
    def test_a_report_already_reviewed_is_refused_and_the_others_approved(self, api, office_user, reports):
        returned = ProgressReportFactory(status=ReportStatus.RETURNED, review_comment="补充附件")
        approved = ProgressReportFactory(status=ReportStatus.APPROVED)
        ids = [reports[0].pk, approved.pk, reports[1].pk, returned.pk]

        response = api.as_user(office_user).post(URL, {"ids": ids}, format="json")

        assert response.status_code == 200
        answer = response.json()
        assert answer["approved"] == [reports[0].pk, reports[1].pk]
        assert [refusal["id"] for refusal in answer["refused"]] == [approved.pk, returned.pk]
        assert "只能审核已提交的报告" in answer["refused"][0]["detail"]
        assert statuses([reports[0], reports[1], reports[2], returned]) == [
            ReportStatus.APPROVED,
            ReportStatus.APPROVED,
            ReportStatus.SUBMITTED,
            ReportStatus.RETURNED,
        ]

    def test_an_id_named_twice_approves_once(self, api, office_user, reports):
        response = api.as_user(office_user).post(URL, {"ids": [reports[0].pk, reports[0].pk]}, format="json")

        assert response.json() == {"approved": [reports[0].pk], "refused": []}
        assert ProgressReportEvent.objects.filter(to_status=ReportStatus.APPROVED).count() == 1

    def test_the_same_request_again_approves_nothing_more(self, api, office_user, reports):
        client = api.as_user(office_user)
        body = {"ids": [report.pk for report in reports]}
        assert client.post(URL, body, format="json").json()["approved"] == body["ids"]

        again = client.post(URL, body, format="json")

        assert again.status_code == 200
        assert again.json()["approved"] == []
        assert [refusal["id"] for refusal in again.json()["refused"]] == body["ids"]
        assert ProgressReportEvent.objects.filter(to_status=ReportStatus.APPROVED).count() == 3
        assert all(report.history.filter(status=ReportStatus.APPROVED).count() == 1 for report in reports)

    def test_a_failure_midway_approves_none(self, office_user, reports):
        updates = []

        def fail_on_the_second_approval(execute, sql, params, many, context):
            if sql.startswith('UPDATE "projects_progressreport"'):
                updates.append(sql)
                if len(updates) == 2:
                    raise DatabaseError("forced failure")
            return execute(sql, params, many, context)

        client = APIClient(raise_request_exception=False)
        client.force_authenticate(office_user)
        with connection.execute_wrapper(fail_on_the_second_approval):
            response = client.post(URL, {"ids": [report.pk for report in reports]}, format="json")

        assert response.status_code == 500
        assert len(updates) == 2
        assert statuses(reports) == [ReportStatus.SUBMITTED] * 3
        assert not ProgressReportEvent.objects.exists()
        assert all(report.history.count() == 1 for report in reports)

    def test_the_schema_documents_it(self, api, office_user):
        schema = api.as_user(office_user).get("/api/schema/", {"format": "json"}).json()
        operation = schema["paths"]["/api/v1/progress-reports/approve/"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert schema["components"]["schemas"][body]["properties"]["ids"]["maxItems"] == 500
        answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert set(schema["components"]["schemas"][answer]["properties"]) == {"approved", "refused"}


# Two identical requests at the same moment (PostgreSQL: SQLite lets one writer in at a time).


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two writers at once")
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_approve_each_report_once(office_user, unit):
    reports = [ProgressReportFactory(project=ProjectFactory(lead_org=unit)) for _ in range(3)]
    body = {"ids": [report.pk for report in reports]}
    barrier = threading.Barrier(2)
    answers = [None, None]

    def hold_the_approval(execute, sql, params, many, context):
        # Both requests have read the reports before either approves one: only the lock keeps them apart.
        if sql.startswith('UPDATE "projects_progressreport"'):
            time.sleep(0.2)
        return execute(sql, params, many, context)

    def post(index):
        try:
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(office_user)
            barrier.wait(timeout=10)
            with connection.execute_wrapper(hold_the_approval):
                answers[index] = client.post(URL, body, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [answer.status_code for answer in answers] == [200, 200]
    approved = sorted((answer.json()["approved"] for answer in answers), key=len)
    assert approved == [[], body["ids"]]
    assert statuses(reports) == [ReportStatus.APPROVED] * 3
    assert ProgressReportEvent.objects.filter(to_status=ReportStatus.APPROVED).count() == 3
    assert all(report.history.filter(status=ReportStatus.APPROVED).count() == 1 for report in reports)
