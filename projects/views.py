from django.views.generic import TemplateView

from . import selectors


class HomeView(TemplateView):
    """The start page: where the portfolio stands and which projects need attention."""

    template_name = "projects/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            summary=selectors.portfolio_summary(),
            attention=selectors.projects_needing_attention(),
            **kwargs,
        )
