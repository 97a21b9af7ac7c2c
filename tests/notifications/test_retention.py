"""The delivery log is bounded: rows settled (sent, failed) more than NOTIFICATIONS_KEEP_DELIVERIES_DAYS ago go,
in batches; what waits, what is recent and a text message's keyed row (which stops its matter being sent twice)
stay, as do the notifications in people's centres."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.checks import notification_settings
from notifications.choices import DeliveryStatus
from notifications.models import Delivery, Notification
from notifications.services import delete_old_deliveries, notify

pytestmark = pytest.mark.django_db


def test_settled_rows_older_than_the_keeping_time_go_in_batches(member, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "KEEP_DELIVERIES_DAYS": 30}
    now = timezone.now()
    old, recent = now - datetime.timedelta(days=31), now - datetime.timedelta(days=29)
    notify([member], kind="chase", title="请报送进度", key="1")

    def row(status, attempted, key="", created=None):
        delivery = Delivery.objects.create(
            channel="email", address="a@example.gov.cn", kind="chase", status=status, key=key, last_attempt_at=attempted
        )
        if created:
            Delivery.objects.filter(pk=delivery.pk).update(created_at=created)
        return delivery.pk

    gone = [row(DeliveryStatus.SENT, old) for _ in range(5)] + [
        row(DeliveryStatus.FAILED, old),
        row(DeliveryStatus.FAILED, None, created=old),  # failed before any attempt (no address, say)
    ]
    kept = [
        row(DeliveryStatus.SENT, recent),
        row(DeliveryStatus.PENDING, old),
        row(DeliveryStatus.SENDING, old),
        row(DeliveryStatus.SENT, old, key="commitment:4:progress"),
    ]

    assert delete_old_deliveries(now, batch=2) == len(gone)
    assert not Delivery.objects.filter(pk__in=gone).exists()
    assert set(Delivery.objects.filter(pk__in=kept).values_list("pk", flat=True)) == set(kept)
    assert Notification.objects.filter(recipient=member).count() == 1

    out = io.StringIO()
    call_command("delete_old_deliveries", stdout=out)
    assert out.getvalue().startswith("0 deliveries")


def test_a_keeping_time_under_a_day_fails_the_check(settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "KEEP_DELIVERIES_DAYS": 0}
    assert [error.id for error in notification_settings()] == ["notifications.E004"]
