"""The channels against a local receiver: 钉钉's signing, digests, the rate limit, retries, nothing sent twice."""

import base64
import datetime
import hashlib
import hmac

import pytest
from django.core import mail
from django.utils import timezone

from notifications.choices import DeliveryStatus
from notifications.dispatch import dispatch
from notifications.models import Delivery
from notifications.services import notify, set_preferences
from tests.notifications.conftest import SECRET

pytestmark = pytest.mark.django_db


def chase(user, n=1):
    for i in range(n):
        title = f"请报送第{i}项进度"
        notify([user], kind="chase", title=title, text="本月进度未报送。", url="/progress/report/", key=f"{i}")


def robot_calls(receiver):
    return [request for request in receiver.requests if request.path == "/robot/send"]


def test_the_dingtalk_robot_gets_a_signed_markdown_message(channels_on, receiver, member):
    chase(member)
    dispatch()
    (call,) = robot_calls(receiver)
    timestamp, sign = call.query["timestamp"][0], call.query["sign"][0]
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected  # parse_qs has undone the URL encoding
    assert call.query["access_token"] == ["abc"]
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60
    assert call.body["msgtype"] == "markdown"
    assert "请报送第0项进度" in call.body["markdown"]["text"]
    assert "http://127.0.0.1:8000/progress/report/" in call.body["markdown"]["text"]


def test_a_burst_to_one_robot_is_one_digest(channels_on, receiver, member, robot_unit):
    other = type(member).objects.create(username="second-liaison", organization=robot_unit)
    chase(member, 30)
    chase(other, 30)  # the same 30 lines for the unit's other member: one line each in the group
    counts = dispatch()
    (call,) = robot_calls(receiver)
    text = call.body["markdown"]["text"]
    assert text.count("\n- ") == 30
    assert counts["sent"] >= 60
    assert not Delivery.objects.filter(channel="robot").exclude(status=DeliveryStatus.SENT).exists()
    dispatch()
    assert len(robot_calls(receiver)) == 1
    # E-mail too goes as one message per address.
    assert len(mail.outbox) == 1 and "30" in mail.outbox[0].subject


def test_the_rate_limit_defers_the_rest_to_a_later_run(channels_on, receiver, member):
    channels_on["ROBOT_MESSAGES_PER_MINUTE"] = 1
    notify([member], kind="chase", title="第一条", key="a")
    now = timezone.now()
    dispatch(now)
    notify([member], kind="chase", title="第二条", key="b")
    counts = dispatch(now + datetime.timedelta(seconds=30))
    assert counts["deferred"] == 1
    assert len(robot_calls(receiver)) == 1
    dispatch(now + datetime.timedelta(seconds=61))
    assert [("第二条" in call.body["markdown"]["text"]) for call in robot_calls(receiver)] == [False, True]


def test_a_failure_is_retried_after_its_delay_and_delivered_once(channels_on, receiver, member):
    receiver.script = [(500, {"error": "busy"})]
    chase(member)
    now = timezone.now()
    assert dispatch(now)["retried"] == 1
    delivery = Delivery.objects.get(channel="robot")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "HTTP 500" in delivery.last_error
    dispatch(now + datetime.timedelta(seconds=30))  # still waiting for its delay
    assert len(robot_calls(receiver)) == 1
    assert dispatch(now + datetime.timedelta(seconds=61))["sent"] >= 1
    dispatch(now + datetime.timedelta(seconds=200))
    assert len(robot_calls(receiver)) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    assert delivery.sent_at is not None


def test_a_refusal_in_the_answer_is_a_failure_and_the_last_attempt_gives_up(channels_on, receiver, member):
    receiver.script = [(200, {"errcode": 310000, "errmsg": "sign not match"})] * 3
    chase(member)
    now = timezone.now()
    for minutes in (0, 2, 5):
        dispatch(now + datetime.timedelta(minutes=minutes))
    delivery = Delivery.objects.get(channel="robot")
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert "310000" in delivery.last_error
    dispatch(now + datetime.timedelta(hours=1))
    assert len(robot_calls(receiver)) == 3


def test_the_wecom_robot_gets_markdown_without_signing(channels_on, receiver, member, robot_unit):
    channels_on["ROBOTS"] = {robot_unit.name: {"kind": "wecom", "url": f"{receiver.url}/robot/send?key=k1"}}
    chase(member)
    dispatch()
    (call,) = robot_calls(receiver)
    assert call.query == {"key": ["k1"]}
    assert call.body["msgtype"] == "markdown" and "请报送第0项进度" in call.body["markdown"]["content"]


def test_text_messages_go_as_template_and_parameters(channels_on, receiver, member):
    notify([member], kind="escalation", title="督办单已升级为黄色", key="esc")
    notify([member], kind="chase", title="催报", key="chase")  # no SMS for chasing by default (and no template)
    dispatch()
    (call,) = [request for request in receiver.requests if request.path == "/sms"]
    assert call.headers["X-Sms-Token"] == "gateway-token"
    assert call.body == {
        "phone": "13800001234",
        "signature": "镇海区智慧办",
        "template": "SMS_001",
        "params": {"title": "督办单已升级为黄色"},
        "id": f"delivery-{Delivery.objects.get(channel='sms').pk}",
    }


def test_preferences_choose_the_channels(channels_on, receiver, member):
    set_preferences(user=member, enabled={("chase", "sms"), ("escalation", "robot")})
    notify([member], kind="chase", title="催报", key="c")  # template-less for SMS: the choice cannot apply
    notify([member], kind="escalation", title="升级", key="e")
    assert set(Delivery.objects.values_list("channel", "kind")) == {("robot", "escalation")}


def test_nothing_pending_sends_nothing(channels_on, receiver, member):
    counts = dispatch()
    assert sum(counts.values()) == 0
    assert receiver.requests == [] and mail.outbox == []


def test_two_runs_never_send_twice(channels_on, receiver, member):
    chase(member, 3)
    notify([member], kind="notice", title="督办通知", key="n")
    dispatch()
    first = len(receiver.requests), len(mail.outbox)
    dispatch()
    dispatch(timezone.now() + datetime.timedelta(hours=2))
    assert (len(receiver.requests), len(mail.outbox)) == first == (2, 1)  # robot and SMS; one e-mail


def test_a_misconfigured_robot_or_channel_fails_the_check(settings):
    from notifications.checks import notification_settings

    assert notification_settings() == []
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "CHANNELS": {**settings.NOTIFICATIONS["CHANNELS"], "zzd": "nowhere.ZzdChannel"},
        "ROBOTS": {"镇海区智慧办": {"kind": "feishu", "url": "https://example.com/"}},
    }
    assert [error.id for error in notification_settings()] == ["notifications.E001", "notifications.E002"]
