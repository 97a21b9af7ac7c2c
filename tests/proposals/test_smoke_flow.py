import datetime

from proposals import services
from proposals.choices import ProposalStatus


def test_whole_course(committee_user, liaison, unit, other_unit, proposal, class_b):
    services.proposal_file(actor=committee_user, proposal=proposal)
    services.proposal_assign(actor=committee_user, proposal=proposal, lead_unit=unit, co_units=[other_unit])
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.ASSIGNED
    services.proposal_reply(actor=liaison, proposal=proposal, text="答复", result_class=class_b)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REPLIED
    services.proposal_feedback(actor=committee_user, proposal=proposal, satisfaction="unsatisfied")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REHANDLING and proposal.round == 2
    services.proposal_reply(actor=liaison, proposal=proposal, text="再次答复", result_class=class_b)
    services.proposal_feedback(actor=committee_user, proposal=proposal, satisfaction="satisfied")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CLOSED
    assert proposal.events.count() == 6
    assert isinstance(proposal.due_date, datetime.date)
