"""Which tables hold data the figures are computed from: each app registers its own in ``AppConfig.ready()``, and the
reports' data version (``reports.versioning``) puts its triggers on them, so that a write there invalidates every
cached figure. An app lists the models whose writes change no figure (logins, event logs, tallies) as exceptions."""

from collections.abc import Iterable

_sources: dict[str, frozenset[str]] = {}


def register_figure_source(app_label: str, *, except_models: Iterable[str] = ()) -> None:
    """Every model of ``app_label`` feeds figures, but those named (``"app.Model"`` labels) in ``except_models``."""
    _sources[app_label] = frozenset(except_models)


def figure_sources() -> dict[str, frozenset[str]]:
    """The registered apps, each with the models it excepted."""
    return dict(_sources)
