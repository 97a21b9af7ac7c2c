"""The steps that tell people: a returned report, a proposal assigned; the daily reminders in the centre. The step's
request never waits for a channel: the receiver hears nothing until the dispatcher runs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.dispatch import dispatch
from notifications.models import Notification
from notifications.services import set_preferences
from projects.choices import ReportStatus
from proposals.choices import ProposalStatus
from proposals.models import ResultClass
from tests.factories import ProgressReportFactory, ProjectFactory, ProposalFactory
from tests.proposals.course import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def robot_for(settings, receiver):
    def configure(unit):
        settings.NOTIFICATIONS = {
            **settings.NOTIFICATIONS,
            "ROBOTS": {unit.name: {"kind": "wecom", "url": f"{receiver.url}/robot/send?key=k"}},
        }

    return configure


def test_a_returned_report_tells_the_units_liaisons_and_the_request_does_not_wait(
    client, office_user, liaison, other_liaison, unit, receiver, robot_for
):
    robot_for(unit)
    set_preferences(user=liaison, enabled={("report_returned", "robot")})
    report = ProgressReportFactory(
        project=ProjectFactory(lead_org=unit, name="城市大脑一期"),
        period="2026-05",
        status=ReportStatus.SUBMITTED,
        submitted_by=liaison,
        submitted_at=timezone.now(),
    )
    client.force_login(office_user)
    response = client.post(f"/progress/{report.pk}/return/", {"comment": "请补充现场照片。"})
    assert response.status_code == 302
    assert receiver.requests == []  # queued, not sent
    (notification,) = Notification.objects.all()
    assert (notification.recipient, notification.kind) == (liaison, "report_returned")
    assert notification.text == "请补充现场照片。"
    assert notification.url == "/progress/report/?period=2026-05"
    assert "城市大脑一期" in notification.title
    dispatch()
    (call,) = receiver.requests
    assert "城市大脑一期" in call.body["markdown"]["content"]


def test_an_assignment_tells_the_units_liaisons_and_signers(committee_user, unit, liaison, signer, other_liaison):
    class_a = ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳", "order": 1})[0]
    proposal = Course(committee=committee_user, result_class=class_a).bring(
        ProposalFactory(title="关于推动政务数据共享的建议"), ProposalStatus.ASSIGNED, lead=unit
    )
    told = Notification.objects.filter(kind="assignment")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["liaison-own", "signer-own"]
    assert {item.url for item in told} == {f"/proposals/{proposal.pk}/"}
    assert all("关于推动政务数据共享的建议" in item.title for item in told)


def test_the_daily_reminders_land_in_the_centre_once_a_day(liaison, unit):
    ProjectFactory(lead_org=unit, status="in_progress")
    day = datetime.date(2026, 6, 15)  # after the month's due working day: the report is missing
    for _run in range(2):
        call_command("send_reminders", f"--today={day}", stdout=io.StringIO(), stderr=io.StringIO())
    (notification,) = Notification.objects.filter(recipient=liaison)
    assert (notification.kind, notification.key) == ("reminder", f"reminders:{day}")
    assert "- " in notification.text


def test_no_reminders_no_notification(liaison):
    call_command("send_reminders", "--today=2026-06-15", stdout=io.StringIO(), stderr=io.StringIO())
    assert not Notification.objects.exists()
