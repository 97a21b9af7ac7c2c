"""Two people make the same move at the same moment: the row lock lets exactly one through and the other is refused,
with nothing written twice. PostgreSQL only (SQLite has no row locks and serialises writers anyway).

Each test runs outside a test transaction so that the threads, each on its own connection, see the data set up
here; the database is flushed afterwards, which drops the reference data of the migrations (the role groups are
recreated by post_migrate), so the result class is made here when missing.
"""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from accounts.choices import Role
from common.exceptions import WorkflowError
from proposals import services
from proposals.choices import ProposalMove, ProposalStatus
from proposals.models import Event, Feedback, Reply, ResultClass

from ..factories import ProposalFactory, UserFactory, unit_user
from .course import Course

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks"),
    pytest.mark.django_db(transaction=True),
]

S = ProposalStatus


def race(*moves):
    """Start the moves at the same moment, each in its own thread (so on its own connection); what each returned or
    raised, in order."""
    barrier = threading.Barrier(len(moves))
    outcomes = [None] * len(moves)

    def run(index, move):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = move()
        except Exception as error:  # the outcome is what the test looks at
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, move)) for index, move in enumerate(moves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a move is still waiting for a lock"
    return outcomes


def one_won(outcomes) -> int:
    """Exactly one move went through and every other was refused as a workflow error; the winner's index."""
    refused = [outcome for outcome in outcomes if isinstance(outcome, WorkflowError)]
    won = [index for index, outcome in enumerate(outcomes) if not isinstance(outcome, Exception)]
    assert len(won) == 1 and len(refused) == len(outcomes) - 1, outcomes
    return won[0]


@pytest.fixture
def result_class(db):
    result_class, _ = ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳"})
    return result_class


@pytest.fixture
def course(committee_user, result_class):
    # The groups come back with their permissions after each flush (post_migrate): the fixtures' users rely on them.
    assert Group.objects.filter(name=Role.COMMITTEE, permissions__codename="handle_proposal").exists()
    assert Group.objects.filter(name=Role.LIAISON, permissions__codename="reply_proposal").exists()
    assert Group.objects.filter(name=Role.SIGNER, permissions__codename="sign_reply").exists()
    return Course(committee=committee_user, result_class=result_class)


def drafted(course, proposal, unit):
    services.reply_save_draft(
        actor=unit_user(unit, Role.LIAISON), proposal=proposal, text=f"{unit}的答复", result_class=course.result_class
    )


@pytest.fixture
def second_committee_user(db):
    return UserFactory(username="committee-2", role=Role.COMMITTEE)


def test_two_committee_members_file_the_same_proposal(course, second_committee_user):
    proposal = ProposalFactory()
    outcomes = race(
        lambda: services.proposal_file(actor=course.committee, proposal=proposal),
        lambda: services.proposal_file(actor=second_committee_user, proposal=proposal),
    )
    winner = [course.committee, second_committee_user][one_won(outcomes)]
    proposal.refresh_from_db()
    assert proposal.status == S.FILED
    assert list(proposal.events.values_list("move", "actor")) == [(ProposalMove.FILE, winner.pk)]


def test_filing_and_not_filing_at_once(course, second_committee_user):
    proposal = ProposalFactory()
    outcomes = race(
        lambda: services.proposal_file(actor=course.committee, proposal=proposal),
        lambda: services.proposal_not_file(actor=second_committee_user, proposal=proposal, reason="不属于提案范围"),
    )
    winner = one_won(outcomes)
    proposal.refresh_from_db()
    assert proposal.status == [S.FILED, S.NOT_FILED][winner]
    assert proposal.events.count() == 1
    assert bool(proposal.not_filed_reason) == (winner == 1)


def test_two_committee_members_assign_the_same_proposal(course, second_committee_user, unit, other_unit):
    proposal = course.bring(ProposalFactory(), S.FILED)
    outcomes = race(
        lambda: services.proposal_assign(actor=course.committee, proposal=proposal, lead_unit=unit),
        lambda: services.proposal_assign(actor=second_committee_user, proposal=proposal, lead_unit=other_unit),
    )
    winner = [unit, other_unit][one_won(outcomes)]
    proposal.refresh_from_db()
    assert proposal.status == S.ASSIGNED
    assert list(proposal.assignments.values_list("unit", flat=True)) == [winner.pk]
    assert proposal.events.filter(move=ProposalMove.ASSIGN).count() == 1


def test_the_signer_signs_off_while_the_committee_records_a_paper_reply(course, unit, signer):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit)
    drafted(course, proposal, unit)
    outcomes = race(
        lambda: services.reply_sign_off(actor=signer, proposal=proposal),
        lambda: services.reply_record(
            actor=course.committee,
            proposal=proposal,
            unit=unit,
            text="书面答复",
            result_class=course.result_class,
            signed_off_on=proposal.assignments.get().assigned_on,
        ),
    )
    winner = one_won(outcomes)
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    reply = Reply.objects.get()
    assert (reply.status, reply.on_behalf, reply.signed_off_by) == (
        "issued",
        winner == 1,
        [signer, course.committee][winner],
    )
    issuing = [ProposalMove.REPLY, ProposalMove.RECORD_REPLY]
    assert list(proposal.events.filter(move__in=issuing).values_list("move", flat=True)) == [issuing[winner]]


