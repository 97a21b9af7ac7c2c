"""Proposal reminders in the daily digests: units for their replies and opinions, the committee for overdue and key
proposals; once a day, again in a new round, in a fixed number of queries."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.choices import Role
from common.dates import add_months
from notifications.dispatch import dispatch
from notifications.models import SentReminder
from notifications.reminders import reminder_sources
from proposals import services
from proposals.choices import ProposalStatus
from proposals.reminders import collect
from tests.factories import ProposalFactory, UserFactory, issue_reply

pytestmark = pytest.mark.django_db

SITE = "https://smartcity.example.gov.cn"
# The services date replies and new rounds by the real clock, so the reminders run on the real today too.
TODAY = timezone.localdate()


def days(count: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=count)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def with_email(user):
    user.email = f"{user.username}@example.gov.cn"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def liaison(liaison):
    return with_email(liaison)


@pytest.fixture
def other_liaison(other_liaison):
    return with_email(other_liaison)


@pytest.fixture
def committee_user(committee_user):
    return with_email(committee_user)


@pytest.fixture
def assign(course):
    """A filed proposal assigned two months ago, due in ``due_in`` days (negative: overdue)."""

    def assign(due_in, *, lead=None, co=(), separate=(), **fields):
        proposal = course.bring(
            ProposalFactory(**fields),
            ProposalStatus.ASSIGNED,
            lead=lead,
            co=co,
            separate=separate,
            assigned_on=days(-60),
            due_date=days(due_in),
        )
        # The units were told of the assignment when it was made (notifications); the tests read the digests.
        dispatch()
        mail.outbox.clear()
        return proposal

    return assign


def run(*args, today=TODAY):
    out = io.StringIO()
    call_command("send_reminders", f"--today={today.isoformat()}", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def mails_to(mailoutbox, user):
    return [message for message in mailoutbox if message.to == [user.email]]


def texts(user, today=TODAY):
    """The lines ``user`` would get today, in English (the source strings)."""
    with translation.override("en"):
        return [item.text for item in collect(today) if item.recipient == user]


def test_is_a_reminder_source():
    assert collect in reminder_sources()


def test_unit_gets_its_replies_due_soon_and_overdue(
    assign, liaison, other_liaison, unit, other_unit, class_a, mailoutbox
):
    soon = assign(3, lead=unit, title="关于推动智慧城市建设的建议")
    late = assign(-5, lead=unit, title="关于加快城市大脑建设的建议")
    later = assign(20, lead=unit, title="关于完善智慧停车的建议")
    replied = assign(2, lead=unit, title="关于数据开放共享的建议")
    issue_reply(replied, unit, liaison=liaison, text="答复如下。", result_class=class_a)
    elsewhere = assign(1, lead=other_unit, title="关于智慧防汛的建议")

    run()

    [message] = mails_to(mailoutbox, liaison)
    body = message.body
    assert f"第{soon.number}号 关于推动智慧城市建设的建议" in body and days(3).isoformat() in body
    assert f"第{late.number}号 关于加快城市大脑建设的建议" in body and days(-5).isoformat() in body
    assert f"{SITE}/proposals/{soon.pk}/" in body and f"{SITE}/proposals/{late.pk}/" in body
    assert later.title not in body  # due in 20 days
    assert replied.title not in body  # replied
    assert elsewhere.title not in body  # another unit's
    [other_message] = mails_to(mailoutbox, other_liaison)
    assert elsewhere.title in other_message.body and soon.title not in other_message.body


def test_texts_count_the_days(assign, liaison, unit, settings):
    late = assign(-5, lead=unit, number="027", title="关于推动智慧城市建设的建议")
    assign(-1, lead=unit, number="028", title="甲")
    assign(0, lead=unit, number="029", title="乙")
    assign(1, lead=unit, number="030", title="丙")
    assign(3, lead=unit, number="031", title="丁")
    assign(8, lead=unit, number="032", title="戊")

    assert texts(liaison) == [
        f"No. 027 关于推动智慧城市建设的建议: reply due {days(-5).isoformat()}, 5 days overdue",
        f"No. 028 甲: reply due {days(-1).isoformat()}, 1 day overdue",
        f"No. 029 乙: reply due today, {TODAY.isoformat()}",
        f"No. 030 丙: reply due {days(1).isoformat()}, in 1 day",
        f"No. 031 丁: reply due {days(3).isoformat()}, in 3 days",
    ]
    with translation.override("en"):
        [item] = [item for item in collect(TODAY) if item.recipient == liaison and f"/proposals/{late.pk}/" in item.url]
    assert item.key == f"proposal-due:{late.assignments.get().pk}:1"
    assert item.section == "Proposal replies due within 7 days or overdue"

    settings.PROPOSALS = {**settings.PROPOSALS, "REMINDER_DAYS": 10}
    assert len(texts(liaison)) == 6  # now due in 8 days is within the window


def test_co_handling_unit_is_reminded_of_its_opinion_until_it_sends_it(
    assign, liaison, other_liaison, unit, other_unit, mailoutbox
):
    proposal = assign(3, lead=unit, co=[other_unit], number="027", title="关于推动智慧城市建设的建议")
    # The opinion is due a month after the assignment (60 days ago), not on the lead unit's date in 3 days.
    opinion_due = add_months(days(-60), 1)
    late = (TODAY - opinion_due).days
    title = "No. 027 关于推动智慧城市建设的建议"
    assert texts(other_liaison) == [
        f"{title}: opinion to the lead unit due {opinion_due.isoformat()}, {late} days overdue"
    ]
    run()
    [message] = mails_to(mailoutbox, other_liaison)
    assert proposal.title in message.body and f"{SITE}/proposals/{proposal.pk}/" in message.body
    assert len(mails_to(mailoutbox, liaison)) == 1  # the lead unit owes the reply

    services.proposal_opinion(actor=other_liaison, proposal=proposal, opinion="建议统筹数据资源。")
    assert texts(other_liaison) == []
    assert len(texts(liaison)) == 1


def test_separate_units_are_reminded_until_each_replies(assign, liaison, other_liaison, unit, other_unit, class_a):
    proposal = assign(-2, separate=[unit, other_unit])
    assert len(texts(liaison)) == len(texts(other_liaison)) == 1

    issue_reply(proposal, unit, liaison=liaison, text="本单位答复。", result_class=class_a)
    assert texts(liaison) == []
    assert len(texts(other_liaison)) == 1


def test_extension_beyond_the_window_stops_the_reminder(assign, committee_user, liaison, unit):
    proposal = assign(2, lead=unit)
    services.assignment_extend(
        actor=committee_user, assignment=proposal.assignments.get(), due_date=days(30), reason="需要实地调研"
    )
    assert texts(liaison) == []


def test_units_wait_while_reassignment_is_requested(assign, liaison, committee_user, unit):
    proposal = assign(-3, lead=unit, number="027", title="甲")
    services.proposal_request_reassign(actor=liaison, proposal=proposal, reason="不属于本单位职责")

    assert texts(liaison) == []  # it cannot reply until the committee decides
    assert texts(committee_user) == [
        f"No. 027 甲: due {days(-3).isoformat()}, 3 days overdue; no reply yet from 区经信局"
    ]


def test_committee_digest_of_overdue_and_key_proposals(
    assign, committee_user, liaison, unit, other_unit, class_a, mailoutbox
):
    late = assign(-5, lead=unit, co=[other_unit], number="027", title="关于推动智慧城市建设的建议")
    half = assign(-1, separate=[unit, other_unit], number="028", title="关于城市大脑的建议")
    issue_reply(half, unit, liaison=liaison, text="答复。", result_class=class_a)
    key = assign(3, lead=other_unit, number="029", title="关于智慧交通的重点提案", is_key=True)
    assign(3, lead=unit, number="030", title="普通提案", is_key=False)
    assign(20, lead=unit, number="031", title="远期重点提案", is_key=True)
    replied = assign(-9, lead=unit, number="032", title="已答复提案")
    issue_reply(replied, unit, liaison=liaison, text="答复。", result_class=class_a)

    assert texts(committee_user) == [
        f"No. 027 关于推动智慧城市建设的建议: due {days(-5).isoformat()}, 5 days overdue; no reply yet from 区经信局",
        f"No. 028 关于城市大脑的建议: due {days(-1).isoformat()}, 1 day overdue; no reply yet from 区水利局",
        f"No. 029 关于智慧交通的重点提案: due {days(3).isoformat()}, in 3 days; no reply yet from 区水利局",
    ]
    run()
    [message] = mails_to(mailoutbox, committee_user)
    for proposal in (late, half, key):
        assert proposal.title in message.body and f"{SITE}/proposals/{proposal.pk}/" in message.body
    assert "普通提案" not in message.body and "远期重点提案" not in message.body and "已答复提案" not in message.body
    keys = set(SentReminder.objects.filter(recipient=committee_user).values_list("key", flat=True))
    assert keys == {
        f"proposal-overdue:{late.pk}:1",
        f"proposal-overdue:{half.pk}:1",
        f"proposal-key-due:{key.pk}:1",
    }


def test_command_prints_what_it_sent_and_a_second_run_sends_nothing_new(
    assign, liaison, other_liaison, committee_user, unit, other_unit, mailoutbox
):
    assign(3, lead=unit)
    assign(-5, lead=unit, co=[other_unit])

    output = run()

    # The liaison two replies, the co-handling unit one opinion, the committee one overdue proposal.
    assert "3 messages sent with 4 items; 0 recipients skipped" in output
    assert len(mailoutbox) == 3

    assert "0 messages sent with 0 items" in run()
    assert len(mailoutbox) == 3

    fresh = assign(2, lead=unit, title="关于新情况的建议")
    assert "1 messages sent with 1 items" in run()
    assert fresh.title in mailoutbox[-1].body and mailoutbox[-1].to == [liaison.email]


def test_daily_items_come_again_the_next_day(assign, liaison, unit, mailoutbox):
    proposal = assign(3, lead=unit)
    run()
    run(today=days(1))
    assert [proposal.title in message.body for message in mailoutbox] == [True, True]
    assert SentReminder.objects.filter(recipient=liaison).count() == 2


def test_a_new_round_after_unsatisfied_feedback_reminds_again(
    assign, committee_user, liaison, unit, class_a, mailoutbox
):
    proposal = assign(3, lead=unit)
    run()
    assert len(mails_to(mailoutbox, liaison)) == 1

    issue_reply(proposal, unit, liaison=liaison, text="答复。", result_class=class_a)
    assert "0 messages sent" in run()

    services.proposal_feedback(actor=committee_user, proposal=proposal, satisfaction="unsatisfied", due_date=days(4))
    run()  # the same day: a new matter
    assert len(mails_to(mailoutbox, liaison)) == 2
    assert days(4).isoformat() in mailoutbox[-1].body
    assignment = proposal.assignments.get()
    assert set(SentReminder.objects.filter(recipient=liaison).values_list("key", flat=True)) == {
        f"proposal-due:{assignment.pk}:1",
        f"proposal-due:{assignment.pk}:2",
    }


def test_inactive_people_and_other_roles_get_nothing(assign, committee_user, unit, mailoutbox):
    with_email(UserFactory(organization=unit, role=Role.LIAISON, is_active=False))
    with_email(UserFactory(organization=unit, role=Role.LEADER))
    with_email(UserFactory(organization=unit, role=Role.OFFICE))
    assign(-5, lead=unit, is_key=True)
    committee_user.is_active = False
    committee_user.save(update_fields=["is_active"])
    run()
    assert mailoutbox == []


@pytest.mark.parametrize("size", [2, 10])
def test_query_count_does_not_grow_with_the_proposals(
    size, assign, committee_user, liaison, other_liaison, unit, other_unit, class_a
):
    for number in range(size):
        lead, co = (unit, other_unit) if number % 2 else (other_unit, unit)
        assign(-number - 1, lead=lead, co=[co], is_key=True)
        assign(number % 5, separate=[unit, other_unit], is_key=number % 3 == 0)
    with CaptureQueriesContext(connection) as queries:
        items = collect(TODAY)
    # Liaisons, signers, their assignments, the drafts; committee members, the proposals, the units that owe replies.
    assert len(queries) == 7
    assert len(items) == size * 4 + size + sum(number % 3 == 0 for number in range(size))


def test_the_signer_is_reminded_of_drafts_waiting_for_sign_off(assign, liaison, signer, unit, class_a, mailoutbox):
    signer = with_email(signer)
    proposal = assign(20, lead=unit, number="027", title="关于推动智慧城市建设的建议")
    assert texts(signer) == []
    services.reply_save_draft(actor=liaison, proposal=proposal, text="答复稿", result_class=class_a)
    assert texts(signer) == [f"No. 027 关于推动智慧城市建设的建议: reply due {days(20).isoformat()}"]
    run()
    [message] = mails_to(mailoutbox, signer)
    assert proposal.title in message.body and f"{SITE}/proposals/{proposal.pk}/" in message.body
    services.reply_sign_off(actor=signer, proposal=proposal)
    assert texts(signer) == []


def test_the_liaison_is_reminded_of_a_returned_draft(assign, liaison, signer, unit, class_a):
    proposal = assign(20, lead=unit, number="027", title="甲")
    services.reply_save_draft(actor=liaison, proposal=proposal, text="答复稿", result_class=class_a)
    services.reply_return(actor=signer, proposal=proposal, note="请补充资金来源")
    assert texts(signer) == []
    assert f"No. 027 甲: reply due {days(20).isoformat()}; the signer's note: 请补充资金来源" in texts(liaison)
    services.reply_save_draft(actor=liaison, proposal=proposal, text="补充后的答复稿", result_class=class_a)
    assert not [text for text in texts(liaison) if "signer's note" in text]
    assert len(texts(signer)) == 1
