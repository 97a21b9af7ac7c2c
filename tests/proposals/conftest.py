from types import SimpleNamespace

import pytest

from accounts.choices import Role
from proposals.models import ResultClass

from ..factories import OrganizationFactory, ProposalFactory, UserFactory, unit_user
from .course import Course

# Tests that run in transactions empty the database after them, reference data from migrations included.


@pytest.fixture
def class_a(db):
    return ResultClass.objects.get_or_create(code="A", defaults={"name": "解决或采纳", "order": 1})[0]


@pytest.fixture
def class_b(db):
    return ResultClass.objects.get_or_create(code="B", defaults={"name": "列入计划拟解决", "order": 2})[0]


@pytest.fixture
def proposal(db):
    return ProposalFactory(proposers=["储建华", "吴建娣"])


@pytest.fixture
def course(committee_user, class_a):
    return Course(committee=committee_user, result_class=class_a)


@pytest.fixture
def co_unit(db):
    return OrganizationFactory(name="镇海区住房和建设局", short_name="区住建局")


@pytest.fixture
def co_liaison(co_unit):
    return UserFactory(username="liaison-co", organization=co_unit, role=Role.LIAISON)


@pytest.fixture
def ctx(
    course, unit, co_unit, other_unit, liaison, signer, co_liaison, other_liaison, office_user, leader, committee_user
):
    """The standard cast: ``unit`` leads with ``co_unit`` co-handling; ``other_unit`` is never assigned. ``unit``
    has a liaison and a signer, the others a liaison each."""
    return SimpleNamespace(
        course=course,
        unit=unit,
        co_unit=co_unit,
        other_unit=other_unit,
        liaison=liaison,
        signer=signer,
        other_signer=unit_user(other_unit, Role.SIGNER),
        co_liaison=co_liaison,
        other_liaison=other_liaison,
        office=office_user,
        leader=leader,
        committee=committee_user,
    )
