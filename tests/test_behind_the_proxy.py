"""Behind nginx every request comes from the proxy's address: with ``DJANGO_AXES_PROXY_COUNT`` the login lockout and
the public votes' limit read the client's own address from X-Forwarded-For (django-ipware), and a client's forged
header never passes for another address."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from proposals.choices import ReplyStatus
from proposals.models import Reply, ResultClass
from tests.factories import OrganizationFactory, ProposalFactory, UserFactory
from tests.test_settings import settings_with

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same server


@pytest.fixture
def behind_nginx(settings):
    """What DJANGO_AXES_PROXY_COUNT=1 sets (checked below)."""
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]


def forwarded(client_address: str) -> dict:
    """What nginx passes on: its own address, and the client's appended to X-Forwarded-For."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def test_one_proxy_reads_the_single_address_nginx_forwards():
    assert settings_with("print(s.AXES_IPWARE_PROXY_COUNT)", DJANGO_AXES_PROXY_COUNT="1") == ["0"]


def test_the_lockout_locks_the_client_not_the_proxy(behind_nginx):
    UserFactory(username="liaison1")
    wrong = {"username": "liaison1", "password": "wrong"}
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", wrong, **forwarded("203.0.113.9"))
    locked = Client().post("/accounts/login/", wrong, **forwarded("203.0.113.9"))
    assert locked.status_code == 429
    # The same user from another office, through the same proxy, still gets in.
    other = Client().post(
        "/accounts/login/", {"username": "liaison1", "password": "pass-2026-word"}, **forwarded("198.51.100.7")
    )
    assert other.status_code == 302
    # A client naming another address in its own header is not taken for it (nginx appends the real one, and the
    # header is then longer than one proxy makes it): the attempt counts under the proxy's own address.
    Client().post("/accounts/login/", wrong, **forwarded("192.0.2.1, 203.0.113.9"))
    assert AccessAttempt.objects.filter(ip_address=PROXY).exists()
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.1").exists()


def test_the_public_votes_limit_counts_each_visitor_behind_the_proxy(behind_nginx, settings):
    settings.PROPOSALS = {**settings.PROPOSALS, "VOTES_PER_HOUR": 2}
    result_class, _ = ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳"})
    reply = Reply.objects.create(
        proposal=ProposalFactory(),
        unit=OrganizationFactory(),
        text="现答复如下。",
        result_class=result_class,
        issued_on=datetime.date(2026, 5, 4),
        status=ReplyStatus.ISSUED,
        signed_off_on=datetime.date(2026, 5, 4),
        signed_off_at=timezone.make_aware(datetime.datetime(2026, 5, 4, 10, 0)),
        is_public=True,
    )

    def vote(address):
        return Client().post(f"/public/proposals/{reply.pk}/vote/", {"choice": "support"}, **forwarded(address))

    assert [vote("203.0.113.9").status_code for _ in range(3)] == [302, 302, 429]
    # Another visitor through the same proxy has an allowance of their own.
    assert vote("198.51.100.7").status_code == 302
