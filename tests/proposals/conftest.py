import pytest

from proposals.models import ResultClass

from ..factories import ProposalFactory


@pytest.fixture
def class_a(db):
    return ResultClass.objects.get(code="A")


@pytest.fixture
def class_b(db):
    return ResultClass.objects.get(code="B")


@pytest.fixture
def proposal(db):
    return ProposalFactory(proposers=["储建华", "吴建娣"])
