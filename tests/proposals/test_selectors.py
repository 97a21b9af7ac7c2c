"""The proposal selectors: the one place the proposal statistics are counted, which the dashboard, the
提案办理情况统计表 and the public page show alike, and the ledger's rows the page and the API list."""

import datetime
import io
import re

import pytest
from django.test import Client
from openpyxl import load_workbook

from proposals import services
from proposals.choices import ProposalStatus, Satisfaction
from proposals.models import Proposal, ResultClass
from proposals.selectors import ledger_proposals, proposal_statistics

from ..factories import OrganizationFactory, ProposalFactory, SessionFactory, issue_reply


@pytest.fixture
def handled(db, committee_user, set_today):
    """A session of six proposals: three assigned on 1 February, due 1 March — No. 1 to 发改局 (replied on time,
    satisfied), No. 2 to 发改局 with 科技局 co-handling (replied late, unsatisfied, replied again on time in the second
    round), No. 3 to both separately (both late, basically satisfied, closed) —, one not filed, one merged into No.
    1, one still submitted."""
    session = SessionFactory(name="十五届四次", year=2026)
    lead = OrganizationFactory(name="区发改局", short_name="发改局")
    other = OrganizationFactory(name="区科技局", short_name="科技局")
    class_a = ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳", "order": 1})[0]
    first, second, third, not_filed, merged, _submitted = (
        ProposalFactory(session=session, number=f"00{number}") for number in range(1, 7)
    )
    set_today(datetime.date(2026, 2, 1))
    due = datetime.date(2026, 3, 1)
    for proposal, units in (
        (first, {"lead_unit": lead}),
        (second, {"lead_unit": lead, "co_units": [other]}),
        (third, {"separate_units": [lead, other]}),
    ):
        services.proposal_file(actor=committee_user, proposal=proposal)
        services.proposal_assign(actor=committee_user, proposal=proposal, due_date=due, **units)
    services.proposal_not_file(actor=committee_user, proposal=not_filed, reason="不属于提案范围")
    services.proposal_merge(actor=committee_user, proposal=merged, into=first)
    set_today(datetime.date(2026, 2, 20))
    issue_reply(first, lead, result_class=class_a)
    set_today(datetime.date(2026, 4, 1))
    for proposal, unit in ((second, lead), (third, lead), (third, other)):
        issue_reply(proposal, unit)
    set_today(datetime.date(2026, 4, 10))
    for proposal, satisfaction in (
        (first, Satisfaction.SATISFIED),
        (second, Satisfaction.UNSATISFIED),
        (third, Satisfaction.BASICALLY_SATISFIED),
    ):
        services.proposal_feedback(actor=committee_user, proposal=proposal, satisfaction=satisfaction)
    set_today(datetime.date(2026, 4, 20))
    issue_reply(second, lead)  # the second round, well before its new due date
    return session, lead, other


def test_the_statistics_of_a_session(handled, django_assert_num_queries):
    session, lead, other = handled
    statistics = proposal_statistics(sessions=[session])
    with django_assert_num_queries(1):
        counts = statistics.counts(session)
    assert counts["by_status"] == {
        ProposalStatus.SUBMITTED: 1,
        ProposalStatus.NOT_FILED: 1,
        ProposalStatus.MERGED: 1,
        ProposalStatus.REPLIED: 2,
        ProposalStatus.CLOSED: 1,
    }
    assert {key: counts[key] for key in ("received", "filed", "not_filed", "merged", "assigned", "answered")} == {
        "received": 6,
        "filed": 3,
        "not_filed": 1,
        "merged": 1,
        "assigned": 3,
        "answered": 3,
    }
    assert (counts["answer_rate"], counts["awaiting_reply"], counts["closed"]) == (100.0, 0, 1)
    # Replied; with a late reply (No. 2's first round, No. 3); replied with none late (No. 1).
    assert (counts["replied"], counts["late"], counts["on_time"], counts["overdue"], counts["key"]) == (3, 2, 1, 0, 0)

    assignments, replies = statistics.unit_assignments(session), statistics.unit_replies(session)
    assert {unit: (row["name"], row["assigned"], row["replying"]) for unit, row in assignments.items()} == {
        lead.pk: ("发改局", 3, 3),
        other.pk: ("科技局", 2, 1),
    }
    # On time as everything counts it (replied, none late): No. 2, late in its first round and on time in its
    # second, is late.
    figures = ("replied", "late", "on_time")
    assert {unit: tuple(row[key] for key in figures) for unit, row in replies.items()} == {
        lead.pk: (3, 2, 1),
        other.pk: (1, 1, 0),
    }
    assert statistics.unit_classes(session) == {lead.pk: {"A": 1, "B": 2}, other.pk: {"B": 1}}
    assert [(row["result_class__code"], row["count"]) for row in statistics.result_classes(session)] == [
        ("A", 1),
        ("B", 2),
    ]
    assert statistics.satisfaction(session) == {
        "proposals": {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1},
        "feedback": 3,
        "content": 2,
    }
    assert statistics.unit_satisfaction(session) == {
        lead.pk: {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1, "feedback": 3, "content": 2},
        other.pk: {"satisfied": 0, "basically_satisfied": 1, "unsatisfied": 0, "feedback": 1, "content": 1},
    }


