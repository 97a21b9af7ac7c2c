"""The dashboard's plotly figures, drawn in the browser by the locally served plotly.js.

Figures are built as plotly's JSON figure dictionaries rather than ``plotly.graph_objects``: the objects validate
every property on assignment, which costs the dashboard's thirteen figures a third of a second per page; the tests
validate each figure with ``plotly.graph_objects.Figure`` instead.

Every bar, slice and point carries the address of the list behind it in ``customdata``; static/js/app.js opens it
on click.

Plotly draws a subset of HTML in every label it shows (trace names, category ticks, slice labels, hover texts): a
result class named ``<a href="…">点此</a>`` became a link in the legend. Every text that reaches a figure passes
through ``label``, which writes ``&``, ``<`` and ``>`` as entities, so plotly shows them as typed.

Nothing may be cut off at a laptop's 1366×768 (tests/browser/test_dashboard_panels.py measures it): every axis, the
trend's right-hand one included, grows the margin its tick labels and title need (``automargin``), and legends sit
above the plot, where they push the top margin instead of covering the slanted category labels below it.
"""

import html

from django.utils.translation import gettext as _

from projects.charts import FONT
from projects.choices import Health, ProjectStatus

STATUS_COLORS = {
    ProjectStatus.PLANNED: "#adb5bd",
    ProjectStatus.PREPARING: "#6edff6",
    ProjectStatus.IN_PROGRESS: "#0d6efd",
    ProjectStatus.COMPLETED: "#198754",
    ProjectStatus.ACCEPTED: "#0f5132",
    ProjectStatus.SUSPENDED: "#ffc107",
    ProjectStatus.CANCELLED: "#495057",
}
HEALTH_COLORS = {Health.GREEN: "#198754", Health.YELLOW: "#ffc107", Health.RED: "#dc3545"}
MONEY_COLORS = ("#9ec5fe", "#3d8bfd", "#0a58ca")
UNITS_SHOWN = 20
GRID_COLOR = "#e9ecef"


def label(value) -> str:
    """Text for plotly to show as it is: ``&``, ``<`` and ``>`` as entities (plotly reads no other markup)."""
    return html.escape(str(value), quote=False)


def labels(values) -> list[str]:
    return [label(value) for value in values]


class Figure:
    """A plotly figure as plain data: traces added with ``add_bar``/``add_scatter``/``add_pie``, then ``layout``."""

    def __init__(self):
        self.data = []

    def add_bar(self, **trace):
        self.data.append({"type": "bar", **trace})

    def add_scatter(self, **trace):
        self.data.append({"type": "scatter", **trace})

    def add_pie(self, **trace):
        self.data.append({"type": "pie", **trace})


def _axis(extra: dict | None) -> dict:
    return {"automargin": True, "gridcolor": GRID_COLOR, "zerolinecolor": GRID_COLOR, **(extra or {})}


def _layout(figure: Figure, *, height: int = 300, xaxis=None, yaxis=None, **layout) -> dict:
    return {
        "data": figure.data,
        "layout": {
            "height": height,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
            "font": {"family": FONT, "size": 12},
            "legend": {"orientation": "h", "x": 0, "xanchor": "left", "y": 1.02, "yanchor": "bottom"},
            "paper_bgcolor": "white",
            "plot_bgcolor": "white",
            "hoverlabel": {"namelength": -1},
            "xaxis": _axis(xaxis),
            "yaxis": _axis(yaxis),
            **layout,
        },
    }


def _domain_height(domains: list[dict]) -> int:
    return max(260, 22 * len(domains) + 80)


def status_by_domain(domains: list[dict]) -> dict:
    """Horizontal stacked bars: a programme has dozens of domains, and their names are long."""
    rows = list(reversed(domains))  # plotly draws the first category at the bottom
    figure = Figure()
    names = labels(domain["name"] for domain in rows)
    for status in ProjectStatus:
        counts = [domain["status"].get(status.value, 0) for domain in rows]
        if any(counts):
            figure.add_bar(
                y=names,
                x=counts,
                name=label(status.label),
                orientation="h",
                marker={"color": STATUS_COLORS[status]},
                customdata=[domain["status_urls"][status.value] for domain in rows],
            )
    return _layout(figure, height=_domain_height(rows), barmode="stack")


