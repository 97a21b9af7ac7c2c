"""The data migration that brings replies written before sign-off existed under the new rules (0006): each was issued
when first recorded, by whoever entered it, marked as recorded on the unit's behalf when that was someone outside the
unit; office staff lose the reply permission. (The opinion due dates it fills in cannot be emptied again to test
the filling: the constraint of 0007 holds them.)

The migration's functions run here on today's models (the fields they touch are the same), on rows put back in the
state the schema migration left them in."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from projects.choices import Role
from proposals.models import Reply

from ..factories import issue_reply
from .course import standard

pytestmark = pytest.mark.django_db

migration = importlib.import_module("proposals.migrations.0006_issue_existing_replies")


def as_before_sign_off(reply: Reply):
    """The row as 0005 left a reply written before: a draft with no sign-off."""
    Reply.objects.filter(pk=reply.pk).update(
        status="draft", signed_off_on=None, signed_off_at=None, signed_off_by=None, on_behalf=False
    )
    Reply.history.filter(id=reply.pk).update(status="draft", signed_off_on=None, signed_off_at=None)


def test_existing_replies_are_issued_when_first_recorded(ctx, committee_user):
    proposal = standard(ctx, "assigned", assigned_on=timezone.localdate() - datetime.timedelta(days=200))
    reply = issue_reply(proposal, ctx.unit, liaison=ctx.liaison, signer=ctx.signer)
    entered = timezone.make_aware(datetime.datetime(2026, 3, 9, 23, 30))  # 2026-03-09 in Asia/Shanghai
    Reply.history.filter(id=reply.pk).update(history_date=entered)
    Reply.objects.filter(pk=reply.pk).update(created_by=committee_user, issued_on=datetime.date(2026, 3, 1))
    as_before_sign_off(reply)

    migration.issue_existing_replies(apps, None)

    reply.refresh_from_db()
    assert (reply.status, reply.signed_off_at, reply.signed_off_on, reply.issued_on) == (
        "issued",
        entered,
        datetime.date(2026, 3, 9),
        datetime.date(2026, 3, 1),
    )
    # Entered by the committee's staff for the unit: recorded on its behalf, by them.
    assert (reply.signed_off_by, reply.on_behalf) == (committee_user, True)
    assert set(Reply.history.filter(id=reply.pk).values_list("status", flat=True)) == {"issued"}


def test_a_reply_entered_by_its_own_unit_is_its_own_sign_off(ctx):
    proposal = standard(ctx, "assigned")
    reply = issue_reply(proposal, ctx.unit, liaison=ctx.liaison, signer=ctx.signer)
    Reply.objects.filter(pk=reply.pk).update(created_by=ctx.liaison)
    as_before_sign_off(reply)
    migration.issue_existing_replies(apps, None)
    reply.refresh_from_db()
    assert (reply.status, reply.signed_off_by, reply.on_behalf) == ("issued", ctx.liaison, False)
    assert reply.signed_off_on >= reply.issued_on


def test_office_staff_lose_the_reply_permission():
    office = Group.objects.get(name=Role.OFFICE)
    office.permissions.add(Permission.objects.get(codename="reply_proposal"))
    migration.office_no_longer_replies(apps, None)
    assert not office.permissions.filter(codename="reply_proposal").exists()
    assert Group.objects.get(name=Role.LIAISON).permissions.filter(codename="reply_proposal").exists()
