"""工作台: each role's to-do lists, gathered from every app, and the navigation's count of them.

An app declares its sections in its ``AppConfig.ready()`` (``register_sections``), so that the start page reads the
apps above the one it lives in without depending on them. A section says whom it is for, the rows it lists (an
unevaluated queryset: the app's own rule), the page that lists the same rows where they are done, and how one row
reads. A section's count is the number of its rows; the navigation's count is the sum of a user's sections' counts.
Every count of a page is read by one query, once per request.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import F, Func, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.data_version import cached_under, reader_version

from .choices import Role
from .models import Organization, User

# The start page's groups, in the page's order: whose work a section is.
GROUPS = {
    "liaison": _("To do for %(unit)s"),
    "office": _("To do for the office"),
    "committee": _("To do for the proposal committee"),
    "leader": _("For the leader's attention"),
}
SHOWN = 10  # rows a section shows on the start page; its count and its link give the rest


def for_unit(user) -> bool:
    """A unit's people: its liaison and its signer, who answer for the unit's projects, proposals and notices."""
    return bool(user.organization_id) and (user.has_role(Role.LIAISON) or user.has_role(Role.SIGNER))


def for_leader(user) -> bool:
    return user.has_role(Role.LEADER)


@dataclass(frozen=True, kw_only=True)
class Section:
    key: str  # unique: the page's anchor and the tests' handle
    group: str  # one of ``GROUPS``
    title: str | Promise
    template: str  # renders one row (``row``) as a list item
    applies: Callable  # applies(user) -> bool
    rows: Callable  # rows(user, today) -> QuerySet: the whole list, in the page's order
    url: Callable | None = None  # url(user, today) -> the page listing the same rows, where they are done
    # shown(user, today, limit) -> the rows the page shows, where they read more than the queryset's own rows.
    shown: Callable | None = None
    empty: str | Promise  # what the page says when the list is empty
    order: int = 0
    # action(user, today) -> (label, address): the page where the rows are done at once (the month's reporting
    # page), offered as the section's button while it has rows.
    action: Callable | None = None


@dataclass
class ShownSection:
    """A section as one user's page shows it: its ``count``, the first rows, the link. Iterating it gives the rows
    shown; its length is its count."""

    section: Section
    count: int
    rows: list = field(default_factory=list)
    url: str | None = None
    action: tuple[str, str] | None = None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return self.count

    def __bool__(self):
        return self.count > 0


_sections: dict[str, Section] = {}


def register_sections(*sections: Section) -> None:
    """Add an app's sections (registering a key again replaces it)."""
    for section in sections:
        if section.group not in GROUPS:
            raise ValueError(f"Unknown to-do group {section.group!r}")
        _sections[section.key] = section


def sections_for(user) -> list[Section]:
    """The sections that apply to ``user``, group by group."""
    groups = list(GROUPS)
    applying = [section for section in _sections.values() if section.applies(user)]
    return sorted(applying, key=lambda section: (groups.index(section.group), section.order, section.key))


def _count(rows: QuerySet) -> Subquery:
    # COUNT over the filtered rows as a scalar subquery (no GROUP BY: one row), so that all counts share one query.
    return Subquery(rows.order_by().annotate(todo_n=Func(F("pk"), function="COUNT")).values("todo_n"))


def counts(user, sections: list[Section], today: datetime.date) -> dict[str, int]:
    """Every section's count for ``user``, read by one query."""
    if not sections:
        return {}
    names = {f"todo_{index}": section for index, section in enumerate(sections)}
    expressions = {name: _count(section.rows(user, today)) for name, section in names.items()}
    values = User.objects.filter(pk=user.pk).values(**expressions).get()
    return {section.key: values[name] or 0 for name, section in names.items()}


def cached_counts(user, sections: list[Section], today: datetime.date) -> dict[str, int]:
    """``counts``, cached under the data version of what the user reads: every section counts rows of the figure
    sources, so any write that could change a count moves that version. At a province's size an office's counts
    took seconds, on every page (the navigation's badge)."""
    # The users' table moves no version: the sections the user has (their roles and permissions) and their unit
    # name the entry.
    parts = (user.pk, user.organization_id, [section.key for section in sections], today)
    return cached_under("todo-counts", reader_version(user, Organization), parts, lambda: counts(user, sections, today))


def total(request) -> int:
    """The navigation's count: the sum of the user's sections' counts, once per request."""
    if not hasattr(request, "todo_total"):
        user = request.user
        request.todo_total = sum(cached_counts(user, sections_for(user), timezone.localdate()).values())
    return request.todo_total


def start_page(request, *, limit: int = SHOWN) -> dict[str, dict[str, ShownSection]]:
    """The user's sections, group by group (``{group: {key: ShownSection}}``), each with its count and its first
    ``limit`` rows; the navigation's count is their sum, so it is not read again."""
    user, today = request.user, timezone.localdate()
    sections = sections_for(user)
    numbers = cached_counts(user, sections, today)
    request.todo_total = sum(numbers.values())
    page: dict[str, dict[str, ShownSection]] = {}
    for section in sections:
        count = numbers[section.key]
        if section.shown is not None:
            rows = list(section.shown(user, today, limit)) if count else []
        else:
            rows = list(section.rows(user, today)[:limit]) if count else []
        url = section.url(user, today) if section.url else None
        action = section.action(user, today) if section.action and count else None
        page.setdefault(section.group, {})[section.key] = ShownSection(section, count, rows, url, action)
    return page


def group_title(group: str, user) -> str:
    return GROUPS[group] % {"unit": user.organization}


def link(url_name: str, **params) -> str:
    """A list page's address with its filters (a list value repeats the parameter)."""
    query = urlencode({name: value for name, value in params.items() if value not in (None, "")}, doseq=True)
    return f"{reverse(url_name)}?{query}" if query else reverse(url_name)


def navigation_count(request) -> dict:
    """Context processor: ``todo_count``, read only where a page shows it (the navigation of a signed-in user)."""
    return {"todo_count": lambda: total(request)}
