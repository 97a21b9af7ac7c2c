"""The daily run: overdue notices turn yellow before the digests are gathered, the units are reminded of what they
owe, the issuing side of the answers waiting for it; a dry run changes nothing."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from supervision import services
from supervision.choices import NoticeLevel
from supervision.models import Notice

from .world import build_world


@pytest.fixture
def w(db):
    world = build_world()
    for user in (world.liaison, world.signer, world.office):
        user.email = f"{user.username}@example.gov.cn"
        user.save()
    return world


def test_the_daily_run_escalates_then_reminds(w, settings):
    settings.SUPERVISION = {"ESCALATE_AFTER_WORKING_DAYS": 2}
    notice = services.notice_issue(
        actor=w.office, project=w.project, unit=w.unit, text="限期整改", deadline=w.in_days(3)
    )
    Notice.objects.filter(pk=notice.pk).update(deadline=datetime.date(2026, 12, 4))

    call_command("send_reminders", today=datetime.date(2026, 12, 9), dry_run=True, stdout=StringIO())
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.BLUE  # a dry run changes nothing

    call_command("send_reminders", today=datetime.date(2026, 12, 9), stdout=StringIO())
    notice.refresh_from_db()
    assert notice.level == NoticeLevel.YELLOW
    to_liaison = next(message for message in mail.outbox if w.liaison.email in message.to)
    assert notice.number in to_liaison.body and "督办" in to_liaison.body


def test_the_office_is_reminded_of_answers_waiting(w):
    notice = services.notice_issue(
        actor=w.office, project=w.project, unit=w.unit, text="限期整改", deadline=w.in_days(3)
    )
    services.notice_answer(actor=w.liaison, notice=notice, text="已整改")
    call_command("send_reminders", stdout=StringIO())
    to_office = next(message for message in mail.outbox if w.office.email in message.to)
    assert notice.number in to_office.body
