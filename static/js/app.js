// Small behaviours of the workspace, loaded on every page. No inline scripts, so the CSP can forbid them.
document.addEventListener("DOMContentLoaded", () => {
  // A select that applies itself (page size), keeping the page usable without JavaScript through <noscript>.
  document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });

  // Tick or untick every row of a table (review queue).
  document.querySelectorAll("input[data-check-all]").forEach((master) => {
    master.addEventListener("change", () => {
      document.querySelectorAll(`input[name="${master.dataset.checkAll}"]`).forEach((box) => {
        box.checked = master.checked;
      });
    });
  });

  // Plotly figures rendered on the server: <div data-plotly-figure="id-of-json-script">.
  if (window.Plotly) {
    document.querySelectorAll("[data-plotly-figure]").forEach((element) => {
      const figure = JSON.parse(document.getElementById(element.dataset.plotlyFigure).textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, { displayModeBar: false, responsive: true });
      // A point that carries an address (customdata) opens the list behind it.
      element.on("plotly_click", (event) => {
        const point = event.points && event.points[0];
        const target = point && (Array.isArray(point.customdata) ? point.customdata[0] : point.customdata);
        if (typeof target === "string" && target.startsWith("/")) {
          window.location.assign(target);
        }
      });
    });
  }

  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });

  // "Back to the previous page" (error pages): hidden when the page was opened first, with nowhere to go back to.
  document.querySelectorAll("[data-back]").forEach((button) => {
    if (window.history.length < 2) {
      button.hidden = true;
      return;
    }
    button.addEventListener("click", () => window.history.back());
  });
});
