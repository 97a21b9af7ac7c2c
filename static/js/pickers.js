// Searchable pickers (Tom Select) for the drop-downs of rows — units, plans, projects, regions — that
// common.forms.style_widgets marks <select data-picker>: type part of a name to narrow dozens or hundreds of choices.
// Without JavaScript they stay plain selects. Tom Select keeps the original <select> and its <label>.
(() => {
  // The words, translated, come on this script's tag: no inline script may carry them.
  const words = document.currentScript.dataset;

  const text = (className, content) => {
    const element = document.createElement("div");
    element.className = className;
    element.textContent = content;
    return element;
  };

  const clearButton = (options) => {
    const button = text(options.className, "×");
    button.title = options.title;
    button.setAttribute("role", options.role);
    button.tabIndex = options.tabindex;
    return button;
  };

  const pick = (select) => {
    const multiple = select.multiple;
    const plugins = {};
    if (multiple) {
      plugins.remove_button = { title: words.remove };
    } else if (!select.required) {
      plugins.clear_button = { title: words.clear, html: clearButton };
    }
    const picker = new window.TomSelect(select, {
      plugins,
      maxOptions: null, // every match, not the first 50: a region has hundreds of units
      placeholder: words.placeholder,
      hidePlaceholder: true,
      closeAfterSelect: !multiple,
      clearAfterSelect: true, // the next name is typed afresh
      // In <body>, so a table's or a card's overflow does not clip it.
      dropdownParent: "body",
      render: {
        // The name in its own element, so that a long one can end in an ellipsis (pickers.css), whole in its title.
        item: (data, escape) => {
          const name = escape(data.text);
          return `<div title="${name}"><span class="picker-text">${name}</span></div>`;
        },
        no_results: () => text("no-results", words.noResults),
      },
    });
    if (multiple) {
      // Tom Select moves the chosen options to the end in the order they were chosen; put them back in the page's
      // order, so that a filter's address (?plan=1&plan=3) does not depend on the order of the clicks.
      const order = Array.from(select.options);
      picker.on("change", () => select.append(...order));
    }
  };

  const pickAll = () => document.querySelectorAll("select[data-picker]:not(.tomselected)").forEach(pick);

  document.addEventListener("DOMContentLoaded", () => {
    if (window.TomSelect) {
      pickAll();
      // Rows added on the page later (an inline table's 添加一行) get their pickers too.
      new MutationObserver(pickAll).observe(document.body, { childList: true, subtree: true });
    }
  });
})();
