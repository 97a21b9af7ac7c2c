"""Two dispatchers at once (PostgreSQL, where rows are locked): every message goes out exactly once."""

import threading

import pytest
from django.db import connection, connections

from notifications.dispatch import dispatch
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks; its writers queue"),
]


def test_two_dispatchers_at_once_send_each_message_once(channels_on, receiver, robot_unit):
    people = [UserFactory(organization=robot_unit, phone=f"1390000{n:04d}") for n in range(12)]
    for person in people:
        notify([person], kind="escalation", title="督办单已升级", key="esc")
    start = threading.Barrier(2)
    errors = []

    def run():
        try:
            start.wait()
            dispatch()
        except Exception as error:  # reported by the test, not lost in the thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    texts = [request.body["id"] for request in receiver.requests if request.path == "/sms"]
    assert len(texts) == len(set(texts)) == 12
    assert len([request for request in receiver.requests if request.path == "/robot/send"]) == 1
