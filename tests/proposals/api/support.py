"""What the proposal API's tests share: the moves and the statuses each starts from, who makes each, the addresses."""

from django.utils import timezone

from proposals.choices import ProposalStatus
from proposals.models import Proposal

S = ProposalStatus
PROPOSALS = "/api/v1/proposals/"
MOVES = [
    "file",
    "not-file",
    "merge",
    "assign",
    "request-reassign",
    "opinion",
    "reply",
    "sign-off",
    "return-reply",
    "record-reply",
    "extend",
    "feedback",
    "close",
]
# The statuses each move may start from (the services' rules, seen from outside).
ALLOWED = {
    "file": {S.SUBMITTED},
    "not-file": {S.SUBMITTED},
    "merge": {S.SUBMITTED},
    "assign": {S.FILED, S.REASSIGN_REQUESTED},
    "request-reassign": {S.ASSIGNED},
    "opinion": {S.ASSIGNED, S.REHANDLING},
    "reply": {S.ASSIGNED, S.REHANDLING},
    "sign-off": {S.ASSIGNED, S.REHANDLING},
    "return-reply": {S.ASSIGNED, S.REHANDLING},
    "record-reply": {S.ASSIGNED, S.REHANDLING},
    "extend": {S.ASSIGNED, S.REASSIGN_REQUESTED, S.REHANDLING},
    "feedback": {S.REPLIED},
    "close": {S.REPLIED},
}
# Who makes each move in the tests: the committee, or the units (``unit`` leads, ``other_unit`` co-handles).
ACTOR = {
    "request-reassign": "liaison",
    "reply": "liaison",
    "sign-off": "signer",
    "return-reply": "signer",
    "opinion": "other_liaison",
}
# Moves that name an assigned unit: before assignment there is none, so the answer is 403 or 400, not 409.
NEEDS_ASSIGNMENT = {"request-reassign", "opinion", "reply", "sign-off", "return-reply", "extend"}
ANSWERING = {S.ASSIGNED, S.REHANDLING}
UNASSIGNED = {S.SUBMITTED, S.FILED, S.NOT_FILED, S.MERGED}


def detail_url(proposal):
    return f"{PROPOSALS}{proposal.pk}/"


def move_url(proposal, move):
    return f"{PROPOSALS}{proposal.pk}/{move}/"


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def status_of(proposal):
    return Proposal.objects.get(pk=proposal.pk).status


def today():
    return timezone.localdate()


def post(api, user, url, data=None):
    return api.as_user(user).post(url, data or {}, format="json")
