"""What the proposal pages, the API, the official tables and the dashboard read: the ledger's rows, the published
replies, and the statistics of a set of proposals. The rules they apply are ``proposals.querysets``'; here they are
put together once, so that every reader counts the same way.

``proposal_statistics`` is the one place the proposal figures are counted: the dashboard's proposal panels and
scorecard, the 提案办理情况统计表 and the public page each read theirs from it. Every kind of figure is one grouped
query, run when it is first read, whatever the number of sessions, units and proposals.
"""

import datetime
from collections.abc import Iterable

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from accounts.models import Organization, Region

from .choices import AssignmentRole, ProposalStatus, Satisfaction
from .models import Assignment, Feedback, Proposal, Reply, Session
from .querysets import reply_issued, reply_late

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


# Units' inbox (承办单位待办)


def inbox_is_own_unit(user) -> bool:
    """A unit's people see their own unit's inbox; office staff and the committee every unit's."""
    return not (user.sees_all_units or user.has_perm("proposals.handle_proposal"))


def inbox_assignments(user, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """The assignments of the inbox (``AssignmentQuerySet.with_state``) of the regions ``user`` reads: the own
    unit's only for a unit's people."""
    assignments = user.scope(Assignment.objects.with_state(today)).select_related("unit", "proposal__session")
    if inbox_is_own_unit(user):
        assignments = assignments.filter(unit_id=user.organization_id)
    return assignments


def unit_inbox(user, today: datetime.date | None = None) -> QuerySet[Assignment]:
    """What the user's unit still owes (a reply, or an opinion to the lead unit), the most urgent first: the inbox's
    first list."""
    return inbox_assignments(user, today).filter(pending=True).order_by("deadline", "proposal__number")


# CPPCCs


def cppcc_name(region: Region | None) -> str:
    """How pages and tables name a region's CPPCC: its CPPCC's name, else after the region; without regions, the
    CPPCC."""
    if region is None:
        return _("CPPCC")
    if region.cppcc_id:
        return region.cppcc.name
    return _("%(region)s CPPCC") % {"region": region.name}


def readable_cppcc_regions(user) -> QuerySet[Region]:
    """The regions with a CPPCC whose proposals ``user`` reads: the own region and those below (every one for the
    superuser)."""
    regions = Region.objects.filter(cppcc__isnull=False).select_related("cppcc").order_by("code", "name")
    return regions if user.region_scope.unbounded else regions.filter(pk__in=user.region_scope.readable)


def by_cppcc(sessions: Iterable[Session]) -> list[tuple[Region | None, list[Session]]]:
    """``sessions`` (with their ``region__cppcc``) CPPCC by CPPCC, in the order each first appears: a CPPCC's
    figures are its own, never summed with another's."""
    groups: dict[int | None, tuple[Region | None, list[Session]]] = {}
    for session in sessions:
        groups.setdefault(session.region_id, (session.region, []))[1].append(session)
    return list(groups.values())


def session_choices(user) -> list:
    """The sessions ``user`` reads, latest first, as form choices: grouped by CPPCC when there are several."""
    sessions = user.scope(Session.objects.select_related("region__cppcc")).order_by("-year", "-opening_date", "-pk")
    groups = by_cppcc(sessions)
    if len(groups) == 1:
        return [(session.pk, session.name) for session in groups[0][1]]
    return [(cppcc_name(region), [(session.pk, session.name) for session in rows]) for region, rows in groups]


def latest_sessions_by_cppcc(
    *, per_cppcc: int, region: Region | None = None
) -> list[tuple[Region | None, list[Session]]]:
    """The ``per_cppcc`` latest sessions with proposals of each CPPCC — of ``region``'s only, when given — (the public
    page's figures, each CPPCC's own), CPPCC by CPPCC in the order of their regions' codes."""
    sessions = Session.objects.filter(region=region) if region is not None else Session.objects.all()
    sessions = (
        sessions.filter(pk__in=Proposal.objects.values("session"))
        .select_related("region__cppcc")
        .order_by(F("region__code").asc(nulls_first=True), "region__name", "-year", "-opening_date", "-pk")
    )
    return [(region, rows[:per_cppcc]) for region, rows in by_cppcc(sessions)]


# Public pages


def published_replies(*, session_id: int | None = None) -> QuerySet[Reply]:
    """The replies the public pages show (``ReplyQuerySet.published``), of one session if given, with the unit,
    result class and session they print, in the public list's order (latest session first, then by number)."""
    replies = Reply.objects.published().select_related("unit", "result_class", "proposal__session__region__cppcc")
    if session_id is not None:
        replies = replies.filter(proposal__session_id=session_id)
    return replies.order_by("-proposal__session__year", "proposal__number", "round", "pk")


def cppcc_published_replies(region_id: int | None, *, session_id: int | None = None) -> QuerySet[Reply]:
    """One CPPCC's published replies (of no region: a deployment without regions): the public list of a CPPCC."""
    return published_replies(session_id=session_id).filter(proposal__session__region=region_id)


def sessions_with_published_replies(region_id: int | None) -> QuerySet[Session]:
    """The sessions a CPPCC's public list offers to choose from: its own with a published reply."""
    return Session.objects.filter(region=region_id, pk__in=published_replies().values("proposal__session"))


def public_cppccs() -> list[dict]:
    """The CPPCCs whose replies the public pages show, by region code: each one's ``region`` (None without regions),
    ``name`` and number of published ``replies``."""
    counts = dict(published_replies().order_by().values_list("proposal__session__region").annotate(count=Count("pk")))
    regions = {region.pk: region for region in Region.objects.filter(pk__in=counts).select_related("cppcc")}
    cppccs = [
        {"region": regions.get(region_id), "name": cppcc_name(regions.get(region_id)), "replies": count}
        for region_id, count in counts.items()
    ]
    return sorted(cppccs, key=lambda row: (row["region"] is not None, row["region"].code if row["region"] else ""))


# Statistics


class ProposalStatistics:
    """The figures of some sessions' proposals, each method for one session. Every figure follows the rules of
    ``proposals.querysets``:

    - ``counts``: proposals by status, and from them the committee's counts — received, filed (立案), not filed
      (不予立案), merged (并案), assigned (交办), answered (办复) and the answer rate (办复率, answered ÷ assigned),
      awaiting a reply, closed —, then those with an issued reply, with a late one, replied with none late (on time),
      overdue, and the key proposals awaiting a reply;
    - per unit (``unit_assignments``, ``unit_replies``, ``unit_classes``, ``unit_satisfaction``): proposals assigned
      and to reply to (as lead or separate unit); proposals replied to, with a late reply, replied with none late,
      and with a reply on time (the 统计表's 按期答复: the two differ for a proposal answered late in one round and on
      time in another); the replies' result classes; the proposers' feedback on the proposals the unit replied to;
    - ``result_classes`` and ``satisfaction``: the same over all units.
    """

    def __init__(
        self,
        *,
        sessions: Iterable[Session],
        units: Iterable[Organization | int] = (),
        today: datetime.date | None = None,
    ):
        self.session_ids = [session.pk for session in sessions]
        self.units = list(units)
        self.today = today or timezone.localdate()

    @cached_property
    def proposals(self) -> QuerySet[Proposal]:
        """The proposals counted, with their figures as of ``today`` (``ProposalQuerySet.with_figures``)."""
        proposals = Proposal.objects.filter(session__in=self.session_ids)
        if self.units:
            proposals = proposals.filter(pk__in=Assignment.objects.filter(unit__in=self.units).values("proposal_id"))
        return proposals.with_figures(self.today)

    @cached_property
    def replies(self) -> QuerySet[Reply]:
        """The issued replies counted: to the sessions' proposals, by ``units`` if given."""
        replies = Reply.objects.issued().filter(proposal__session__in=self.session_ids)
        return replies.filter(unit__in=self.units) if self.units else replies

    # Per session

    def counts(self, session: Session) -> dict:
        """``by_status`` (counts per status), ``received``, ``filed``, ``not_filed``, ``merged``, ``assigned``,
        ``answered``, ``answer_rate``, ``awaiting_reply``, ``closed``, ``replied``, ``late``, ``on_time``, ``overdue``
        and ``key``."""
        rows = self._by_status.get(session.pk, {})
        by_status = {status: row["count"] for status, row in rows.items()}

        def among(statuses: list[str]) -> int:
            return sum(by_status.get(status, 0) for status in statuses)

        counts = {key: sum(row[key] for row in rows.values()) for key in ("replied", "late", "overdue", "key")}
        counts.update(
            by_status=by_status,
            received=sum(by_status.values()),
            filed=among(ProposalStatus.filed()),
            not_filed=among([ProposalStatus.NOT_FILED]),
            merged=among([ProposalStatus.MERGED]),
            assigned=among(ProposalStatus.assigned()),
            answered=among(ProposalStatus.answered()),
            awaiting_reply=among(ProposalStatus.awaiting_reply()),
            closed=among([ProposalStatus.CLOSED]),
            on_time=counts["replied"] - counts["late"],
        )
        counts["answer_rate"] = share(counts["answered"], counts["assigned"])
        return counts

    def unit_assignments(self, session: Session) -> dict[int, dict]:
        """Per unit: its ``name``, proposals ``assigned`` and of them ``replying`` (as lead or separate unit)."""
        return self._unit_assignments.get(session.pk, {})

    def unit_replies(self, session: Session) -> dict[int, dict]:
        """Per unit that replied: its ``name``, proposals ``replied`` to, ``late`` (with a late reply), ``on_time``
        (replied, none late)."""
        return self._unit_replies.get(session.pk, {})

    def unit_classes(self, session: Session) -> dict[int, dict[str, int]]:
        """Per unit that replied: the proposals replied to, per result class code."""
        return self._unit_classes.get(session.pk, {})

    def unit_satisfaction(self, session: Session) -> dict[int, dict]:
        """Per unit that replied: the feedback on the proposals it replied to, per satisfaction, with ``feedback``
        (all of it) and ``content`` (satisfied or basically satisfied)."""
        return self._unit_satisfaction.get(session.pk, {})

    def result_classes(self, session: Session) -> list[dict]:
        """Proposals replied to per result class (code, name, count), by code."""
        return self._result_classes.get(session.pk, [])

    def satisfaction(self, session: Session) -> dict:
        """``proposals``: per satisfaction, the proposals that have such feedback; ``feedback``: how much feedback
        there is; ``content``: how much of it is satisfied or basically satisfied."""
        rows = self._satisfaction.get(session.pk, {})
        return {
            "proposals": {value: row["proposals"] for value, row in rows.items()},
            "feedback": sum(row["feedback"] for row in rows.values()),
            "content": sum(rows[value]["feedback"] for value in Satisfaction.content() if value in rows),
        }

    # The grouped queries, by session

    @cached_property
    def _by_status(self) -> dict[int, dict[str, dict]]:
        replied, late = self.replies.values("proposal_id"), self.replies.late().values("proposal_id")
        rows = (
            self.proposals.order_by()
            .values("session_id", "status")
            .annotate(
                count=Count("pk"),
                replied=Count("pk", filter=Q(pk__in=replied)),
                late=Count("pk", filter=Q(pk__in=late)),
                overdue=Count("pk", filter=Q(overdue=True)),
                key=Count("pk", filter=Q(is_key=True, status__in=ProposalStatus.awaiting_reply())),
            )
        )
        return _nested(rows, "session_id", "status")

    def _per_unit(self, queryset: QuerySet, **aggregates) -> dict[int, dict[int, dict]]:
        """``aggregates`` of ``queryset`` (rows of a unit about a proposal) by session and unit, with the unit's
        name."""
        rows = (
            queryset.order_by()
            .values("unit_id", "unit__name", "unit__short_name", session_id=F("proposal__session_id"))
            .annotate(**aggregates)
        )
        grouped = _nested(rows, "session_id", "unit_id")
        for units in grouped.values():
            for row in units.values():
                row["name"] = row["unit__short_name"] or row["unit__name"]
        return grouped

    @cached_property
    def _unit_assignments(self) -> dict[int, dict[int, dict]]:
        assignments = Assignment.objects.filter(proposal__session__in=self.session_ids)
        if self.units:
            assignments = assignments.filter(unit__in=self.units)
        return self._per_unit(
            assignments,
            assigned=Count("proposal", distinct=True),
            replying=Count("proposal", distinct=True, filter=Q(role__in=AssignmentRole.replying())),
        )

    @cached_property
    def _unit_replies(self) -> dict[int, dict[int, dict]]:
        grouped = self._per_unit(
            self.replies,
            replied=Count("proposal", distinct=True),
            late=Count("proposal", distinct=True, filter=reply_late()),
        )
        for units in grouped.values():
            for row in units.values():
                row["on_time"] = row["replied"] - row["late"]
        return grouped

    @cached_property
    def _unit_classes(self) -> dict[int, dict[int, dict[str, int]]]:
        rows = (
            self.replies.order_by()
            .values("unit_id", "result_class__code", session_id=F("proposal__session_id"))
            .annotate(count=Count("proposal", distinct=True))
        )
        grouped = {}
        for row in rows:
            unit = grouped.setdefault(row["session_id"], {}).setdefault(row["unit_id"], {})
            unit[row["result_class__code"]] = row["count"]
        return grouped

    @cached_property
    def _unit_satisfaction(self) -> dict[int, dict[int, dict]]:
        # Feedback on a proposal counts for every unit that issued a reply to it, in any round. The conditions on the
        # replies stay in one ``filter()``, so that they are about the same reply.
        replies = {"proposal__session__in": self.session_ids, "proposal__replies__unit__isnull": False}
        if self.units:
            replies["proposal__replies__unit__in"] = self.units
        rows = (
            Feedback.objects.filter(reply_issued("proposal__replies__"), **replies)
            .order_by()
            .values("satisfaction", session_id=F("proposal__session_id"), unit_id=F("proposal__replies__unit_id"))
            .annotate(count=Count("pk", distinct=True))
        )
        grouped = {}
        for row in rows:
            unit = grouped.setdefault(row["session_id"], {}).setdefault(
                row["unit_id"], dict.fromkeys([*Satisfaction.values, "feedback", "content"], 0)
            )
            unit[row["satisfaction"]] = row["count"]
            unit["feedback"] += row["count"]
            if row["satisfaction"] in Satisfaction.content():
                unit["content"] += row["count"]
        return grouped

    @cached_property
    def _result_classes(self) -> dict[int, list[dict]]:
        rows = (
            self.replies.order_by()
            .values("result_class__code", "result_class__name", session_id=F("proposal__session_id"))
            .annotate(count=Count("proposal", distinct=True))
            .order_by("result_class__code")
        )
        grouped = {}
        for row in rows:
            grouped.setdefault(row.pop("session_id"), []).append(row)
        return grouped

    @cached_property
    def _satisfaction(self) -> dict[int, dict[str, dict]]:
        rows = (
            Feedback.objects.filter(proposal__in=self.proposals.values("pk"))
            .order_by()
            .values("satisfaction", session_id=F("proposal__session_id"))
            .annotate(proposals=Count("proposal", distinct=True), feedback=Count("pk"))
        )
        return _nested(rows, "session_id", "satisfaction")


def proposal_statistics(
    *,
    sessions: Iterable[Session],
    units: Iterable[Organization | int] = (),
    today: datetime.date | None = None,
) -> ProposalStatistics:
    """The statistics of the active proposals of ``sessions`` — only those assigned to one of ``units``, and only
    those units' replies, when units are given — as of ``today``. Nothing is counted until a figure is read."""
    return ProposalStatistics(sessions=sessions, units=units, today=today)


def _nested(rows: Iterable[dict], outer: str, inner: str) -> dict:
    """Rows as ``{row[outer]: {row[inner]: row}}``."""
    nested = {}
    for row in rows:
        nested.setdefault(row[outer], {})[row[inner]] = row
    return nested


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, to one decimal (None of nothing)."""
    return round(100.0 * part / whole, 1) if whole else None
