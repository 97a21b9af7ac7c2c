"""The proposal API tests' fixtures: a proposal taken to any status (``advance``) and a valid body for each move."""

import functools

import pytest

from common.dates import add_months
from proposals import services
from proposals.models import ResultClass
from tests.factories import ProposalFactory
from tests.proposals.api.support import ANSWERING, today
from tests.proposals.course import Course


@pytest.fixture
def advance(committee_user, liaison, signer, unit, other_unit, class_a):
    """Take a submitted proposal to ``status`` through the services: ``unit`` leads, ``other_unit`` co-handles."""
    course = Course(
        committee=committee_user,
        result_class=class_a,
        liaison=liaison,
        signer=signer,
        reply_fields={"text": "已采纳。"},
    )
    return functools.partial(course.bring, lead=unit, co=[other_unit])


@pytest.fixture
def payload(committee_user, liaison, unit, other_unit):
    """A valid request body for each move (for the signer's moves, with the liaison's draft made first where the
    status allows one)."""

    def payload(move, proposal):
        if move in ("sign-off", "return-reply") and proposal.status in ANSWERING:
            services.reply_save_draft(
                actor=liaison, proposal=proposal, text="答复稿", result_class=ResultClass.objects.first()
            )
        if move == "merge":
            target = services.proposal_file(actor=committee_user, proposal=ProposalFactory(session=proposal.session))
            return {"into": target.pk, "note": "内容相近"}
        return {
            "file": {"note": "符合立案条件"},
            "not-file": {"reason": "属于个人诉求"},
            "assign": {"lead_unit": unit.pk, "co_units": [other_unit.pk]},
            "request-reassign": {"reason": "不属于我局职责"},
            "opinion": {"opinion": "建议统筹数据平台建设。"},
            "reply": {"text": "已列入计划。", "result_class": "B"},
            "sign-off": {},
            "return-reply": {"note": "请补充资金安排。"},
            "record-reply": {
                "unit": unit.pk,
                "text": "书面答复。",
                "result_class": "B",
                "signed_off_on": today().isoformat(),
            },
            "extend": {"unit": unit.pk, "due_date": add_months(today(), 4).isoformat(), "reason": "需会同多部门调研"},
            "feedback": {"satisfaction": "satisfied"},
            "close": {},
        }[move]

    return payload
