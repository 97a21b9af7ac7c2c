"""The permission table's rows for the supervision pages (督办单, 领导批示, 办理承诺, 催报).

The world's units belong to no region and a notice, an instruction or a promise always belongs to one, so the world
holds none: their pages are asked for a missing row (404 to every role that reads them), and the forms that create
them are asked with the world's own project and reply. ``tests/supervision/pages`` walks each page with each role over
rows of a region."""

from django.urls import reverse

from tests.permissions.table import MISSING, READ, page, signer

MISSING_ROW = "LOGIN 404 404 404 404 404"
NO_METHOD = "LOGIN 405 405 405 405 405"


def create_page(name, query):
    return lambda w: f"{reverse(name)}?{query(w)}"


def detail(name):
    return page(name, kwargs={"pk": MISSING}, GET=MISSING_ROW, POST=NO_METHOD, other=NO_METHOD)


def steps(name, slug):
    return page(name, kwargs={"pk": MISSING, "step": slug}, GET=NO_METHOD, POST=MISSING_ROW, other=NO_METHOD)


# Each status string: anonymous · office · own unit's liaison · other unit's liaison · leader · committee.
SUPERVISION_PAGES = [
    page("notice-list", GET=READ),
    detail("notice-detail"),
    steps("notice-step", "answer"),
    page(
        "notice-create",
        path=create_page("notice-create", lambda w: f"project={w.own_project.pk}"),
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 400 403 403 403 403",  # an empty form comes back with its errors
        other="LOGIN 405 403 403 403 403",
    ),
    page("instruction-list", GET=READ),
    detail("instruction-detail"),
    steps("instruction-step", "carry-out"),
    page(
        "instruction-create",
        path=create_page("instruction-create", lambda w: f"project={w.own_project.pk}"),
        GET="LOGIN 200 403 403 200 403",
        POST="LOGIN 400 403 403 400 403",
        other="LOGIN 405 403 403 405 403",
        signer=signer(GET=403, POST=403, other=403),
    ),
    page("commitment-list", GET=READ),
    detail("commitment-detail"),
    steps("commitment-step", "confirm"),
    page(
        "commitment-create",
        path=create_page("commitment-create", lambda w: f"reply={w.reply.pk}"),
        GET="LOGIN 403 200 403 403 200",
        POST="LOGIN 403 400 403 403 400",
        other="LOGIN 403 405 403 403 405",
        signer=signer(GET=200, POST=400, other=405),
    ),
    page("proposer-contacts", kwargs={"pk": MISSING}, GET=MISSING_ROW, POST=MISSING_ROW, other=MISSING_ROW),
    page(
        "chase-list",
        GET="LOGIN 200 403 403 403 403",
        POST="LOGIN 404 403 403 403 403",  # no unit named
        other="LOGIN 405 403 403 403 403",
    ),
]
