"""All or nothing through the workflow moves: a proposal's steps on the pages and the API, and the review of
progress reports."""

import datetime

import pytest
from django.urls import reverse

from projects.choices import ReportStatus
from projects.models import HistoricalProgressReport, ProgressReport
from proposals.choices import ProposalMove, ProposalStatus, Satisfaction
from proposals.models import Event, Proposal, Reply, ResultClass
from tests.atomicity.support import assert_nothing_left, assert_written, database_state, today
from tests.factories import OrganizationFactory, ProgressReportFactory, ProjectFactory, ProposalFactory
from tests.proposals.course import Course

# Reports here are filed and approved for what else they test: the site-photo rule has its own tests.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("photo_rule_off")]


# --------------------------------------------------------------------------------------------------------------
# Workflow moves
# --------------------------------------------------------------------------------------------------------------


@pytest.fixture
def advance(committee_user, liaison, signer, unit, other_unit):
    """Take a new proposal to ``status`` through the services: ``unit`` leads, ``other_unit`` co-handles."""
    course = Course(
        committee=committee_user,
        result_class=ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳", "order": 1})[0],
        liaison=liaison,
        signer=signer,
        reply_fields={"text": "已采纳。"},
    )

    def advance(status):
        return course.bring(ProposalFactory(proposers=["储建华", "吴建娣"]), status, lead=unit, co=[other_unit])

    return advance