def progress_by_domain(domains: list[dict]) -> dict:
    rows = [domain for domain in reversed(domains) if domain["progress"] is not None]
    names = labels(domain["name"] for domain in rows)
    urls = [domain["url"] for domain in rows]
    figure = Figure()
    figure.add_bar(
        y=names,
        x=[d["planned"] for d in rows],
        name=label(_("Planned progress")),
        orientation="h",
        marker={"color": "#adb5bd"},
        customdata=urls,
    )
    figure.add_bar(
        y=names,
        x=[d["progress"] for d in rows],
        name=label(_("Progress")),
        orientation="h",
        marker={"color": "#0d6efd"},
        customdata=urls,
    )
    return _layout(
        figure, height=_domain_height(domains), barmode="group", xaxis={"range": [0, 105], "ticksuffix": "%"}
    )


def health_by_unit(units: list[dict]) -> dict:
    """Units with the most red, then yellow projects first; the first UNITS_SHOWN of them."""
    ranked = sorted(
        units, key=lambda u: (-u["health"][Health.RED], -u["health"][Health.YELLOW], -u["projects"], u["name"])
    )[:UNITS_SHOWN]
    ranked.reverse()  # plotly draws the first category at the bottom
    figure = Figure()
    for health in Health:
        figure.add_bar(
            y=labels(unit["name"] for unit in ranked),
            x=[unit["health"][health.value] for unit in ranked],
            name=label(health.label),
            orientation="h",
            marker={"color": HEALTH_COLORS[health]},
            customdata=[unit["health_urls"][health.value] for unit in ranked],
        )
    return _layout(figure, height=max(260, 24 * len(ranked) + 60), barmode="stack")


def progress_trend(trend: dict) -> dict:
    """The average approved progress (line, right axis) over the number of approved reports (bars)."""
    figure = Figure()
    figure.add_bar(
        x=trend["periods"],
        y=trend["reports"],
        name=label(_("Approved reports")),
        marker={"color": "#cfe2ff"},
        customdata=trend["urls"],
    )
    figure.add_scatter(
        x=trend["periods"],
        y=trend["progress"],
        name=label(_("Average reported progress")),
        mode="lines+markers",
        line={"color": "#0d6efd", "width": 3},
        yaxis="y2",
        customdata=trend["urls"],
    )
    return _layout(
        figure,
        xaxis={"type": "category"},
        yaxis={"rangemode": "tozero"},
        # Ticks of its own every 20%: plotly otherwise lines them up with the bars' axis (16.6%, 33.2% …).
        yaxis2=_axis(
            {
                "overlaying": "y",
                "side": "right",
                "range": [0, 105],
                "tickmode": "linear",
                "dtick": 20,
                "ticksuffix": "%",
                "showgrid": False,
            }
        ),
        hovermode="x unified",
    )


def funding_by_year(by_year: list[dict]) -> dict:
    figure = Figure()
    years = [str(row["year"]) for row in by_year]
    urls = [row["url"] for row in by_year]
    for (key, name), color in zip(
        (("planned", _("Planned")), ("allocated", _("Allocated")), ("disbursed", _("Disbursed"))),
        MONEY_COLORS,
        strict=True,
    ):
        figure.add_bar(
            x=years, y=[row[key] for row in by_year], name=label(name), marker={"color": color}, customdata=urls
        )
    return _layout(figure, barmode="group", xaxis={"type": "category"}, yaxis={"tickformat": ",.0f"})


def funding_sources(sources: list[dict]) -> dict:
    figure = Figure()
    figure.add_pie(
        labels=labels(source["name"] for source in sources),
        values=[source["planned"] for source in sources],
        customdata=[source["url"] for source in sources],
        hole=0.45,
        sort=False,
        textinfo="percent",
        marker={"colors": ["#0d6efd" if s["is_government"] else "#fd7e14" for s in sources]},
    )
    return _layout(figure, legend={"orientation": "v"})


def investment_by_model(models: list[dict], names: dict) -> dict:
    figure = Figure()
    rows = list(reversed(models))
    figure.add_bar(
        y=[label(names.get(row["investment_model"], row["investment_model"])) for row in rows],
        x=[float(row["investment"] or 0) for row in rows],
        orientation="h",
        marker={"color": "#6f42c1"},
        customdata=[row["url"] for row in rows],
        name=label(_("Total investment")),
    )
    return _layout(figure, height=max(220, 28 * len(rows) + 60), xaxis={"tickformat": ",.0f"}, showlegend=False)


