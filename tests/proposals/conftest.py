import pytest

from proposals.models import ResultClass

from ..factories import ProposalFactory

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
