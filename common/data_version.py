"""Which tables hold data the figures are computed from: each app registers its own in ``AppConfig.ready()``, and the
reports' data version (``reports.versioning``) puts its triggers on them, so that a write there invalidates every
cached figure. An app lists the models whose writes change no figure (logins, event logs, tallies) as exceptions.

``cached_under`` lets the apps below the reports (the lists' counts and totals) cache what they compute under
that version too: the reports register how a reader's version is read (``register_version_reader``)."""

import hashlib
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache

_sources: dict[str, frozenset[str]] = {}


def register_figure_source(app_label: str, *, except_models: Iterable[str] = ()) -> None:
    """Every model of ``app_label`` feeds figures, but those named (``"app.Model"`` labels) in ``except_models``."""
    _sources[app_label] = frozenset(except_models)


def figure_sources() -> dict[str, frozenset[str]]:
    """The registered apps, each with the models it excepted."""
    return dict(_sources)


_version_reader: Callable[[object], str | None] | None = None


def register_version_reader(reader: Callable[[object], str | None]) -> None:
    """``reader(user)``: the version of every row ``user`` reads (None: not versioned, nothing is cached)."""
    global _version_reader
    _version_reader = reader


def is_figure_source(model) -> bool:
    """Whether every write to ``model``'s table moves the data version."""
    excepted = _sources.get(model._meta.app_label)
    return excepted is not None and model._meta.label not in excepted


def reader_version(user, model) -> str | None:
    """The version of every row of ``model`` that ``user`` reads; None when ``model`` is no figure source or no
    version is kept (then nothing is cached)."""
    if _version_reader is None or not is_figure_source(model):
        return None
    return _version_reader(user)


def entry_key(name: str, version: str | None, parts: tuple) -> str:
    """The cache key of what was computed for ``parts`` at ``version``."""
    return f"{name}:{hashlib.sha256(f'{version}|{parts!r}'.encode()).hexdigest()[:32]}"


def cached_under(name: str, version: str | None, parts: tuple, compute: Callable):
    """``compute()``, or what it gave for the same ``parts`` at ``version`` (``reader_version``): exact, never stale,
    as any write to the rows read moves that version. Without a version, computed each time."""
    if version is None:
        return compute()
    key = entry_key(name, version, parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.FIGURES_CACHE_SECONDS)
    return value
