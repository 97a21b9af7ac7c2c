"""The centre's pages and API: each person's own notifications only, unread first, opening one marks it read."""

import pytest
from django.core.exceptions import ValidationError

from notifications.models import Delivery, Notification, Preference
from notifications.services import notify, queue_text_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def inbox(liaison, other_liaison):
    old = notify([liaison], kind="notice", title="旧的督办通知", url="/projects/", key="old")[0]
    new = notify([liaison], kind="chase", title="请报送五月进度", url="/progress/report/?period=2026-05", key="new")[0]
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)
    others = notify([other_liaison], kind="notice", title="水利局的通知", key="others")[0]
    return old, new, others


def test_the_bell_counts_the_unread_and_the_list_shows_them_first(client, liaison, inbox):
    client.force_login(liaison)
    page = client.get("/notifications/").content.decode()
    assert 'id="notification-bell"' in page
    assert page.index("请报送五月进度") < page.index("旧的督办通知")
    assert "水利局的通知" not in page
    unread = client.get("/notifications/?unread=true").content.decode()
    assert "请报送五月进度" in unread and "旧的督办通知" not in unread
    assert "请报送五月进度" in client.get("/notifications/?unread=maybe&kind=nonsense").content.decode()


def test_opening_marks_read_and_follows_the_link(client, liaison, inbox):
    _old, new, others = inbox
    client.force_login(liaison)
    response = client.get(f"/notifications/{new.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/progress/report/?period=2026-05"
    new.refresh_from_db()
    assert new.read_at is not None
    assert client.get(f"/notifications/{others.pk}/open/").status_code == 404
    assert client.get("/notifications/abc/open/").status_code == 404
    assert client.get("/notifications/99999999999999999999999/open/").status_code == 404


def test_a_link_off_the_site_is_not_followed(client, liaison):
    (item,) = notify([liaison], kind="notice", title="外链", url="https://evil.example.com/")
    client.force_login(liaison)
    assert client.get(f"/notifications/{item.pk}/open/")["Location"] == "/notifications/"


def test_mark_all_read(client, liaison, inbox):
    client.force_login(liaison)
    assert client.get("/notifications/read-all/").status_code == 405
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=liaison, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient__username="liaison-other", read_at__isnull=True).exists()


def test_the_settings_grid(client, liaison, settings):
    settings.NOTIFICATIONS = {**settings.NOTIFICATIONS, "SMS": {**settings.NOTIFICATIONS["SMS"], "URL": ""}}
    client.force_login(liaison)
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="chase:email"' in page and "checked" in page
    assert 'name="reminder:email"' not in page  # the daily reminders' e-mail is send_reminders' own
    assert 'name="notice:sms"' not in page  # no gateway configured
    response = client.post("/notifications/settings/", {"notice:email": "1", "bogus": "1", "x:y": "1"})
    assert response.status_code == 302
    assert set(Preference.objects.filter(user=liaison, enabled=True).values_list("kind", "channel")) == {
        ("notice", "email")
    }
    liaison.email = "liaison@example.gov.cn"
    liaison.save()
    notify([liaison], kind="chase", title="催报", key="c")
    notify([liaison], kind="notice", title="通知", key="n")
    assert list(Delivery.objects.values_list("kind", flat=True)) == ["notice"]


def test_the_api_gives_the_callers_own_only(api, liaison, inbox):
    old, new, others = inbox
    client = api.as_user(liaison)
    listed = client.get("/api/v1/notifications/").json()
    assert [item["id"] for item in listed["results"]] == [new.pk, old.pk]
    unread = client.get("/api/v1/notifications/?unread=true").json()
    assert [item["id"] for item in unread["results"]] == [new.pk]
    assert client.get("/api/v1/notifications/?kind=nonsense").status_code == 400
    assert client.get(f"/api/v1/notifications/{new.pk}/").json()["unread"] is True
    assert client.get(f"/api/v1/notifications/{others.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{others.pk}/read/").status_code == 404
    assert client.get("/api/v1/notifications/abc/").status_code == 404
    assert client.get("/api/v1/notifications/99999999999999999999999/").status_code == 404
    read = client.post(f"/api/v1/notifications/{new.pk}/read/")
    assert read.status_code == 200 and read.json()["unread"] is False
    notify([liaison], kind="notice", title="又一条", key="more")
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.filter(recipient__username="liaison-other", read_at__isnull=True).count() == 1


def test_text_messages_to_people_without_accounts(settings):
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "SMS": {**settings.NOTIFICATIONS["SMS"], "URL": "http://127.0.0.1:9/sms", "TEMPLATES": {"commitment": "T1"}},
    }
    first = queue_text_message("+86 139-0000-0001", kind="commitment", params={"project": "城市大脑"}, key="c:1")
    again = queue_text_message("13900000001", kind="commitment", params={"project": "城市大脑"}, key="c:1")
    assert first.pk == again.pk and (first.address, first.params) == ("13900000001", {"project": "城市大脑"})
    assert queue_text_message("13900000001", kind="notice", params={}, key="n:1") is None  # no template
    with pytest.raises(ValidationError):
        queue_text_message("12345", kind="commitment", params={}, key="c:2")
    assert Delivery.objects.count() == 1