def test_for_some_units_only_their_proposals_and_replies_count(handled):
    session, _lead, other = handled
    statistics = proposal_statistics(sessions=[session], units=[other.pk])
    counts = statistics.counts(session)
    assert (counts["received"], counts["replied"], counts["late"], counts["on_time"]) == (2, 1, 1, 0)
    assert set(statistics.unit_replies(session)) == {other.pk}
    assert statistics.satisfaction(session)["proposals"] == {"unsatisfied": 1, "basically_satisfied": 1}


def test_the_dashboard_the_statistics_table_and_the_public_page_agree(handled, client, committee_user):
    session, lead, _other = handled
    statistics = proposal_statistics(sessions=[session])
    counts, replies = statistics.counts(session), statistics.unit_replies(session)
    client.force_login(committee_user)

    panel = client.get("/reports/dashboard/", {"session": session.pk}).context["proposals"]
    assert (panel["total"], panel["replied"], panel["on_time"]) == (6, counts["replied"], counts["on_time"])
    assert {status.value: count for status, count, _url in panel["by_status"]} == counts["by_status"]
    assert {row["unit_id"]: (row["replied"], row["on_time"], row["late"]) for row in panel["per_unit"]} == {
        unit: (row["replied"], row["on_time"], row["late"]) for unit, row in replies.items()
    }
    assert [(choice.value, count) for choice, count, _url in panel["satisfaction"]] == [
        ("satisfied", 1),
        ("basically_satisfied", 1),
        ("unsatisfied", 1),
    ]

    response = client.get("/reports/export/proposal-stats.xlsx", {"session": session.pk})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert (
        "共收到提案6件，立案3件，并案1件，不予立案1件，待审查1件；交办3件，已办复3件，办复率100.0%。"
        in sheet["A2"].value
    )
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    # Assigned, to reply to, replied, 办复率, on time, 按期答复率, A, B, C, satisfied, basically, unsatisfied.
    assert list(rows["发改局"][2:]) == [3, 3, 3, 100, 1, 33.3, 1, 2, 0, 1, 1, 1]
    on_time_on_the_dashboard = {row["unit_id"]: row["on_time"] for row in panel["per_unit"]}[lead.pk]
    assert rows["发改局"][6] == replies[lead.pk]["on_time"] == on_time_on_the_dashboard

    page = Client().get("/public/").content.decode()
    row = re.search(r"<tr><td>十五届四次</td>(.*?)</tr>", page, re.S).group(1)
    assert [int(cell) for cell in re.findall(r">(\d+)</td>", row)] == [6, 3, 0, 3, 1]
    assert re.search(r">(\d+) / (\d+)</td>", row).groups() == ("2", "3")


def test_the_public_page_counts_the_latest_sessions_with_proposals_in_few_queries(db, django_assert_max_num_queries):
    sessions = [SessionFactory(name=f"十五届{number}次", year=2020 + number) for number in range(1, 8)]
    for session in sessions[1:]:
        ProposalFactory(session=session)
    statistics = proposal_statistics(sessions=sessions)
    with django_assert_max_num_queries(2):
        figures = [(statistics.counts(session)["received"], statistics.satisfaction(session)) for session in sessions]
    assert [received for received, _satisfaction in figures] == [0, 1, 1, 1, 1, 1, 1]

    page = Client().get("/public/").content.decode()
    shown = re.findall(r"<tr><td>(十五届\d次)</td>", page)
    assert shown == ["十五届7次", "十五届6次", "十五届5次", "十五届4次", "十五届3次"]


def test_the_ledger_rows_are_what_the_api_lists(handled, api, committee_user, django_assert_max_num_queries):
    session, lead, other = handled
    with django_assert_max_num_queries(4):
        rows = list(ledger_proposals(proposals=Proposal.objects.filter(session=session)).order_by("number"))
        units = {row.number: [assignment.unit.name for assignment in row.assignments.all()] for row in rows}
    # By role (co-handling, lead, separate), then by name.
    assert (units["002"], units["003"], units["004"]) == ([other.name, lead.name], [lead.name, other.name], [])
    listed = api.as_user(committee_user).get("/api/v1/proposals/", {"session": session.pk, "ordering": "number"})
    assert [row["number"] for row in listed.json()["results"]] == [row.number for row in rows]
