"""The dashboard's figures for one reader and one filter bar, as the page and its background refresh both read them:
cached under the data versions of the regions they cover, and after a write computed again by a job, not by the
request, when FIGURES_REFRESH_IN_BACKGROUND is on (``versioning.cached``)."""

from django.http import QueryDict
from django.utils.translation import get_language

from . import forms, selectors, versioning


class DashboardFigures:
    def __init__(self, user, query: QueryDict):
        self.user, self.query = user, query
        self.form = forms.DashboardFilterForm(query or None, user=user)
        self.params = self.form.scope_params() if self.form.is_bound else {}
        self.session = self.form.chosen_session()
        self.scope = selectors.Scope(params=self.params, session=self.session, regions=user.region_scope)
        self.with_proposals = self.session is not None and user.has_perm("proposals.view_proposal")

    @property
    def parts(self) -> tuple:
        # Labels are translated while the figures are built, so each language has its own entry.
        return (
            sorted(self.params.items()),
            self.session and self.session.pk,
            self.scope.today,
            self.with_proposals,
            self.scope.bounds_key,
            get_language(),
        )

    @property
    def regions(self):
        # Cached under the versions of the regions the figures cover: a write in another district leaves them valid.
        return versioning.figure_regions(self.user, chosen=self.params.get("region"))

    def compute(self) -> dict:
        return selectors.dashboard_figures(self.scope, self.with_proposals)

    def cached(self, *, stale_allowed: bool = True) -> dict:
        """The figures; after a write, with ``stale_allowed``, the last computed ones while a job refreshes them."""
        refresh = self.queue if stale_allowed else None
        return versioning.cached("dashboard", self.parts, self.compute, regions=self.regions, refresh=refresh)

    def queue(self) -> None:
        from .tasks import refresh_dashboard

        refresh_dashboard.delay(self.user.pk, self.query.urlencode(), get_language())

    def refresh(self) -> None:
        versioning.refresh_cached("dashboard", self.parts, self.compute, regions=self.regions)
