"""Text put together for people to read: a list of names shortened to what one message can hold."""

from collections.abc import Iterable

LIST_SEPARATOR = "、"


def shortened_list(items: Iterable[object], *, limit: int = 5) -> str:
    """The first ``limit`` items as text joined by the enumeration comma (、), with "…" when there were more."""
    names = [str(item) for item in items]
    return LIST_SEPARATOR.join(names[:limit]) + ("…" if len(names) > limit else "")
