"""Small plotly figures for the workspace pages; the pages draw them with the locally served plotly.js."""

import plotly.graph_objects as go
from django.utils.translation import gettext as _

FONT = "system-ui, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"


def progress_figure(series: dict) -> go.Figure:
    """Approved progress against planned progress by month (``selectors.progress_series``)."""
    figure = go.Figure()
    figure.add_scatter(
        x=series["periods"],
        y=series["planned"],
        name=_("Planned"),
        mode="lines",
        line={"dash": "dash", "color": "#6c757d"},
    )
    figure.add_scatter(
        x=series["periods"],
        y=series["actual"],
        name=_("Actual (approved)"),
        mode="lines+markers",
        line={"color": "#0d6efd"},
    )
    figure.update_layout(
        height=260,
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        font={"family": FONT, "size": 12},
        yaxis={"range": [0, 105], "ticksuffix": "%", "title": None},
        xaxis={"type": "category", "title": None},
        legend={"orientation": "h", "y": -0.25},
        hovermode="x unified",
        template="plotly_white",
    )
    return figure
