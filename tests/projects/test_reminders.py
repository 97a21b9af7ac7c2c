"""The daily reminder digests: who gets what, once a day (once per spell of red), in a fixed number of queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command

from accounts.choices import Role
from notifications import reminders as notification_registry
from notifications.models import SentReminder
from notifications.reminders import ReminderItem, reminder_sources
from projects.choices import ProjectStatus, ReportStatus
from projects.reminders import collect, report_due_date
from tests.factories import MilestoneFactory, ProgressReportFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

# November 2026 starts on a Sunday: its 5th working day is Friday the 6th, so reminders start on Saturday the 7th
# and the cron job (Monday to Friday) first sends them on Monday the 9th.
DUE = "2026-11-06"
TODAY = "2026-11-09"
SITE = "https://smartcity.example.gov.cn"
SUBMITTED = datetime.datetime(2026, 11, 3, 9, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def with_email(user):
    user.email = f"{user.username}@example.gov.cn"
    user.save(update_fields=["email"])
    return user


# The shared fixtures, each with an e-mail address (they have none by default).
@pytest.fixture
def liaison(liaison):
    return with_email(liaison)


@pytest.fixture
def other_liaison(other_liaison):
    return with_email(other_liaison)


@pytest.fixture
def office_user(office_user):
    return with_email(office_user)


def run(*args, today=TODAY):
    out = io.StringIO()
    call_command("send_reminders", f"--today={today}", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def mails_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def green_project(**kwargs):
    """A project on track in November 2026 (90% done by an approved October report; ~86% planned)."""
    project = ProjectFactory(**kwargs)
    ProgressReportFactory(project=project, period="2026-10", status=ReportStatus.APPROVED, progress=Decimal("90"))
    return project


def test_liaison_gets_one_digest_of_their_units_items(liaison, other_liaison, unit, other_unit, mailoutbox):
    late = ProjectFactory(lead_org=unit, name="智慧水务")
    MilestoneFactory(project=late, name="招投标", planned_date=datetime.date(2026, 10, 30))
    MilestoneFactory(project=late, name="开工建设", planned_date=datetime.date(2026, 11, 16))
    MilestoneFactory(project=late, name="上线试运行", planned_date=datetime.date(2026, 11, 17))
    MilestoneFactory(project=late, name="方案编制", planned_date=datetime.date(2026, 10, 1), actual_date=DUE)
    reported = ProjectFactory(lead_org=unit, name="政务云计算中心")
    ProgressReportFactory(project=reported, period="2026-11")
    returned = ProgressReportFactory(
        project__lead_org=unit, period="2026-10", status=ReportStatus.RETURNED, review_comment="请补充滞后原因"
    )
    finished = ProjectFactory(lead_org=unit, name="已验收项目", status=ProjectStatus.ACCEPTED)
    MilestoneFactory(project=finished, name="竣工验收", planned_date=datetime.date(2026, 10, 1))
    ProgressReportFactory(project=finished, status=ReportStatus.RETURNED, review_comment="验收前的退回")
    elsewhere = ProjectFactory(lead_org=other_unit, name="智慧防汛")
    MilestoneFactory(project=elsewhere, name="专家评审", planned_date=datetime.date(2026, 10, 1))

    output = run()

    assert "2 messages sent with " in output
    [message] = mails_to(liaison)
    body = message.body
    assert "智慧城市项目管理平台" in message.subject  # the site's language, whatever the shell's
    assert TODAY in message.subject
    assert f"{late.code} 智慧水务" in body
    assert f"{returned.project.code}" in body
    assert "2026-11" in body and f"{SITE}/progress/report/?period=2026-11" in body
    assert "请补充滞后原因" in body and f"{SITE}/progress/report/?period=2026-10" in body
    [late_line] = [line for line in body.splitlines() if "招投标" in line]
    assert "2026-10-30" in late_line and "10" in late_line.replace("2026-10-30", "")  # ten days late
    assert "开工建设" in body  # due in seven days
    assert "上线试运行" not in body  # due in eight days
    assert "方案编制" not in body  # done
    assert "政务云计算中心" not in body  # this month's report is in
    assert "已验收项目" not in body and "竣工验收" not in body and "验收前的退回" not in body  # finished
    assert "智慧防汛" not in body and "专家评审" not in body  # another unit's
    assert f"{SITE}/projects/{late.pk}/" in body
    [other_message] = mails_to(other_liaison)
    assert "专家评审" in other_message.body and "智慧水务" not in other_message.body


def test_due_day_is_the_fifth_working_day():
    assert report_due_date(datetime.date(2026, 11, 20)) == datetime.date(2026, 11, 6)
    assert report_due_date(datetime.date(2026, 8, 31)) == datetime.date(2026, 8, 7)  # 1 August is a Saturday
    assert report_due_date(datetime.date(2026, 6, 1)) == datetime.date(2026, 6, 5)


@pytest.mark.parametrize(("today", "reminded"), [(DUE, False), ("2026-11-07", True), (TODAY, True)])
def test_missing_report_only_after_the_due_working_day(liaison, unit, mailoutbox, today, reminded):
    ProjectFactory(lead_org=unit, name="智慧水务")
    run(today=today)
    assert len(mails_to(liaison)) == int(reminded)


def test_due_working_day_is_a_setting(liaison, unit, mailoutbox, settings):
    settings.PORTFOLIO = {**settings.PORTFOLIO, "REPORT_DUE_WORKDAY": 3}
    ProjectFactory(lead_org=unit)
    run(today="2026-11-04")
    assert mailoutbox == []
    run(today="2026-11-05")
    assert len(mails_to(liaison)) == 1


@pytest.mark.parametrize("status", ProjectStatus.values)
def test_only_projects_under_way_need_a_report(liaison, unit, mailoutbox, status):
    ProjectFactory(lead_org=unit, status=status)
    run()
    assert len(mailoutbox) == int(status in ProjectStatus.reporting())


def test_nobody_with_nothing_due_gets_mail(liaison, other_liaison, office_user, unit, mailoutbox):
    project = green_project(lead_org=unit)
    ProgressReportFactory(project=project, period="2026-11", status=ReportStatus.APPROVED, progress=Decimal("91"))
    MilestoneFactory(project=project, planned_date=datetime.date(2026, 12, 20))

    output = run()

    assert mailoutbox == []
    assert "0 messages sent with 0 items; 0 recipients skipped" in output
    assert not SentReminder.objects.exists()


def test_second_run_the_same_day_sends_only_what_is_new(liaison, unit, mailoutbox):
    ProjectFactory(lead_org=unit, name="智慧水务")
    run()
    assert len(mailoutbox) == 1

    assert "0 messages sent" in run()
    assert len(mailoutbox) == 1

    ProgressReportFactory(
        project__lead_org=unit, project__name="智慧城管", status=ReportStatus.RETURNED, review_comment="数据有误"
    )
    run()
    assert len(mailoutbox) == 2
    assert "数据有误" in mailoutbox[1].body and "智慧水务" not in mailoutbox[1].body


def test_daily_items_come_again_the_next_day(liaison, unit, mailoutbox):
    ProjectFactory(lead_org=unit, name="智慧水务")
    run()
    run(today="2026-11-10")
    assert [("智慧水务" in message.body) for message in mailoutbox] == [True, True]
    assert SentReminder.objects.filter(recipient=liaison).count() == 2


def test_office_digest_lists_reports_to_review_and_red_projects(office_user, liaison, unit, mailoutbox):
    waiting = green_project(lead_org=unit, name="政务云计算中心")
    ProgressReportFactory(project=waiting, period="2026-11", progress=Decimal("92"))
    red = ProjectFactory(lead_org=unit, name="智慧水务")  # nothing done, ~86% planned

    run()

    [message] = mails_to(office_user)
    assert message.body.count("政务云计算中心") == 1  # to review, and not red
    assert f"{SITE}/progress/review/" in message.body
    assert f"{red.code} 智慧水务" in message.body and f"{SITE}/projects/{red.pk}/" in message.body
    assert "区经信局" in message.body  # the lead unit
    office_keys = set(SentReminder.objects.filter(recipient=office_user).values_list("key", flat=True))
    assert office_keys == {f"review:{waiting.progress_reports.get(period='2026-11').pk}", f"once:red:{red.pk}"}


def test_red_project_is_reported_once_per_spell_of_red(office_user, unit, mailoutbox):
    red = ProjectFactory(lead_org=unit, name="智慧水务")
    run(today="2026-11-09")
    assert "智慧水务" in mailoutbox[-1].body

    run(today="2026-11-10")  # still red: nothing new
    assert len(mailoutbox) == 1

    report = ProgressReportFactory(project=red, period="2026-11", status=ReportStatus.APPROVED, progress=90)
    run(today="2026-11-11")  # recovered: nothing to say, and the earlier notice is forgotten
    assert len(mailoutbox) == 1
    assert not SentReminder.objects.exists()

    report.progress = Decimal("10")
    report.save()
    run(today="2026-11-12")  # red again
    assert len(mailoutbox) == 2
    assert "智慧水务" in mailoutbox[-1].body


def test_person_without_email_is_skipped_and_nothing_recorded(liaison, unit, mailoutbox):
    liaison.email = ""
    liaison.save()
    ProjectFactory(lead_org=unit)

    output = run()

    assert mailoutbox == []
    assert "0 messages sent with 0 items; 1 recipients skipped for no e-mail address" in output
    assert not SentReminder.objects.exists()


def test_inactive_people_and_other_roles_get_nothing(unit, mailoutbox):
    with_email(UserFactory(organization=unit, role=Role.LIAISON, is_active=False))
    with_email(UserFactory(organization=unit, role=Role.LEADER))
    ProjectFactory(lead_org=unit)
    run()
    assert mailoutbox == []


def test_dry_run_sends_and_records_nothing(liaison, office_user, unit, mailoutbox):
    ProjectFactory(lead_org=unit, name="智慧水务")

    output = run("--dry-run")

    assert mailoutbox == []
    assert not SentReminder.objects.exists()
    assert f"{liaison.username} <{liaison.email}>" in output and "智慧水务" in output
    assert "Dry run: 2 messages" in output


class RefusingBackend(EmailBackend):
    """Refuses mail to one address, the way an SMTP server refuses an unknown recipient."""

    def send_messages(self, messages):
        if any("liaison-own@" in address for message in messages for address in message.to):
            raise OSError("550 no such mailbox")
        return super().send_messages(messages)


def test_failure_for_one_person_does_not_stop_the_others(liaison, other_liaison, unit, other_unit, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    ProjectFactory(lead_org=unit)
    ProjectFactory(lead_org=other_unit)

    with pytest.raises(CommandError, match="1 messages could not be sent"):
        run()

    assert [message.to for message in mail.outbox] == [[other_liaison.email]]
    assert set(SentReminder.objects.values_list("recipient", flat=True)) == {other_liaison.pk}


def test_every_apps_registered_collector_is_a_source(office_user, monkeypatch, mailoutbox):
    assert collect in reminder_sources()

    # What a future app would add: its own collector, registered in its ``AppConfig.ready()``.
    def future_collect(today):
        return [ReminderItem(office_user, "proposal-overdue:7", "提案", "第7号提案答复逾期", "/proposals/7/")]

    monkeypatch.setattr(notification_registry, "_collectors", reminder_sources())  # forgotten after the test
    notification_registry.register_collector(future_collect)

    run()

    [message] = mailoutbox
    assert "第7号提案答复逾期" in message.body


@pytest.mark.parametrize("size", [3, 30])
def test_query_count_does_not_grow_with_the_portfolio(
    size, liaison, other_liaison, office_user, unit, other_unit, mailoutbox, django_assert_max_num_queries
):
    for number in range(size):
        project = ProjectFactory(lead_org=unit if number % 2 else other_unit)
        MilestoneFactory(project=project, planned_date=datetime.date(2026, 10, 30))
        MilestoneFactory(project=project, planned_date=datetime.date(2026, 11, 12))
        ProgressReportFactory(project=project, period="2026-09", status=ReportStatus.RETURNED, review_comment="补充")
        ProgressReportFactory(project=project, period="2026-10", submitted_at=SUBMITTED)

    # Liaisons, the month's working-day calendar (the report's due day), missing reports, returned reports,
    # milestones; office staff, reports to review, red projects; proposals: liaisons, signers, their assignments,
    # drafts, committee members; supervision: overdue notices, their units' people, notices, instructions and
    # promises to remind of; what was sent already; the record of what went out; the digests in the notification
    # centre (those already there, the new ones, read back, their recipients' channel choices) and the outbox's run
    # (runs that died, what is due).
    with django_assert_max_num_queries(27):
        run()

    assert len(mailoutbox) == 3
    # Per project, its liaison: report missing, report returned, two milestones; the office: to review, red.
    assert SentReminder.objects.count() == size * 6