def test_two_signers_sign_off_the_same_draft(course, unit, signer):
    deputy = UserFactory(username="deputy-signer", organization=unit, role=Role.SIGNER)
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit)
    drafted(course, proposal, unit)
    outcomes = race(
        lambda: services.reply_sign_off(actor=signer, proposal=proposal),
        lambda: services.reply_sign_off(actor=deputy, proposal=proposal),
    )
    winner = one_won(outcomes)
    assert Reply.objects.get().signed_off_by == [signer, deputy][winner]
    assert Event.objects.filter(move=ProposalMove.REPLY).count() == 1


def test_the_signer_signs_off_while_the_liaison_changes_the_draft(course, unit, liaison, signer):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit)
    drafted(course, proposal, unit)
    outcomes = race(
        lambda: services.reply_sign_off(actor=signer, proposal=proposal),
        lambda: services.reply_save_draft(
            actor=liaison, proposal=proposal, text="改过的稿", result_class=course.result_class
        ),
    )
    reply = Reply.objects.get()
    if isinstance(outcomes[1], WorkflowError):
        # Signed off first: the change came too late and changed nothing.
        assert (reply.status, reply.text) == ("issued", f"{unit}的答复")
    else:
        # Changed first, then signed off as changed: what the signer issued is what is stored.
        assert isinstance(outcomes[0], Reply) and (reply.status, reply.text) == ("issued", "改过的稿")


def test_two_separate_units_sign_off_at_once(course, unit, other_unit):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, separate=[unit, other_unit])
    drafted(course, proposal, unit)
    drafted(course, proposal, other_unit)
    outcomes = race(
        lambda: services.reply_sign_off(actor=unit_user(unit, Role.SIGNER), proposal=proposal),
        lambda: services.reply_sign_off(actor=unit_user(other_unit, Role.SIGNER), proposal=proposal),
    )
    assert all(isinstance(outcome, Reply) for outcome in outcomes), outcomes
    proposal.refresh_from_db()
    # Whichever signed off second saw the first one's reply: the proposal is replied, exactly once.
    assert proposal.status == S.REPLIED
    events = list(proposal.events.filter(move=ProposalMove.REPLY).values_list("from_status", "to_status"))
    assert sorted(events) == [(S.ASSIGNED, S.ASSIGNED), (S.ASSIGNED, S.REPLIED)]


def test_sign_off_and_request_for_reassignment_at_once(course, unit, liaison, signer):
    proposal = course.bring(ProposalFactory(), S.ASSIGNED, lead=unit)
    drafted(course, proposal, unit)
    outcomes = race(
        lambda: services.reply_sign_off(actor=signer, proposal=proposal),
        lambda: services.proposal_request_reassign(actor=liaison, proposal=proposal, reason="职责不符"),
    )
    winner = one_won(outcomes)
    proposal.refresh_from_db()
    assert proposal.status == [S.REPLIED, S.REASSIGN_REQUESTED][winner]
    assert Reply.objects.issued().count() == (1 if winner == 0 else 0)
    moves = [ProposalMove.REPLY, ProposalMove.REQUEST_REASSIGN]
    assert proposal.events.filter(move__in=moves).count() == 1


def test_two_committee_members_publish_the_same_reply(course, second_committee_user, unit):
    proposal = course.bring(ProposalFactory(), S.REPLIED, lead=unit)
    reply = Reply.objects.get()
    outcomes = race(
        lambda: services.reply_publish(actor=course.committee, reply=reply),
        lambda: services.reply_publish(actor=second_committee_user, reply=reply),
    )
    one_won(outcomes)
    assert Reply.objects.get().is_public
    assert proposal.events.filter(move=ProposalMove.PUBLISH_REPLY).count() == 1


def test_the_same_feedback_recorded_twice(course, second_committee_user, unit):
    proposal = course.bring(ProposalFactory(proposers=["储建华", "吴建娣"]), S.REPLIED, lead=unit)
    co_signer = proposal.ordered_signatures[1].proposer
    outcomes = race(
        *(
            lambda actor=actor: services.proposal_feedback(
                actor=actor, proposal=proposal, satisfaction="satisfied", proposer=co_signer
            )
            for actor in (course.committee, second_committee_user)
        )
    )
    one_won(outcomes)
    assert list(Feedback.objects.values_list("proposer", "round")) == [(co_signer.pk, 1)]
    proposal.refresh_from_db()
    assert proposal.status == S.REPLIED
    assert proposal.events.filter(move=ProposalMove.FEEDBACK).count() == 1


def test_closing_feedback_recorded_twice(course, second_committee_user, unit):
    proposal = course.bring(ProposalFactory(), S.REPLIED, lead=unit)
    outcomes = race(
        *(
            lambda actor=actor: services.proposal_feedback(actor=actor, proposal=proposal, satisfaction="satisfied")
            for actor in (course.committee, second_committee_user)
        )
    )
    one_won(outcomes)
    proposal.refresh_from_db()
    assert proposal.status == S.CLOSED
    assert Feedback.objects.count() == 1
    assert list(Event.objects.filter(move=ProposalMove.FEEDBACK).values_list("to_status", flat=True)) == [S.CLOSED]


def test_unsatisfied_feedback_and_closing_at_once(course, second_committee_user, unit):
    proposal = course.bring(ProposalFactory(), S.REPLIED, lead=unit)
    outcomes = race(
        lambda: services.proposal_feedback(actor=course.committee, proposal=proposal, satisfaction="unsatisfied"),
        lambda: services.proposal_close(actor=second_committee_user, proposal=proposal),
    )
    winner = one_won(outcomes)
    proposal.refresh_from_db()
    assert (proposal.status, proposal.round) == [(S.REHANDLING, 2), (S.CLOSED, 1)][winner]
    assert Feedback.objects.count() == (1 if winner == 0 else 0)
