"""Supervision's steps through the services: who may make each, in which state, with which data; what each records
and whom it tells."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from common.exceptions import ActionForbidden, WorkflowError
from notifications.models import Notification
from supervision import services
from supervision.choices import CommitmentStatus, InstructionStatus, NoticeLevel, NoticeStatus, Step
from supervision.models import Chase, Commitment, Event, Notice

from ..factories import ProjectFactory
from .world import build_world


@pytest.fixture
def w(db):
    return build_world()


def issue(w, **changes) -> Notice:
    data = {
        "actor": w.office,
        "project": w.project,
        "unit": w.unit,
        "text": "本月底前完成数据对接",
        "deadline": w.in_days(5),
    }
    data.update(changes)
    return services.notice_issue(**data)


def steps(obj) -> list[str]:
    return list(obj.events.order_by("pk").values_list("step", flat=True))


def test_a_notice_goes_round_and_everyone_concerned_is_told(w):
    notice = issue(w)
    assert (notice.status, notice.level) == (NoticeStatus.ISSUED, NoticeLevel.BLUE)
    told = Notification.objects.filter(key=f"notice:{notice.pk}:issued")
    assert set(told.values_list("recipient__username", flat=True)) == {w.liaison.username, w.signer.username}

    services.notice_acknowledge(actor=w.liaison, notice=notice)
    services.notice_answer(actor=w.liaison, notice=notice, text="已完成对接，见截图")
    assert Notification.objects.filter(recipient=w.office, kind="notice").exists()
    services.notice_return(actor=w.office, notice=notice, reason="缺少验收截图")
    services.notice_answer(actor=w.signer, notice=notice, text="补充截图")
    services.notice_accept(actor=w.office, notice=notice, note="同意办结")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_at
    assert steps(notice) == [Step.ISSUE, Step.ACKNOWLEDGE, Step.ANSWER, Step.RETURN, Step.ANSWER, Step.ACCEPT]
    # The first answer counts for "answered on time", not the one after the return.
    assert notice.first_answered_at < notice.answered_at


def test_a_proposal_notice_is_the_committees(w):
    notice = issue(w, actor=w.committee, project=None, proposal=w.proposal)
    assert notice.proposal == w.proposal
    with pytest.raises(ActionForbidden):
        issue(w, actor=w.committee)  # a project is the office's
    with pytest.raises(ActionForbidden):
        issue(w, project=None, proposal=w.proposal, unit=w.unit, text="另一份")  # a proposal is the committee's


def test_who_may_make_each_step(w):
    with pytest.raises(ActionForbidden):
        issue(w, actor=w.liaison)
    notice = issue(w)
    with pytest.raises(ActionForbidden):
        services.notice_answer(actor=w.other_liaison, notice=notice, text="不是我们的")
    with pytest.raises(ActionForbidden):
        services.notice_answer(actor=w.office, notice=notice, text="替单位作答")
    services.notice_answer(actor=w.liaison, notice=notice, text="已完成")
    with pytest.raises(ActionForbidden):
        services.notice_accept(actor=w.liaison, notice=notice)  # nobody grades their own homework


def test_states_refuse_what_they_do_not_allow(w):
    notice = issue(w)
    with pytest.raises(WorkflowError):
        services.notice_accept(actor=w.office, notice=notice)
    with pytest.raises(WorkflowError):
        issue(w)  # one open notice per unit and project
    services.notice_answer(actor=w.liaison, notice=notice, text="已完成")
    with pytest.raises(WorkflowError):
        services.notice_acknowledge(actor=w.liaison, notice=notice)
    services.notice_accept(actor=w.office, notice=notice)
    with pytest.raises(WorkflowError):
        services.notice_answer(actor=w.liaison, notice=notice, text="再答")
    issue(w)  # closed: a new one may go out


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"text": "  "}, "text"),
        ({"text": "\x00"}, "text"),
        ({"text": "长" * 2001}, "text"),
        ({"deadline": datetime.date(9999, 12, 31)}, "deadline"),
        ({"deadline": datetime.date(2000, 1, 1)}, "deadline"),
    ],
)
def test_bad_data_is_a_clear_error(w, changes, field):
    with pytest.raises(ValidationError) as error:
        issue(w, **changes)
    assert field in error.value.message_dict
    assert not Notice.objects.exists()


def test_a_unit_not_responsible_is_refused(w):
    with pytest.raises(ValidationError) as error:
        issue(w, unit=w.other_unit)
    assert "unit" in error.value.message_dict


def test_an_unanswered_notice_turns_yellow_after_the_working_days_and_only_once(w, settings):
    settings.SUPERVISION = {"ESCALATE_AFTER_WORKING_DAYS": 2}
    # Deadline Friday 2026-12-04; working days after it: Mon 7th, Tue 8th; yellow from Wed 9th.
    notice = issue(w, deadline=w.in_days(5))
    Notice.objects.filter(pk=notice.pk).update(deadline=datetime.date(2026, 12, 4))
    assert services.escalate_overdue(datetime.date(2026, 12, 8)) == []
    assert [n.pk for n in services.escalate_overdue(datetime.date(2026, 12, 9))] == [notice.pk]
    assert services.escalate_overdue(datetime.date(2026, 12, 9)) == []
    assert services.escalate_overdue(datetime.date(2026, 12, 10)) == []
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.YELLOW and notice.escalated_on == datetime.date(2026, 12, 9)
    assert steps(notice).count(Step.ESCALATE) == 1
    assert Notification.objects.filter(key=f"notice:{notice.pk}:yellow", recipient=w.liaison).count() == 1


def test_holidays_push_the_escalation_back(w, settings, shipped_calendar):
    settings.SUPERVISION = {"ESCALATE_AFTER_WORKING_DAYS": 2}
    # Deadline 2026-09-30; 1–7 October is the National Day holiday, 8 and 9 October are the two working days.
    notice = issue(w)
    Notice.objects.filter(pk=notice.pk).update(deadline=datetime.date(2026, 9, 30))
    assert services.escalate_overdue(datetime.date(2026, 10, 9)) == []
    assert len(services.escalate_overdue(datetime.date(2026, 10, 10))) == 1


def test_an_answered_notice_does_not_escalate(w):
    notice = issue(w)
    services.notice_answer(actor=w.liaison, notice=notice, text="已完成")
    Notice.objects.filter(pk=notice.pk).update(deadline=datetime.date(2026, 1, 5))
    assert services.escalate_overdue(datetime.date(2026, 6, 1)) == []


def test_red_is_a_leaders_decision_recorded_by_the_leader_or_on_behalf(w):
    notice = issue(w)
    with pytest.raises(ActionForbidden):
        services.notice_hang_red(actor=w.liaison, notice=notice, leader=w.leader)
    with pytest.raises(ValidationError):
        services.notice_hang_red(actor=w.office, notice=notice)  # staff must name the leader
    with pytest.raises(ValidationError):
        services.notice_hang_red(actor=w.office, notice=notice, leader=w.committee)  # not a leader
    services.notice_hang_red(actor=w.office, notice=notice, leader=w.leader, note="王市长批示挂牌")
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.RED and notice.red_leader == w.leader
    event = notice.events.get(step=Step.HANG_RED)
    assert (event.actor, event.on_behalf_of) == (w.office, w.leader)
    with pytest.raises(WorkflowError):
        services.notice_hang_red(actor=w.leader, notice=notice)

    second = issue(w, unit=w.unit, project=ProjectFactory(lead_org=w.unit))
    services.notice_hang_red(actor=w.leader, notice=second)
    event = second.events.get(step=Step.HANG_RED)
    assert (event.actor, event.on_behalf_of) == (w.leader, None)


def test_an_instruction_is_tracked_until_the_office_marks_it_carried_out(w):
    with pytest.raises(ActionForbidden):
        services.instruction_give(
            actor=w.liaison, subject=w.project, text="加快进度", units=[w.unit], due_date=w.in_days(10)
        )
    own = services.instruction_give(
        actor=w.leader, subject=w.project, text="加快进度，月底前上线", units=[w.unit], due_date=w.in_days(10)
    )
    assert not own.on_behalf
    recorded = services.instruction_give(
        actor=w.office,
        subject=w.project,
        leader=w.leader,
        text="请经信局牵头落实",
        units=[w.unit, w.other_unit],
        due_date=w.in_days(20),
    )
    assert recorded.on_behalf and recorded.events.get().on_behalf_of == w.leader
    assert Notification.objects.filter(kind="instruction", recipient=w.other_liaison).count() == 1
    services.instruction_report(actor=w.other_liaison, instruction=recorded, text="已配合完成")
    with pytest.raises(ActionForbidden):
        services.instruction_carry_out(actor=w.liaison, instruction=recorded)
    services.instruction_carry_out(actor=w.office, instruction=recorded, note="已落实")
    recorded.refresh_from_db()
    assert recorded.status == InstructionStatus.DONE
    assert steps(recorded) == [Step.INSTRUCT, Step.REPORT, Step.CARRY_OUT]
    assert Notification.objects.filter(key=f"instruction:{recorded.pk}:done", recipient=w.leader).exists()
    with pytest.raises(WorkflowError):
        services.instruction_report(actor=w.liaison, instruction=recorded, text="再报")


def test_an_instruction_on_a_notice(w):
    notice = issue(w)
    instruction = services.instruction_give(
        actor=w.office, subject=notice, leader=w.leader, text="限期整改", units=[w.unit], due_date=w.in_days(3)
    )
    assert instruction.notice == notice and instruction.project is None


def test_a_class_b_promise_stays_open_until_the_committee_confirms_it(w):
    reply = w.course.reply(w.proposal, w.unit)
    commitment = services.commitment_record(
        actor=w.liaison, reply=reply, text="2027年6月底前建成共享平台", due_date=w.in_days(200), projects=[w.project]
    )
    assert commitment.status == CommitmentStatus.OPEN
    services.commitment_report(actor=w.liaison, commitment=commitment, text="平台已上线")
    with pytest.raises(ActionForbidden):
        services.commitment_confirm(actor=w.liaison, commitment=commitment)
    services.commitment_return(actor=w.committee, commitment=commitment, reason="未见上线证明")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.OPEN
    services.commitment_confirm(actor=w.committee, commitment=commitment, note="实地查看属实")
    commitment.refresh_from_db()
    assert commitment.status == CommitmentStatus.FULFILLED
    assert steps(commitment) == [Step.PROMISE, Step.REPORT, Step.RETURN, Step.CONFIRM]


def test_only_issued_promising_replies_take_promises(w):
    from proposals.models import ResultClass

    class_c = ResultClass.objects.get_or_create(code="C", defaults={"name": "留作参考", "order": 3})[0]
    reply = w.course.reply(w.proposal, w.unit, result_class=class_c)
    with pytest.raises(WorkflowError):
        services.commitment_record(actor=w.liaison, reply=reply, text="无", due_date=w.in_days(30))
    assert not Commitment.objects.exists()


def test_a_linked_projects_approved_report_reaches_the_committee(w, photo_rule_off):
    from projects import services as project_services
    from projects.choices import ReportStatus

    from ..factories import ProgressReportFactory

    reply = w.course.reply(w.proposal, w.unit)
    commitment = services.commitment_record(
        actor=w.liaison, reply=reply, text="建成平台", due_date=w.in_days(200), projects=[w.project]
    )
    report = ProgressReportFactory(project=w.project, status=ReportStatus.SUBMITTED, progress=60)
    project_services.progress_report_approve(actor=w.office, report=report)
    assert steps(commitment) == [Step.PROMISE, Step.PROJECT_MOVED]
    told = Notification.objects.filter(recipient=w.committee, kind="commitment", key__contains=":moved:")
    assert told.count() == 1 and "60%" in told.get().text


def test_a_chase_notifies_the_unit_once_a_day(w):
    period = f"{w.today:%Y-%m}"
    chase = services.report_chase(actor=w.office, unit=w.unit, period=period)
    assert chase.missing == 1
    assert Notification.objects.filter(kind="chase", recipient=w.liaison).count() == 1
    with pytest.raises(WorkflowError):
        services.report_chase(actor=w.office, unit=w.unit, period=period)
    with pytest.raises(WorkflowError):
        services.report_chase(actor=w.office, unit=w.other_unit, period=period)  # nothing missing
    with pytest.raises(ActionForbidden):
        services.report_chase(actor=w.liaison, unit=w.unit, period=period)
    assert Chase.objects.count() == 1


def test_events_belong_to_one_thing(w):
    assert Event._meta.constraints


def test_a_consenting_proposer_gets_a_text_when_a_linked_project_moves(w, settings, photo_rule_off):
    from notifications.models import Delivery
    from projects import services as project_services
    from projects.choices import ReportStatus
    from supervision.models import ProposerContact

    from ..factories import ProgressReportFactory

    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "SMS": {**settings.NOTIFICATIONS["SMS"], "URL": "http://127.0.0.1:9/sms", "TEMPLATES": {"commitment": "T1"}},
    }
    proposer = w.proposal.lead_proposer
    ProposerContact.objects.create(proposer=proposer, mobile="13812345678", consent_on=w.today, recorded_by=w.committee)
    reply = w.course.reply(w.proposal, w.unit)
    services.commitment_record(
        actor=w.liaison, reply=reply, text="建成平台", due_date=w.in_days(90), projects=[w.project]
    )
    report = ProgressReportFactory(project=w.project, status=ReportStatus.SUBMITTED, progress=70)
    project_services.progress_report_approve(actor=w.office, report=report)
    texts = Delivery.objects.filter(channel="sms", address="13812345678")
    assert texts.count() == 1
    assert texts.get().params["proposal"] == w.proposal.number

    # Without consent, nothing is queued.
    ProposerContact.objects.update(consent_on=None)
    second = ProgressReportFactory(project=w.project, status=ReportStatus.SUBMITTED, progress=80, period="2026-06")
    project_services.progress_report_approve(actor=w.office, report=second)
    assert texts.count() == 1