def test_assignment_on_the_move_page_leaves_no_units_when_its_event_fails(web, fail, committee_user, advance):
    proposal = advance(ProposalStatus.FILED)
    units = OrganizationFactory.create_batch(3)
    data = {"lead_unit": units[0].pk, "co_units": [units[1].pk, units[2].pk], "due_date": "", "note": "请抓紧办理"}
    web.force_login(committee_user)
    fail.on(Event, when={"move": ProposalMove.ASSIGN})
    before = database_state()

    response = web.post(reverse("proposal-move", args=[proposal.pk, "assign"]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.due_date) == (ProposalStatus.FILED, None)
    fail.remove()
    assert web.post(reverse("proposal-move", args=[proposal.pk, "assign"]), data).status_code == 302
    assert_written(before, "proposals_assignment", Proposal, Proposal.history.model, Event)


def test_api_sign_off_issues_nothing_when_its_event_fails(rest, fail, liaison, signer, advance):
    proposal = advance(ProposalStatus.ASSIGNED)
    body = {"text": "已列入计划。", "result_class": "A", "doc_number": "镇经信〔2026〕8号"}
    rest.force_authenticate(liaison)
    assert rest.post(f"/api/v1/proposals/{proposal.pk}/reply/", body, format="json").status_code == 200
    rest.force_authenticate(signer)
    fail.on(Event, when={"move": ProposalMove.REPLY})
    before = database_state()

    response = rest.post(f"/api/v1/proposals/{proposal.pk}/sign-off/", {}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    assert Reply.objects.get().status == "draft"
    fail.remove()
    assert rest.post(f"/api/v1/proposals/{proposal.pk}/sign-off/", {}, format="json").status_code == 200
    assert_written(before, "proposals_reply", "proposals_historicalreply", Proposal, Proposal.history.model, Event)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED


def test_a_paper_reply_is_not_recorded_when_its_event_fails(web, fail, committee_user, unit, advance):
    proposal = advance(ProposalStatus.ASSIGNED)
    data = {
        "unit": unit.pk,
        "signed_off_on": today().isoformat(),
        "result_class": ResultClass.objects.get(code="A").pk,
        "text": "书面答复。",
    }
    web.force_login(committee_user)
    fail.on(Event, when={"move": ProposalMove.RECORD_REPLY})
    before = database_state()

    response = web.post(reverse("proposal-move", args=[proposal.pk, "record-reply"]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("proposal-move", args=[proposal.pk, "record-reply"]), data).status_code == 302
    assert_written(before, "proposals_reply", "proposals_historicalreply", Proposal, Proposal.history.model, Event)


def test_api_publication_is_undone_when_its_event_fails(rest, fail, committee_user, advance):
    proposal = advance(ProposalStatus.REPLIED)
    reply = proposal.replies.get()
    rest.force_authenticate(committee_user)
    fail.on(Event, when={"move": ProposalMove.PUBLISH_REPLY})
    before = database_state()

    response = rest.post(f"/api/v1/replies/{reply.pk}/publish/", {}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    assert not Reply.objects.get().is_public
    fail.remove()
    assert rest.post(f"/api/v1/replies/{reply.pk}/publish/", {}, format="json").status_code == 200
    assert_written(before, "proposals_reply", "proposals_historicalreply", Event)


def test_unsatisfied_feedback_starts_no_new_round_when_the_proposal_cannot_be_saved(web, fail, committee_user, advance):
    proposal = advance(ProposalStatus.REPLIED)
    lead = proposal.lead_proposer
    data = {"proposer": lead.pk, "satisfaction": Satisfaction.UNSATISFIED, "comment": "答复未解决问题。"}
    data["given_on"] = today().isoformat()
    data["due_date"] = (today() + datetime.timedelta(days=120)).isoformat()  # later than the round's
    web.force_login(committee_user)
    # The new round's feedback row and due dates are written, then the proposal's own change fails.
    fail.on(Proposal, event="UPDATE", when={"status": ProposalStatus.REHANDLING})
    before = database_state()

    response = web.post(reverse("proposal-move", args=[proposal.pk, "feedback"]), data)

    assert response.status_code == 500
    assert_nothing_left(before)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == (ProposalStatus.REPLIED, 1)
    fail.remove()
    assert web.post(reverse("proposal-move", args=[proposal.pk, "feedback"]), data).status_code == 302
    assert_written(before, "proposals_feedback", "proposals_assignment", Proposal, Proposal.history.model, Event)


def test_api_close_keeps_the_proposal_open_when_its_event_fails(rest, fail, committee_user, advance):
    proposal = advance(ProposalStatus.REPLIED)
    rest.force_authenticate(committee_user)
    fail.on(Event, when={"move": ProposalMove.CLOSE})
    before = database_state()

    response = rest.post(f"/api/v1/proposals/{proposal.pk}/close/", {"note": "逾期未反馈"}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert rest.post(f"/api/v1/proposals/{proposal.pk}/close/", {}, format="json").status_code == 200
    assert_written(before, Proposal, Proposal.history.model, Event)


def test_api_approval_is_undone_when_it_cannot_be_recorded(rest, fail, office_user, unit):
    report = ProgressReportFactory(project=ProjectFactory(lead_org=unit))
    rest.force_authenticate(office_user)
    fail.on(HistoricalProgressReport, when={"status": ReportStatus.APPROVED})
    before = database_state()

    response = rest.post(f"/api/v1/progress-reports/{report.pk}/approve/", {"comment": "同意"}, format="json")

    assert response.status_code == 500
    assert_nothing_left(before)
    report.refresh_from_db()
    assert (report.status, report.reviewer) == (ReportStatus.SUBMITTED, None)
    fail.remove()
    assert rest.post(f"/api/v1/progress-reports/{report.pk}/approve/", {}, format="json").status_code == 200
    assert_written(before, ProgressReport, HistoricalProgressReport)


def test_returning_a_report_is_undone_when_it_cannot_be_recorded(web, fail, office_user, unit):
    report = ProgressReportFactory(project=ProjectFactory(lead_org=unit))
    web.force_login(office_user)
    fail.on(HistoricalProgressReport, when={"status": ReportStatus.RETURNED})
    before = database_state()

    response = web.post(reverse("report-return", args=[report.pk]), {"comment": "投资数据与拨付记录不符。"})

    assert response.status_code == 500
    assert_nothing_left(before)
    fail.remove()
    assert web.post(reverse("report-return", args=[report.pk]), {"comment": "投资数据不符。"}).status_code == 302
    assert_written(before, ProgressReport, HistoricalProgressReport)
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
