// Background jobs (我的导出, a job's page): each unfinished job's status is fetched every two seconds from its JSON
// address (data-job-status) and shown — status, rows done, the bar, the download button once the file is ready.
(() => {
  "use strict";
  const POLL_MS = 2000;

  function show(box, state) {
    box.querySelectorAll("[data-job-field]").forEach((field) => {
      field.textContent = state[field.dataset.jobField];
    });
    const badge = box.querySelector("[data-job-field=status_label]");
    badge.className = "badge text-bg-" + state.status_color;
    box.querySelector("progress").value = state.percent;
    const download = box.querySelector("[data-job-download]");
    if (state.download_url) {
      download.href = state.download_url;
      download.classList.remove("d-none");
    }
    const error = document.querySelector("[data-job-error]");
    if (error && state.error) {
      error.textContent = state.error;
      error.classList.remove("d-none");
    }
  }

  function poll(box) {
    fetch(box.dataset.jobStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        show(box, state);
        if (!state.finished) window.setTimeout(() => poll(box), POLL_MS);
        // An import's page shows its counts and errors, written on the server: it is loaded again once finished.
        else if (box.closest("[data-job-reload]")) window.location.reload();
      })
      .catch(() => window.setTimeout(() => poll(box), POLL_MS * 5));
  }

  document.querySelectorAll("[data-job-status]:not([data-job-finished])").forEach((box) => {
    window.setTimeout(() => poll(box), POLL_MS);
  });
})();
