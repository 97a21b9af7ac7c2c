// Inline formsets shown as tables (includes/formset_table.html): add a row on the page from the formset's
// <template>, remove a row not yet saved, fill rows from a template of usual rows (the project's milestones) and
// show a column's running total (their weights). Without JavaScript the blank rows the server offers still work.
document.addEventListener("DOMContentLoaded", () => {
  const containers = new Map();
  document.querySelectorAll("[data-formset]").forEach((container) => {
    containers.set(container.dataset.formset, container);
  });

  const rowsOf = (container) => Array.from(container.querySelectorAll("tbody > [data-formset-form]"));
  const input = (row, field) => row.querySelector(`[name$="-${field}"]`);
  const isBlank = (row) =>
    !input(row, "id")?.value &&
    Array.from(row.querySelectorAll("input:not([type=hidden]):not([type=checkbox]), select, textarea")).every(
      (element) => !element.value || element.value === element.defaultValue,
    );
  const changed = (container) => container.dispatchEvent(new Event("formset:changed"));

  containers.forEach((container, prefix) => {
    const total = container.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const maximum = Number(container.querySelector(`input[name="${prefix}-MAX_NUM_FORMS"]`)?.value || 1000);
    const template = container.querySelector("template[data-formset-row]");
    const body = container.querySelector("tbody");
    const addButton = container.querySelector("[data-formset-add]");
    if (!total || !template || !body) {
      return;
    }

    const initial = Number(container.querySelector(`input[name="${prefix}-INITIAL_FORMS"]`)?.value || 0);
    const pattern = new RegExp(`^(id_)?${prefix}-(\\d+)-`);
    const indexOf = (row) => {
      const named = row.querySelector(`[name^="${prefix}-"]`);
      return named ? Number(named.name.match(pattern)[2]) : -1;
    };
    // New rows are numbered on from the saved ones without a gap, as Django expects: a missing row would be read as
    // a blank one with its default weight, which counts as changed and fails as incomplete.
    const renumber = () => {
      let next = initial;
      rowsOf(container).forEach((row) => {
        const current = indexOf(row);
        if (current < initial) {
          return;
        }
        if (current !== next) {
          row.querySelectorAll("[name], [id], label[for]").forEach((element) => {
            ["name", "id", "for"].forEach((attribute) => {
              const value = element.getAttribute(attribute);
              if (value && pattern.test(value)) {
                element.setAttribute(attribute, value.replace(pattern, (_, id) => `${id || ""}${prefix}-${next}-`));
              }
            });
          });
        }
        next += 1;
      });
      total.value = String(next);
    };
    container.renumber = renumber;

    const wireRemove = (row) => {
      const remove = row.querySelector("[data-formset-remove]");
      if (!remove) {
        return;
      }
      remove.hidden = false;
      remove.addEventListener("click", () => {
        row.remove();
        renumber();
        addButton?.focus();
        changed(container);
      });
    };

    container.addRow = () => {
      const index = Number(total.value);
      if (index >= maximum) {
        return null;
      }
      const fragment = template.content.cloneNode(true);
      fragment.querySelectorAll("[name], [id], label[for]").forEach((element) => {
        ["name", "id", "for"].forEach((attribute) => {
          const value = element.getAttribute(attribute);
          if (value) {
            element.setAttribute(attribute, value.replace("__prefix__", String(index)));
          }
        });
      });
      const row = fragment.querySelector("[data-formset-form]");
      body.appendChild(fragment);
      total.value = String(index + 1);
      wireRemove(row);
      changed(container);
      return row;
    };
    container.rows = () => rowsOf(container);
    container.isBlank = isBlank;

    rowsOf(container).forEach(wireRemove);
    if (addButton) {
      addButton.hidden = false;
      addButton.addEventListener("click", () => {
        const row = container.addRow();
        row?.querySelector("input:not([type=hidden]), select, textarea")?.focus();
      });
    }
    container.addEventListener("input", () => changed(container));
    container.addEventListener("change", () => changed(container));
  });

  // A running total of one column over the rows kept (not ticked for deletion), e.g. the milestones' weights.
  document.querySelectorAll("[data-formset-sum]").forEach((output) => {
    const container = containers.get(output.dataset.formsetSum);
    if (!container) {
      return;
    }
    const expected = Number(output.dataset.sumTotal);
    const update = () => {
      let sum = 0;
      let any = false;
      container.rows().forEach((row) => {
        const deleted = input(row, "DELETE");
        const value = input(row, output.dataset.sumField)?.value;
        if ((deleted && deleted.checked) || (container.isBlank(row) && !input(row, "id")?.value)) {
          return;
        }
        any = true;
        sum += Number(value) || 0;
      });
      output.textContent = any ? output.dataset.sumText.replace("{sum}", String(sum)) : "";
      output.classList.toggle("text-danger", any && sum !== expected);
      output.classList.toggle("text-success", any && sum === expected);
    };
    container.addEventListener("formset:changed", update);
    update();
  });

  // Rows from a template (json_script): blank new rows make way, rows already named are kept, and each added row
  // falls due at its share of the span between the two dates given (milestone_template.planned_date).
  document.querySelectorAll("[data-formset-fill]").forEach((button) => {
    const container = containers.get(button.dataset.formsetFill);
    const source = document.getElementById(button.dataset.fillRows);
    if (!container || !source) {
      return;
    }
    const message = button.parentElement.querySelector("[data-fill-message]");
    button.hidden = false;
    button.addEventListener("click", () => {
      const usual = JSON.parse(source.textContent);
      const named = new Set(container.rows().map((row) => input(row, "name")?.value.trim()).filter(Boolean));
      const missing = usual.filter((item) => !named.has(item.name));
      if (!missing.length) {
        message.textContent = button.dataset.fillNone;
        return;
      }
      container.rows().forEach((row) => {
        if (!input(row, "id")?.value && container.isBlank(row)) {
          row.remove();
        }
      });
      container.renumber();
      const start = Date.parse(document.querySelector(button.dataset.fillStart)?.value || "");
      const end = Date.parse(document.querySelector(button.dataset.fillEnd)?.value || "");
      const day = 24 * 60 * 60 * 1000;
      let first = null;
      missing.forEach((item) => {
        const row = container.addRow();
        if (!row) {
          return;
        }
        input(row, "name").value = item.name;
        input(row, "weight").value = String(item.weight);
        if (!Number.isNaN(start) && !Number.isNaN(end) && end >= start) {
          // Python's round(): halves to the even day, so the form and the server agree on every date.
          const exact = (item.share * (end - start)) / day;
          let days = Math.round(exact);
          if (Math.abs(exact % 1) === 0.5 && days % 2 !== 0) {
            days -= 1;
          }
          input(row, "planned_date").value = new Date(start + days * day).toISOString().slice(0, 10);
        }
        first = first || row;
      });
      changed(container);
      first?.querySelector("input:not([type=hidden])")?.focus();
      message.textContent = button.dataset.fillDone;
    });
  });
});
