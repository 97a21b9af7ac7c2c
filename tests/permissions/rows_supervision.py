"""The permission table's rows for the supervision pages (督办单, 领导批示, 办理承诺, 催报): the world's notice and
instruction on the own unit's project and its promise of the issued reply."""

from django.urls import reverse

from supervision.choices import InstructionStatus
from supervision.models import Instruction
from tests.permissions.table import READ, page, signer

NO_METHOD = "LOGIN 405 405 405 405 405"
# The unit's own rows: every reader but another unit's liaison (to whom they do not exist).
UNITS_OWN = "LOGIN 200 200 404 200 200"


def create_page(name, query):
    return lambda w: f"{reverse(name)}?{query(w)}"


def detail(name, obj):
    return page(name, obj=obj, GET=UNITS_OWN, POST=NO_METHOD, other=NO_METHOD)


def carried_out(w):
    return Instruction.objects.get(pk=w.instruction.pk).status == InstructionStatus.DONE


# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
SUPERVISION_PAGES = [
    page("notice-list", GET=READ),
    detail("notice-detail", "notice"),
    page(
        "notice-step",
        obj="notice",
        kwargs={"step": "answer"},
        GET=NO_METHOD,
        POST="LOGIN 403 400 404 403 403",  # the unit's step; an empty answer comes back with its error
        other=NO_METHOD,
        signer=signer(POST=400),
    ),
    page(
        "notice-create",
        path=create_page("notice-create", lambda w: f"project={w.own_project.pk}"),
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 400 403 403 403 403",  # an empty form comes back with its errors
        other="LOGIN 405 403 403 403 403",
    ),
    page("instruction-list", GET=READ),
    detail("instruction-detail", "instruction"),
    page(
        "instruction-step",
        obj="instruction",
        kwargs={"step": "carry-out"},
        GET=NO_METHOD,
        POST="LOGIN 302 403 403 403 403",  # the committee tracks the instructions on proposals only
        other=NO_METHOD,
        done=carried_out,
    ),
    page(
        "instruction-create",
        path=create_page("instruction-create", lambda w: f"project={w.own_project.pk}"),
        GET="LOGIN 200 403 403 200 403",
        POST="LOGIN 400 403 403 400 403",
        other="LOGIN 405 403 403 405 403",
        signer=signer(GET=403, POST=403, other=403),
    ),
    page("commitment-list", GET=READ),
    detail("commitment-detail", "commitment"),
    page(
        "commitment-step",
        obj="commitment",
        kwargs={"step": "return"},
        GET=NO_METHOD,
        POST="LOGIN 403 403 403 403 400",  # the committee's step; a reason is required
        other=NO_METHOD,
    ),
    page(
        "commitment-create",
        path=create_page("commitment-create", lambda w: f"reply={w.reply.pk}"),
        GET="LOGIN 403 200 403 403 200",
        POST="LOGIN 403 400 403 403 400",
        other="LOGIN 403 405 403 403 405",
        signer=signer(GET=200, POST=400, other=405),
    ),
    page(
        "proposer-contacts",
        obj="commitment",
        GET="LOGIN 403 403 404 403 200",
        POST="LOGIN 403 403 404 403 400",
        other="LOGIN 403 403 404 403 405",
    ),
    page(
        "chase-list",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 404 403 403 403 403",  # no unit named
        other="LOGIN 405 403 403 403 403",
    ),
]
