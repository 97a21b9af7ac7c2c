import pytest

from tests.factories import OrganizationFactory, UserFactory
from tests.notifications.receiver import Receiver, start

SECRET = "SEC0123456789abcdef"


@pytest.fixture
def receiver():
    found = Receiver()
    server = start(found)
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def robot_unit(db):
    return OrganizationFactory(name="镇海区经济和信息化局", short_name="区经信局")


@pytest.fixture
def channels_on(settings, receiver, robot_unit):
    """钉钉 robot for the unit, an SMS gateway with templates for escalations and notices, all at the receiver."""
    settings.NOTIFICATIONS = {
        **settings.NOTIFICATIONS,
        "ROBOTS": {
            robot_unit.name: {
                "kind": "dingtalk",
                "url": f"{receiver.url}/robot/send?access_token=abc",
                "secret": SECRET,
            }
        },
        "SMS": {
            "URL": f"{receiver.url}/sms",
            "TOKEN": "gateway-token",
            "TOKEN_HEADER": "X-Sms-Token",
            "SIGNATURE": "镇海区智慧办",
            "TEMPLATES": {"escalation": "SMS_001", "notice": "SMS_002", "commitment": "SMS_003"},
        },
        "RETRY_SECONDS": 60,
        "MAX_ATTEMPTS": 3,
        "TIMEOUT_SECONDS": 5,
    }
    return settings.NOTIFICATIONS


@pytest.fixture
def member(robot_unit):
    """A liaison of the unit with an e-mail address and a mobile number."""
    return UserFactory(
        username="robot-liaison",
        organization=robot_unit,
        role="liaison",
        email="liaison@example.gov.cn",
        phone="138 0000 1234",
    )
