"""What the proposal pages, the API and the official tables read: the ledger's rows and the published replies. The
rules they apply are ``proposals.querysets``'; here they are put together once, so that every reader lists the same
rows."""

from django.db.models import Prefetch, QuerySet

from .models import Assignment, Proposal, Reply, Session

# Ledger


def ledger_proposals(*, proposals: QuerySet[Proposal] | None = None) -> QuerySet[Proposal]:
    """The ledger's rows (提案台账): ``proposals`` (by default the active ones) with their derived figures
    (``ProposalQuerySet.with_figures``), session, category, proposers and handling units, in a constant number of
    queries. The ledger page, its export, the API and the Excel 台账 list these."""
    proposals = Proposal.objects.all() if proposals is None else proposals
    return (
        proposals.with_figures()
        .select_related("session", "category")
        .prefetch_related(
            "signatures__proposer",
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("role", "unit__name")),
        )
    )


# Public pages


def published_replies(*, session_id: int | None = None) -> QuerySet[Reply]:
    """The replies the public pages show (``ReplyQuerySet.published``), of one session if given, with the unit,
    result class and session they print, in the public list's order (latest session first, then by number)."""
    replies = Reply.objects.published().select_related("unit", "result_class", "proposal__session")
    if session_id is not None:
        replies = replies.filter(proposal__session_id=session_id)
    return replies.order_by("-proposal__session__year", "proposal__number", "round", "pk")


def sessions_with_published_replies() -> QuerySet[Session]:
    """The sessions the public list offers to choose from: those with a published reply."""
    return Session.objects.filter(pk__in=published_replies().values("proposal__session"))