def completed_vs_plan(rows: list[dict]) -> dict:
    figure = Figure()
    years = [str(row["year"]) for row in rows]
    urls = [row["url"] for row in rows]
    figure.add_bar(
        x=years, y=[r["planned"] for r in rows], name=label(_("Planned")), marker={"color": "#adb5bd"}, customdata=urls
    )
    figure.add_bar(
        x=years,
        y=[r["completed"] for r in rows],
        name=label(_("Completed")),
        marker={"color": "#198754"},
        customdata=urls,
    )
    return _layout(figure, barmode="group", xaxis={"type": "category"}, yaxis={"tickformat": ",.0f"})


def target_attainment(indicators: list) -> dict:
    """Each target's attainment, grouped by plan (a two-level axis), capped at 150% so one outlier cannot flatten the
    rest; the hover shows the true figure."""
    rows = list(reversed(indicators))
    figure = Figure()
    figure.add_bar(
        y=[
            labels(row.plan.title[:14] for row in rows),
            labels(f"{row.name[:18]}（{row.responsible_org.label}）" for row in rows),
        ],
        x=[min(row.attainment or 0, 150) for row in rows],
        orientation="h",
        marker={"color": ["#198754" if row.met else "#fd7e14" for row in rows]},
        customdata=[row.get_absolute_url() for row in rows],
        hovertext=labels(
            f"{row.name}: {row.attainment:.1f}%" if row.attainment is not None else f"{row.name}: —" for row in rows
        ),
        hoverinfo="text",
        name=label(_("Attainment")),
    )
    return _layout(
        figure,
        height=max(260, 24 * len(rows) + 60),
        xaxis={"range": [0, 150], "ticksuffix": "%"},
        shapes=[{"type": "line", "x0": 100, "x1": 100, "yref": "paper", "y0": 0, "y1": 1, "line": {"dash": "dot"}}],
        showlegend=False,
    )


def proposals_by_status(by_status: list) -> dict:
    figure = Figure()
    figure.add_bar(
        x=labels(status.label for status, _count, _url in by_status),
        y=[count for _status, count, _url in by_status],
        customdata=[url for _status, _count, url in by_status],
        marker={"color": "#0d6efd"},
        name=label(_("Proposals")),
    )
    return _layout(figure, showlegend=False)


def replies_by_unit(rows: list[dict]) -> dict:
    shown = sorted(rows, key=lambda r: (-r["late"], -r["replied"], r["name"]))[:UNITS_SHOWN]
    shown.reverse()
    figure = Figure()
    names = labels(row["name"] for row in shown)
    figure.add_bar(
        y=names,
        x=[row["on_time"] for row in shown],
        name=label(_("Replied on time")),
        orientation="h",
        marker={"color": "#198754"},
        customdata=[row["on_time_url"] for row in shown],
    )
    figure.add_bar(
        y=names,
        x=[row["late"] for row in shown],
        name=label(_("Replied late")),
        orientation="h",
        marker={"color": "#dc3545"},
        customdata=[row["late_url"] for row in shown],
    )
    return _layout(figure, height=max(220, 24 * len(shown) + 60), barmode="stack")


def result_classes(rows: list[dict]) -> dict:
    figure = Figure()
    figure.add_pie(
        labels=labels(f"{row['result_class__code']} {row['result_class__name']}" for row in rows),
        values=[row["count"] for row in rows],
        customdata=[row["url"] for row in rows],
        hole=0.45,
        sort=False,
    )
    return _layout(figure, height=260, legend={"orientation": "v"})


def satisfaction(rows: list) -> dict:
    figure = Figure()
    figure.add_pie(
        labels=labels(choice.label for choice, _count, _url in rows),
        values=[count for _choice, count, _url in rows],
        customdata=[url for _choice, _count, url in rows],
        hole=0.45,
        sort=False,
        marker={"colors": ["#198754", "#20c997", "#dc3545"]},
    )
    return _layout(figure, height=260, legend={"orientation": "v"})
