"""The proposal API's ledger: the timeline, the filters and ordering, query counts, and two people filing the same
proposal at once."""

import datetime
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.choices import Role
from proposals import services
from proposals.choices import AssignmentRole, ProposalMove, Satisfaction
from proposals.models import Event, Proposal
from tests.factories import ProjectFactory, ProposalFactory, SessionFactory, UserFactory, issue_reply
from tests.proposals.api.support import PROPOSALS, S, detail_url, move_url, post, results, status_of, today

pytestmark = pytest.mark.django_db


class TestEvents:
    def test_timeline(self, api, committee_user, leader, unit):
        body = {
            "session": SessionFactory().pk,
            "number": "12",
            "title": "关于智慧停车的建议",
            "proposers": ["储建华"],
            "submitted_on": "2026-01-12",
        }
        proposal_id = post(api, committee_user, PROPOSALS, body).json()["id"]
        proposal = Proposal.objects.get(pk=proposal_id)
        post(api, committee_user, move_url(proposal, "file"), {"note": "立案"})
        post(api, committee_user, move_url(proposal, "assign"), {"lead_unit": unit.pk})
        response = api.as_user(leader).get(f"{PROPOSALS}{proposal_id}/events/")
        assert response.status_code == 200
        events = response.json()
        assert [(e["move"], e["from_status"], e["to_status"]) for e in events] == [
            ("submit", "", "submitted"),
            ("file", "submitted", "filed"),
            ("assign", "filed", "assigned"),
        ]
        assert events[1]["note"] == "立案"
        assert unit.short_name in events[2]["note"]
        assert {e["actor"] for e in events} == {committee_user.pk}
        assert events[0]["actor_name"] == committee_user.display_name
        assert events[0]["move_label"]
        assert set(events[0]) == {
            "id",
            "at",
            "move",
            "move_label",
            "from_status",
            "to_status",
            "actor",
            "actor_name",
            "note",
        }

    def test_timeline_of_an_unknown_proposal_is_404(self, api, leader):
        assert api.as_user(leader).get(f"{PROPOSALS}999999/events/").status_code == 404


class TestFilters:
    @pytest.fixture
    def ledger(self, committee_user, liaison, unit, other_unit, advance, class_a, class_b):
        """Five proposals: submitted, key and filed, overdue at ``other_unit``, replied class A, closed satisfied."""
        submitted = ProposalFactory(title="关于智慧停车的建议", proposers=["王立平"])
        key = advance(ProposalFactory(is_key=True), S.FILED)
        overdue = advance(ProposalFactory(), S.FILED)
        services.proposal_assign(
            actor=committee_user,
            proposal=overdue,
            lead_unit=other_unit,
            assigned_on=today() - datetime.timedelta(days=120),
            due_date=today() - datetime.timedelta(days=10),
        )
        replied = advance(ProposalFactory(), S.REPLIED)
        closed = advance(ProposalFactory(), S.FILED)
        services.proposal_assign(actor=committee_user, proposal=closed, lead_unit=unit)
        issue_reply(closed, unit, liaison=liaison, text="答复", result_class=class_b)
        services.proposal_feedback(actor=committee_user, proposal=closed, satisfaction=Satisfaction.SATISFIED)
        return {"submitted": submitted, "key": key, "overdue": overdue, "replied": replied, "closed": closed}

    def numbers(self, api, user, **params):
        return sorted(row["number"] for row in results(api.as_user(user).get(PROPOSALS, params)))

    def test_filters(self, api, leader, ledger, unit, other_unit):
        def expect(*names):
            return sorted(ledger[name].number for name in names)

        assert self.numbers(api, leader) == expect("submitted", "key", "overdue", "replied", "closed")
        assert self.numbers(api, leader, status="filed") == expect("key")
        assert self.numbers(api, leader, status=["filed", "closed"]) == expect("key", "closed")
        assert self.numbers(api, leader, unit=other_unit.pk) == expect("overdue", "replied")
        assert self.numbers(api, leader, unit=other_unit.pk, role=AssignmentRole.LEAD) == expect("overdue")
        assert self.numbers(api, leader, unit=unit.pk) == expect("replied", "closed")
        assert self.numbers(api, leader, overdue="true") == expect("overdue")
        assert len(self.numbers(api, leader, overdue="false")) == 4
        assert self.numbers(api, leader, is_key="true") == expect("key")
        assert self.numbers(api, leader, result_class="A") == expect("replied")
        assert self.numbers(api, leader, result_class=["A", "B"]) == expect("replied", "closed")
        assert self.numbers(api, leader, satisfaction="satisfied") == expect("closed")
        assert self.numbers(api, leader, satisfaction="unsatisfied") == []
        assert self.numbers(api, leader, search="智慧停车") == expect("submitted")
        assert self.numbers(api, leader, search="王立平") == expect("submitted")
        assert self.numbers(api, leader, session=ledger["key"].session_id) == self.numbers(api, leader)

    def test_overdue_figures(self, api, leader, ledger):
        row = api.as_user(leader).get(detail_url(ledger["overdue"])).json()
        assert row["overdue"] is True
        assert row["days_left"] == -10

    def test_ordering(self, api, leader, ledger):
        rows = results(api.as_user(leader).get(PROPOSALS, {"ordering": "-number"}))
        assert [row["number"] for row in rows] == sorted((row["number"] for row in rows), reverse=True)
        rows = results(api.get(PROPOSALS, {"ordering": "days_left", "status": "assigned"}))
        assert rows[0]["number"] == ledger["overdue"].number
        for field in ("submitted_on", "due_date", "status"):
            assert api.get(PROPOSALS, {"ordering": field}).status_code == 200

    def test_unknown_filter_value_is_400(self, api, leader, ledger):
        assert api.as_user(leader).get(PROPOSALS, {"status": "lost"}).status_code == 400
        assert api.get(PROPOSALS, {"result_class": "Z"}).status_code == 400


def test_list_costs_the_same_queries_for_3_or_10_proposals(api, leader, committee_user, unit, other_unit):
    def make(count):
        for _ in range(count):
            proposal = ProposalFactory(proposers=["储建华", "吴建娣"])
            proposal.related_projects.add(ProjectFactory())
            services.proposal_file(actor=committee_user, proposal=proposal)
            services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit, co_units=[other_unit])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(PROPOSALS, {"page_size": 100})
            assert response.status_code == 200
        return len(queries), response.json()["count"]

    api.as_user(leader)
    make(3)
    count_queries()  # the first request also loads the user's permissions
    few, count = count_queries()
    assert count == 3
    make(7)
    many, count = count_queries()
    assert count == 10
    assert many == few
    assert few <= 8


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks to race for")
@pytest.mark.django_db(transaction=True)
def test_two_people_file_the_same_proposal_at_once():
    committee = [UserFactory(username=f"committee-{n}", role=Role.COMMITTEE) for n in (1, 2)]
    proposal = ProposalFactory()
    barrier = threading.Barrier(2)
    codes, errors = [], []

    def file(user):
        client = APIClient()
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            codes.append(client.post(move_url(proposal, "file"), {}, format="json").status_code)
        except Exception as error:  # reported below: a thread's exception would otherwise vanish
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=file, args=(user,)) for user in committee]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert sorted(codes) == [200, 409]
    assert Event.objects.filter(proposal=proposal, move=ProposalMove.FILE).count() == 1
    assert status_of(proposal) == S.FILED
