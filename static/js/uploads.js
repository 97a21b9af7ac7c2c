// Uploads: drop files on a drop zone, and see a form's upload progress. No inline scripts (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // <label class="dropzone"> around an <input type="file" multiple>: dropped files become the input's files.
  document.querySelectorAll(".dropzone").forEach((zone) => {
    const input = zone.querySelector('input[type="file"]');
    if (!input) return;
    const show = () => {
      const names = Array.from(input.files).map((file) => file.name);
      let list = zone.querySelector(".dropzone-files");
      if (!list) {
        list = document.createElement("div");
        list.className = "dropzone-files small text-body mt-1";
        zone.appendChild(list);
      }
      list.textContent = names.join("、");
    };
    ["dragenter", "dragover"].forEach((name) =>
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("dropzone-active");
      }),
    );
    ["dragleave", "drop"].forEach((name) => zone.addEventListener(name, () => zone.classList.remove("dropzone-active")));
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (!event.dataTransfer || !event.dataTransfer.files.length) return;
      const files = new DataTransfer();
      Array.from(input.multiple ? input.files : []).forEach((file) => files.items.add(file));
      Array.from(event.dataTransfer.files).forEach((file) => files.items.add(file));
      input.files = files.files;
      show();
    });
    input.addEventListener("change", show);
  });

  // <form data-upload-progress="json|page">: sent with XMLHttpRequest so that a <progress> in it shows how much has
  // gone. "json": the server answers {error} or {added} and the page reloads; "page": the server answers a page.
  document.querySelectorAll("form[data-upload-progress]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      const count = Array.from(form.querySelectorAll('input[type="file"]')).reduce((n, input) => n + input.files.length, 0);
      if (!count || !window.FormData) return;
      event.preventDefault();
      const mode = form.dataset.uploadProgress;
      const bar = form.querySelector(".upload-progress") || document.querySelector(".upload-progress");
      const error = form.querySelector(".upload-error");
      // The server refuses a request of more files than this whole; say so before sending them all.
      const most = Number(form.dataset.maxFiles || 0);
      if (most && count > most && error) {
        error.textContent = form.dataset.tooManyFiles;
        error.hidden = false;
        return;
      }
      const buttons = form.querySelectorAll('button[type="submit"]');
      const data = new FormData(form);
      if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
      const request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("Accept", mode === "json" ? "application/json" : "text/html");
      buttons.forEach((button) => (button.disabled = true));
      if (bar) {
        bar.hidden = false;
        bar.value = 0;
      }
      if (error) error.hidden = true;
      request.upload.addEventListener("progress", (progress) => {
        if (bar && progress.lengthComputable) bar.value = Math.round((100 * progress.loaded) / progress.total);
      });
      request.addEventListener("load", () => {
        buttons.forEach((button) => (button.disabled = false));
        if (mode === "json") {
          let answer = {};
          try {
            answer = JSON.parse(request.responseText);
          } catch (parseError) {
            answer = { error: request.statusText || String(request.status) };
          }
          if (request.status < 400) {
            window.location.reload();
          } else if (error) {
            error.textContent = answer.error || answer.detail || request.statusText;
            error.hidden = false;
            if (bar) bar.hidden = true;
          }
          return;
        }
        // The answer is the page to show: the form again with its errors, or the page a success redirected to, which
        // carries the success message (loading that address again would find the message spent).
        const redirected = request.responseURL && request.responseURL !== window.location.href;
        document.open();
        document.write(request.responseText);
        document.close();
        if (redirected) window.history.pushState(null, "", request.responseURL);
      });
      request.addEventListener("error", () => {
        buttons.forEach((button) => (button.disabled = false));
        if (error) {
          error.textContent = form.dataset.uploadFailed || "Upload failed";
          error.hidden = false;
        }
      });
      request.send(data);
    });
  });
});
